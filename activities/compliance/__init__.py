"""Was every required meeting held, and who came? (三会一课 检查, domain §2)

One module per concept: the school calendar (`calendar`), the periods of a school year
(`periods`), the meeting rule book (`rules`), the grid (`grid`), what is owed now (`owed`)
and attendance rates (`attendance`). The names other code uses are re-exported here, so
`from activities.compliance import compliance_grid` keeps working; the school year comes
from `branchsite.dates`.
"""

from activities.compliance.attendance import (
    AttendanceFlags,
    AttendanceReport,
    GroupAttendance,
    MemberAttendance,
    Tally,
    attendance_rate,
    attendance_rates,
)
from activities.compliance.calendar import SchoolCalendar, Term, default_terms, terms_for
from activities.compliance.grid import (
    KIND_ORDER,
    Cell,
    CellStatus,
    ComplianceGrid,
    DisplayCell,
    MeetingRef,
    Row,
    compliance_grid,
    compliance_grids,
)
from activities.compliance.owed import (
    MissingItem,
    Owed,
    missed_in,
    missing_in,
    missing_now,
    owed_now,
)
from activities.compliance.periods import (
    PeriodSpan,
    month_label,
    periods_of,
    school_year_label,
)
from activities.compliance.rules import RuleBook, is_checked, rule_for, rule_summary
from branchsite.dates import school_year_bounds, school_year_of

__all__ = [
    "KIND_ORDER",
    "AttendanceFlags",
    "AttendanceReport",
    "Cell",
    "CellStatus",
    "ComplianceGrid",
    "DisplayCell",
    "GroupAttendance",
    "MeetingRef",
    "MemberAttendance",
    "MissingItem",
    "Owed",
    "PeriodSpan",
    "Row",
    "RuleBook",
    "SchoolCalendar",
    "Tally",
    "Term",
    "attendance_rate",
    "attendance_rates",
    "compliance_grid",
    "compliance_grids",
    "default_terms",
    "is_checked",
    "missed_in",
    "missing_in",
    "missing_now",
    "month_label",
    "owed_now",
    "periods_of",
    "rule_for",
    "rule_summary",
    "school_year_bounds",
    "school_year_label",
    "school_year_of",
    "terms_for",
]
