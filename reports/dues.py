"""党费收缴公示: the year's regular dues per member (base, monthly amount, months paid, total
paid) with the branch's totals, and the special dues (特殊党费) listed apart, never added to
the dues. The figures are members.dues.selectors.year_notice's."""

import datetime
import io

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext
from openpyxl import Workbook

from branchsite.dates import long_date
from branchsite.xlsx import DATE_FORMAT
from members.dues.yearly import NoticeRow, YearNotice, year_end
from reports.tables import MONEY_FORMAT, Column, write_table


def notice_title(branch, year: int) -> str:
    return gettext("%(branch)s %(year)s party dues notice") % {
        "branch": branch.name,
        "year": year,
    }


def notice_period(notice: YearNotice) -> str:
    """What the figures cover: the whole year, or the year so far."""
    if notice.as_of > year_end(notice.year):
        return gettext(
            "Regular dues for the months of %(year)s, whenever paid; special dues paid in "
            "%(year)s are listed apart and not counted as dues."
        ) % {"year": notice.year}
    return gettext(
        "Regular dues for the months of %(year)s as recorded on %(date)s, whenever paid; "
        "special dues paid in %(year)s are listed apart and not counted as dues."
    ) % {"year": notice.year, "date": long_date(notice.as_of)}


def row_note(row: NoticeRow) -> str:
    """备注: a base not set yet, or the months the base changed in, and the months with an
    approved reduction or waiver (减免)."""
    if row.monthly_base is None:
        return gettext("No dues base set")
    notes = [
        gettext("new base from %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}
        for month in row.base_changes
    ]
    if row.reduced_months:
        notes.append(
            ngettext(
                "reduced or waived (减免) for %(count)s month",
                "reduced or waived (减免) for %(count)s months",
                row.reduced_months,
            )
            % {"count": row.reduced_months}
        )
    return "；".join(notes)


def special_total_line(notice: YearNotice) -> str:
    return gettext("Special dues: %(count)s payments, %(total)s yuan in all.") % {
        "count": len(notice.special),
        "total": f"{notice.special_total:.2f}",
    }


def regular_total_line(notice: YearNotice) -> str:
    return gettext(
        "Regular dues: %(members)s members, %(months)s months paid, %(total)s yuan in all."
    ) % {
        "members": len(notice.rows),
        "months": notice.months_paid,
        "total": f"{notice.total_paid:.2f}",
    }


def notice_columns() -> list[Column]:
    return [
        Column(pgettext("dues notice column", "No."), 6),
        Column(pgettext("dues notice column", "Name"), 10),
        Column(pgettext("dues notice column", "Party group"), 18, wrap=True),
        Column(pgettext("dues notice column", "Dues category"), 12, wrap=True),
        Column(pgettext("dues notice column", "Monthly base (yuan)"), 12, MONEY_FORMAT),
        Column(pgettext("dues notice column", "Monthly dues (yuan)"), 11, MONEY_FORMAT),
        Column(pgettext("dues notice column", "Months paid"), 8),
        Column(pgettext("dues notice column", "Total paid (yuan)"), 12, MONEY_FORMAT),
        Column(pgettext("dues notice column", "Note"), 24, wrap=True),
    ]


def special_columns() -> list[Column]:
    return [
        Column(pgettext("special dues column", "No."), 6),
        Column(pgettext("special dues column", "Name"), 10),
        Column(pgettext("special dues column", "Paid on"), 12, DATE_FORMAT),
        Column(pgettext("special dues column", "Amount (yuan)"), 12, MONEY_FORMAT),
        Column(pgettext("special dues column", "For"), 40, wrap=True),
    ]


def notice_workbook(notice: YearNotice, *, today: datetime.date) -> bytes:
    """Two sheets: the regular dues with their total row, and the special dues with theirs.
    Amounts are numbers (Decimal) shown to the fen."""
    workbook = Workbook(write_only=True)
    title = notice_title(notice.branch, notice.year)
    write_table(
        workbook.create_sheet(gettext("Dues collected")),
        title=title,
        notes=[notice_period(notice)],
        columns=notice_columns(),
        rows=(
            [
                number,
                row.member.name,
                row.group_name,
                row.category,
                row.monthly_base,
                row.monthly_amount,
                row.months_paid,
                row.total_paid,
                row_note(row),
            ]
            for number, row in enumerate(notice.rows, start=1)
        ),
        total=[
            pgettext("dues notice", "Total"),
            None,
            None,
            None,
            None,
            None,
            notice.months_paid,
            notice.total_paid,
            None,
        ],
        today=today,
    )
    write_table(
        workbook.create_sheet(gettext("Special dues")),
        title=gettext("%(title)s: special dues") % {"title": title},
        notes=[special_total_line(notice)],
        columns=special_columns(),
        rows=(
            [number, special.member.name, special.paid_on, special.amount, special.purpose]
            for number, special in enumerate(notice.special, start=1)
        ),
        total=[pgettext("dues notice", "Total"), None, None, notice.special_total, None],
        today=today,
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
