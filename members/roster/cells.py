"""The value of one cell, from whatever Excel holds: names, identity numbers, phones, dates
in every shape, the choice columns' spellings and ethnic groups."""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from members.models import ETHNIC_GROUPS
from members.roster.columns import COLUMNS_BY_KEY, RosterColumn
from members.validators import normalise_id_number, normalise_phone


class CellError(Exception):
    """A cell value that cannot be used; the message is for the user."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """Cell text: numbers without a spurious ".0", dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()  # str.strip() also drops the full-width space


def folded_text(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value))).upper()


CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def parse_name(value) -> str:
    """Names padded for alignment ("张  三") lose the padding; Latin names keep their spaces."""
    return CJK_GAP.sub("", _text(value))


def parse_id_number(value) -> str:
    if isinstance(value, bool):
        raise CellError(_("An identity number is 17 digits followed by a digit or X."))
    if isinstance(value, (int, float)):
        digits = f"{int(value)}" if float(value).is_integer() else ""
        if len(digits.lstrip("0")) > 15 or not digits:
            raise CellError(
                _(
                    "The identity number was stored as a number, and Excel keeps only 15 "
                    "digits of a number: its last digits are already lost. Format the column "
                    "as text and type the number again."
                )
            )
        return digits
    return normalise_id_number(_text(value).lstrip("'"))


def parse_phone(value) -> str:
    return normalise_phone(_text(value).lstrip("'")) if not is_blank(value) else ""


DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
    re.compile(
        r"^(?P<y>\d{4})[年./\-](?P<m>\d{1,2})(?:月|[./\-](?P<d>\d{1,2})日?|月(?P<d2>\d{1,2})日?)?[./\-]?$"
    ),
]
# Serial numbers of 1920-01-01 … 2099-12-31: a lone year such as 2009 is not taken for 1905.
EXCEL_SERIAL_RANGE = (7306, 73050)
YEAR_RANGE = (1900, 2100)


def _date_error(value) -> CellError:
    return CellError(
        _("%(value)s is not a date: write it like 2009-07-01, 2009.07 or 2009年7月1日.")
        % {"value": _text(value)}
    )


def _make_date(year: int, month: int, day: int, original) -> datetime.date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise _date_error(original)
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise _date_error(original) from error


def parse_date(value) -> datetime.date | None:
    """A date from whatever Excel holds: a real date, a serial number, 20090701, 2009.07 typed
    as a number, or text such as 2009年7月1日, 2009/7/1, 2009-07-01 or 2009.07 (a year and
    month means the 1st)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _date_error(value)
    if isinstance(value, (int, float)):
        return _number_to_date(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(?<=\d)(?:T|(?=\d{1,2}:))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "", text)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            day = parts.get("d") or parts.get("d2") or 1
            return _make_date(int(parts["y"]), int(parts["m"]), int(day), value)
    if re.fullmatch(r"\d{5}", text):
        return _number_to_date(int(text))
    raise _date_error(value)


def _number_to_date(value) -> datetime.date:
    if float(value).is_integer():
        number = int(value)
        if 19000101 <= number <= 21001231:
            return _make_date(number // 10000, number // 100 % 100, number % 100, value)
        if 190001 <= number <= 210012:
            return _make_date(number // 100, number % 100, 1, value)
        if EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
            return from_excel(number).date()
        raise _date_error(value)
    # 2009.07 typed into a number cell: the year, then the month (and perhaps the day).
    year = int(value)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise _date_error(value)
    fraction = round((value - year) * 10000)
    if fraction % 100:
        return _make_date(year, fraction // 100, fraction % 100, value)
    hundredths = fraction // 100
    if hundredths == 10:
        # 2009.10 and 2009.1 are the same number: October or January?
        raise CellError(
            _(
                "%(value)s was stored as a number, so January and October look the same. "
                "Format the column as text and type the date again, e.g. 2009-10-01."
            )
            % {"value": _text(value)}
        )
    month = hundredths // 10 if hundredths % 10 == 0 else hundredths
    return _make_date(year, month, 1, value)


def parse_choice(column: RosterColumn, value):
    folded = folded_text(value)
    for choice, spellings in column.choices.items():
        if folded in spellings or folded == str(choice).upper():
            return choice
        if column.kind == "choice" and folded == folded_text(choice.label):
            return choice
    allowed = "、".join(spellings[0] for spellings in column.choices.values())
    raise CellError(
        _("%(value)s is not one of: %(allowed)s.") % {"value": _text(value), "allowed": allowed}
    )


def parse_ethnicity(value) -> str:
    name = folded_text(value)
    if name in ETHNIC_GROUPS:
        return name
    if f"{name}族" in ETHNIC_GROUPS:
        return f"{name}族"
    raise CellError(
        _("%(value)s is not one of the 56 ethnic groups; write it like 汉族 or 回族.")
        % {"value": _text(value)}
    )


def parse_cell(column: RosterColumn, value):
    """The Python value of one cell, or None for a blank cell (which changes nothing)."""
    if is_blank(value):
        return None
    kind = column.kind
    if kind in ("date", "month"):
        return parse_date(value)
    if kind in ("choice", "boolean"):
        return parse_choice(column, value)
    if kind == "id":
        return parse_id_number(value)
    if kind == "phone":
        return parse_phone(value)
    if kind == "name":
        return parse_name(value)
    if kind == "ethnicity":
        return parse_ethnicity(value)
    return _text(value)


def display_value(key: str, value) -> str:
    """A value as the preview shows it (and as the export writes it)."""
    column = COLUMNS_BY_KEY.get(key)
    if value is None or value == "":
        return ""
    if column and column.kind in ("choice", "boolean"):
        spellings = column.choices.get(value)
        return spellings[0] if spellings else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()[:7] if column and column.kind == "month" else value.isoformat()
    return str(value)
