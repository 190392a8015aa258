"""The payroll sheet (工资表) the dues bases are imported from: its columns, how it is read
(the roster's defensive reader, `members.roster.reading.sheet_read`, with these columns), and
the value of its cells: amounts of money to the fen and the dues category.

The base is either one column (党费基数, 月计算基数 or 税后工资) or the pay items 岗位工资,
薪级工资, 绩效工资 and 津贴补贴, summed, less 个人所得税. Only the income tax is deducted:
中组发〔2008〕3号 第一条 takes the fixed, regular pay less the individual income tax, and the
中组部's answers of 2008 on it say that the social insurance and housing fund contributions
are not deducted, so a sheet's 养老保险 or 公积金 columns are not read at all.

Like the roster's, the column names and the category's spellings are a file format, fixed in
Chinese; messages to the user go through gettext.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.dues.rules import to_fen
from members.models import DuesCategory
from members.roster import RosterFileError, SheetLayout, SheetMessages, sheet_read
from members.roster.cells import CellError, folded_text, is_blank
from members.roster.columns import RosterColumn
from members.roster.reading import RosterSheet

BASE = "base"
# Summed into the base when the sheet has no base column.
PAY_ITEMS = ("post_pay", "grade_pay", "performance_pay", "allowances")
# Deducted from the pay items: the only deduction (see above).
INCOME_TAX = "income_tax"

PAYROLL_COLUMNS = (
    RosterColumn("name", "姓名", "name", ("职工姓名", "党员姓名", "名字"), 10),
    RosterColumn(
        "id_number",
        "身份证号",
        "id",
        ("公民身份号码", "身份证号码", "身份证", "公民身份证号码", "公民身份证号", "身份号码"),
        21,
    ),
    RosterColumn(BASE, "党费基数", "money", ("月计算基数", "税后工资", "党费计算基数"), 12),
    RosterColumn("post_pay", "岗位工资", "money", (), 10),
    RosterColumn("grade_pay", "薪级工资", "money", (), 10),
    RosterColumn("performance_pay", "绩效工资", "money", ("基础性绩效工资", "基础绩效工资"), 10),
    RosterColumn("allowances", "津贴补贴", "money", ("津补贴",), 10),
    RosterColumn(
        INCOME_TAX, "个人所得税", "money", ("个税", "代扣个税", "代扣个人所得税", "所得税"), 10
    ),
    RosterColumn("category", "类别", "dues_category", ("党费类别", "缴费类别"), 10),
)

PAYROLL_LAYOUT = SheetLayout(
    columns=PAYROLL_COLUMNS,
    messages=SheetMessages(
        too_big=gettext_lazy(
            "The file is larger than %(limit)s MB; a payroll sheet is much smaller. Is it the "
            "right file?"
        ),
        unpacks_too_much=gettext_lazy(
            "The file unpacks to more than %(limit)s MB, far more than any payroll sheet; it "
            "was refused without being opened."
        ),
        too_wide=gettext_lazy(
            "The sheet stretches over %(rows)s rows and %(columns)s columns, far more than any "
            "payroll sheet: is there a stray cell far below or to the right of the table? "
            "Delete the rows and columns after the table, save the file and upload it again."
        ),
        too_many_rows=gettext_lazy(
            "The file has more than %(limit)s rows; import at most %(limit)s bases at a time."
        ),
        no_header=gettext_lazy(
            "No header row was found: the payroll sheet needs a row of column names within "
            "its first %(rows)s rows, with 姓名 and either 党费基数 (or 月计算基数, 税后工资) or "
            "the pay items 岗位工资, 薪级工资, 绩效工资, 津贴补贴 and 个人所得税."
        ),
    ),
)
COLUMNS_BY_KEY = PAYROLL_LAYOUT.by_key

# The first spelling is the category's own; every spelling is accepted (folded).
CATEGORY_SPELLINGS = {
    DuesCategory.IN_SERVICE: ("在职", "在岗", "在职党员"),
    DuesCategory.RETIRED: ("离退休", "退休", "离休", "离退休党员", "退休党员"),
    DuesCategory.NO_INCOME: ("学生", "无固定收入", "学生党员", "无收入", "失业", "下岗", "低保"),
    # Read, so that a sheet naming it is understood; the import refuses such a row, since the
    # amount is the branch's, not the pay's (members.dues.payroll_import).
    DuesCategory.OTHER: ("其他", "其它", "其他(支部核定数额)", "支部核定"),
}
# Rows that add up the others, not a member's.
TOTAL_ROW_NAMES = ("合计", "总计", "小计")
AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def payroll_read(source: BinaryIO | str | Path) -> RosterSheet:
    """The payroll sheet of an .xlsx, .xls or .ods file, read as defensively as a roster.
    Rows of totals (合计, 小计) are left out. Raises RosterFileError, with a message for the
    user, for a file that is not such a sheet or has no column to take the base from."""
    sheet = sheet_read(source, PAYROLL_LAYOUT)
    if BASE not in sheet.columns and not any(key in sheet.columns for key in PAY_ITEMS):
        raise RosterFileError(
            _(
                "The sheet has no column the base can be taken from: add a 党费基数 column, or "
                "the pay items 岗位工资, 薪级工资, 绩效工资 and 津贴补贴 with 个人所得税."
            )
        )
    sheet.rows = [
        row for row in sheet.rows if folded_text(row.values.get("name")) not in TOTAL_ROW_NAMES
    ]
    return sheet


def takes_pay_items(sheet: RosterSheet) -> bool:
    """Whether the base is the pay items less the tax (no base column in the sheet)."""
    return BASE not in sheet.columns


def base_formula(sheet: RosterSheet) -> str:
    """How the base is computed, in the file's own headers: "岗位工资 + 薪级工资 − 个人所得税"."""
    if not takes_pay_items(sheet):
        return sheet.headers[BASE]
    pay = " + ".join(sheet.headers[key] for key in PAY_ITEMS if key in sheet.columns)
    if INCOME_TAX in sheet.columns:
        return f"{pay} − {sheet.headers[INCOME_TAX]}"
    return pay


def missing_pay_columns(sheet: RosterSheet) -> list[str]:
    """The pay items and the tax a sheet of pay items lacks (they count as nothing)."""
    if not takes_pay_items(sheet):
        return []
    return [
        COLUMNS_BY_KEY[key].header for key in (*PAY_ITEMS, INCOME_TAX) if key not in sheet.columns
    ]


def _amount_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _not_an_amount(value) -> CellError:
    return CellError(
        _("%(value)s is not an amount of money: write it as a number, such as 5234.50.")
        % {"value": _amount_text(value)}
    )


def parse_amount(value) -> Decimal | None:
    """An amount in 元 to the fen (half a fen up), from a number or from text such as
    "5,234.50", "￥5234.5" or "5234.50元"; None for a blank cell. Negative amounts, dates,
    ticks and words are refused."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, datetime.date)):
        raise _not_an_amount(value)
    if isinstance(value, (int, float)):
        try:
            # repr gives the shortest text of the float: 5234.57, not 5234.569999…
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation as error:
            raise _not_an_amount(value) from error
        if not amount.is_finite():
            raise _not_an_amount(value)
    else:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        text = text.replace("\u2212", "-").removeprefix("¥").removesuffix("元")
        digits = text.removeprefix("-")
        if not AMOUNT.match(digits):
            raise _not_an_amount(value)
        amount = Decimal(digits.replace(",", ""))
        if digits != text:
            amount = -amount
    if amount < 0:
        raise CellError(
            _("%(value)s is negative; an amount of pay or tax cannot be.")
            % {"value": _amount_text(value)}
        )
    return to_fen(amount)


def parse_dues_category(value) -> str | None:
    """The dues category a cell names (在职, 离退休, 学生…); None for a blank cell."""
    if is_blank(value):
        return None
    folded = folded_text(value)
    for category, spellings in CATEGORY_SPELLINGS.items():
        if folded in spellings:
            return category
    # 其他 is not offered: the import refuses it (the branch sets that amount).
    allowed = "、".join(
        spellings[0]
        for category, spellings in CATEGORY_SPELLINGS.items()
        if category != DuesCategory.OTHER
    )
    raise CellError(
        _("%(value)s is not one of: %(allowed)s.")
        % {"value": str(value).strip(), "allowed": allowed}
    )
