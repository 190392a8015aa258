"""The roster's columns: their headers and synonyms, the spellings of the choice columns,
and how a header written in a file is recognised. `SheetLayout` is the column spec the
reader takes: the roster's is `ROSTER_LAYOUT`, other sheets (the payroll sheet of the dues
bases, `members.dues.payroll`) bring their own."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from branchsite.xlsx import DATE_FORMAT, MONTH_FORMAT, TEXT_FORMAT
from members.models import Category, Education, Employment, Gender, Status

# Values of the choice columns: the first spelling is written by the export, every spelling
# is accepted by the import (after folding full-width characters and dropping spaces).
CHOICE_SPELLINGS = {
    "gender": {Gender.MALE: ("男", "男性"), Gender.FEMALE: ("女", "女性")},
    "education": {
        Education.DOCTORATE: ("博士研究生", "博士"),
        Education.MASTER: ("硕士研究生", "硕士", "研究生"),
        Education.BACHELOR: ("大学本科", "本科", "大学"),
        Education.COLLEGE: ("大学专科", "大专", "专科"),
        Education.SECONDARY_VOCATIONAL: ("中等专科", "中专", "中技", "职高", "中等职业教育"),
        Education.HIGH_SCHOOL: ("高中",),
        Education.JUNIOR_HIGH_OR_BELOW: ("初中及以下", "初中", "小学"),
    },
    "category": {
        Category.FULL: ("正式党员", "正式"),
        Category.PROBATIONARY: ("预备党员", "预备"),
        Category.CANDIDATE: ("发展对象",),
        Category.ACTIVIST: ("入党积极分子", "积极分子"),
        Category.APPLICANT: ("入党申请人", "申请人"),
    },
    "status": {
        Status.ACTIVE: ("正常",),
        Status.SUSPENDED: ("停止党籍",),
        Status.TRANSFERRED_OUT: ("已转出", "转出"),
        Status.EXITED: ("已出党", "出党"),
        Status.DECEASED: ("死亡", "已故"),
    },
    "employment": {
        Employment.IN_SERVICE: ("在职",),
        Employment.RETIRED: ("退休", "离退休", "离休"),
    },
    "boolean": {
        True: ("是", "Y", "YES", "TRUE", "1", "√", "✓"),
        False: ("否", "N", "NO", "FALSE", "0", "×", "✗"),
    },
}

NUMBER_FORMATS = {
    "date": DATE_FORMAT,
    "month": MONTH_FORMAT,
    "id": TEXT_FORMAT,
    "phone": TEXT_FORMAT,
}


@dataclass(frozen=True)
class RosterColumn:
    """One column of the roster. `key` is a Member field, or "branch"/"group"."""

    key: str
    header: str
    kind: str = "text"  # text name id phone date month choice boolean ethnicity branch group
    synonyms: tuple[str, ...] = ()
    width: float = 12

    @property
    def choices(self) -> dict:
        return CHOICE_SPELLINGS["boolean" if self.kind == "boolean" else self.key]


COLUMNS = (
    RosterColumn("name", "姓名", "name", ("党员姓名", "名字"), 10),
    RosterColumn("gender", "性别", "choice", (), 6),
    RosterColumn(
        "id_number",
        "公民身份号码",
        "id",
        ("身份证号", "身份证号码", "身份证", "公民身份证号码", "公民身份证号", "身份号码"),
        21,
    ),
    RosterColumn("ethnicity", "民族", "ethnicity", (), 8),
    RosterColumn("birth_date", "出生日期", "date", ("出生年月", "出生年月日", "生日"), 12),
    RosterColumn("education", "学历", "choice", ("文化程度", "最高学历"), 12),
    RosterColumn("category", "人员类别", "choice", ("党员类别", "类别"), 10),
    RosterColumn("branch", "所在党支部", "branch", ("党支部", "所在支部"), 18),
    RosterColumn("group", "所在党小组", "group", ("党小组", "所在小组"), 18),
    RosterColumn(
        "joined_on",
        "加入党组织日期",
        "date",
        ("入党时间", "入党日期", "入党年月", "加入党组织时间"),
        12,
    ),
    RosterColumn(
        "full_member_on",
        "转为正式党员日期",
        "date",
        ("转正时间", "转正日期", "转正年月", "转为正式党员时间"),
        12,
    ),
    RosterColumn("job", "工作岗位", "text", ("岗位",), 16),
    RosterColumn(
        "phone",
        "联系电话",
        "phone",
        ("电话", "手机", "手机号", "手机号码", "电话号码", "联系方式"),
        14,
    ),
    RosterColumn("address", "家庭住址", "text", ("住址", "家庭地址", "现住址", "地址"), 30),
    RosterColumn("status", "党籍状态", "choice", (), 10),
    RosterColumn("lost_contact", "是否失联", "boolean", ("失联", "失去联系"), 8),
    RosterColumn("lost_contact_on", "失联日期", "date", ("失去联系日期", "失联时间"), 12),
    RosterColumn("mobile", "是否流动", "boolean", ("流动党员", "是否流动党员"), 8),
    RosterColumn("mobile_destination", "流动去向", "text", ("外出流向", "流动地点"), 16),
    RosterColumn(
        "office", "组室/教研组", "text", ("组室", "教研组", "所在组室", "组室教研组", "部门"), 14
    ),
    RosterColumn("position", "职务", "text", ("行政职务",), 12),
    RosterColumn("professional_title", "职称", "text", ("专业技术职务",), 12),
    RosterColumn(
        "work_started_on",
        "参加工作日期",
        "date",
        ("参加工作时间", "参加工作年月", "工作时间"),
        12,
    ),
    RosterColumn("native_place", "籍贯", "text", (), 10),
    RosterColumn(
        "dues_paid_until", "党费缴至年月", "month", ("党费缴至", "党费缴纳至", "党费交至"), 12
    ),
    RosterColumn("employment", "在职/退休", "choice", ("在职或退休", "在职退休"), 10),
)
# The export adds what follows from the columns and is never imported: 党龄, in whole years
# from the date of full membership, written after that date.
PARTY_AGE = RosterColumn("party_age", "党龄", "years", (), 6)
_FULL_MEMBER_AT = [column.key for column in COLUMNS].index("full_member_on") + 1
EXPORT_COLUMNS = (*COLUMNS[:_FULL_MEMBER_AT], PARTY_AGE, *COLUMNS[_FULL_MEMBER_AT:])
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# The Member fields an import may set; "branch" is informative and "group" is a placement.
IMPORTED_FIELDS = [c.key for c in COLUMNS if c.key not in ("branch", "group")]


def normalise_header(text) -> str:
    """Fold full-width characters, drop spaces, required-field stars, colons and any
    explanation in brackets: "公民身份号码（18位）*" → "公民身份号码"."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\([^)]*\)", "", text)
    return text.strip("*:")


@dataclass(frozen=True)
class SheetMessages:
    """The sentences that refuse a file, which name what it should have been (a roster, a
    payroll sheet): whole sentences, translated when they are shown."""

    too_big: str  # %(limit)s: megabytes
    unpacks_too_much: str  # %(limit)s: megabytes
    too_wide: str  # %(rows)s, %(columns)s
    too_many_rows: str  # %(limit)s
    no_header: str  # %(rows)s: how far down the header is looked for


@dataclass(frozen=True, eq=False)
class SheetLayout:
    """What the reader (`members.roster.reading.sheet_read`) looks for in one kind of sheet:
    its columns with their headers and synonyms, the column the header row must name, and
    the sentences that refuse a file."""

    columns: tuple[RosterColumn, ...]
    messages: SheetMessages
    required: str = "name"
    by_key: dict[str, RosterColumn] = field(init=False, repr=False)
    header_keys: dict[str, str] = field(init=False, repr=False)  # normalised header → key

    def __post_init__(self):
        object.__setattr__(self, "by_key", {column.key: column for column in self.columns})
        header_keys = {
            normalise_header(name): column.key
            for column in self.columns
            for name in (column.header, *column.synonyms)
        }
        object.__setattr__(self, "header_keys", header_keys)


ROSTER_LAYOUT = SheetLayout(
    columns=COLUMNS,
    messages=SheetMessages(
        too_big=_(
            "The file is larger than %(limit)s MB; a roster is much smaller. Is it the right file?"
        ),
        unpacks_too_much=_(
            "The file unpacks to more than %(limit)s MB, far more than any roster; it was "
            "refused without being opened."
        ),
        too_wide=_(
            "The sheet stretches over %(rows)s rows and %(columns)s columns, far more than "
            "any roster: is there a stray cell far below or to the right of the table? "
            "Delete the rows and columns after the roster, save the file and upload it again."
        ),
        too_many_rows=_(
            "The file has more than %(limit)s rows; import at most %(limit)s members at a time."
        ),
        no_header=_(
            "No header row was found: the roster needs a row of column names within its "
            "first %(rows)s rows, with 姓名 and others such as 公民身份号码, 性别 and 出生日期."
        ),
    ),
)
