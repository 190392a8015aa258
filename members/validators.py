"""Identity numbers (公民身份号码, GB 11643-1999) and phone numbers.

The normalisers accept what people really type or paste from Word and Excel — full-width
digits, spaces, a lower-case x — and return the canonical form; the validators then say in
one sentence what is wrong.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"  # ISO 7064 MOD 11-2, indexed by the weighted sum mod 11
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")


def normalise_text(value) -> str:
    """NFKC folds full-width digits, letters and spaces to ASCII; then trim every space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


def normalise_id_number(value) -> str:
    return normalise_text(value).upper()


def id_check_character(first_17_digits: str) -> str:
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17_digits, ID_WEIGHTS, strict=True)
    )
    return ID_CHECK_CHARACTERS[total % 11]


def birth_date_from_id(id_number: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(id_number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def gender_from_id(id_number: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "male" if int(id_number[16]) % 2 else "female"


def validate_id_number(value: str) -> None:
    """Raise ValidationError naming the problem with an 18-character identity number."""
    id_number = normalise_id_number(value)
    if len(id_number) != 18:
        raise ValidationError(
            _("An identity number has 18 characters; this one has %(count)s.")
            % {"count": len(id_number)},
            code="id_length",
        )
    if not ID_PATTERN.match(id_number):
        raise ValidationError(
            _("An identity number is 17 digits followed by a digit or X."), code="id_characters"
        )
    birth_date = birth_date_from_id(id_number)
    if birth_date is None or birth_date > timezone.localdate():
        raise ValidationError(
            _("Characters 7 to 14 of the identity number (%(digits)s) are not a valid date.")
            % {"digits": id_number[6:14]},
            code="id_birth_date",
        )
    expected = id_check_character(id_number[:17])
    if id_number[17] != expected:
        raise ValidationError(
            _(
                "The last character of the identity number should be %(expected)s, not "
                "%(actual)s: a digit was probably mistyped."
            )
            % {"expected": expected, "actual": id_number[17]},
            code="id_check_digit",
        )


# 010 and 020–029 are the three-digit area codes; every other one has four digits.
AREA_CODE = re.compile(r"^(0(?:10|2\d)|0[3-9]\d{2})")
EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)


def normalise_phone(value) -> str:
    """Mobile numbers lose every separator; landlines become 021-57123456 (-extension)."""
    text = normalise_text(value)
    extension = ""
    match = EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    digits = re.sub(r"\D", "", text)
    if len(digits) > 11 and digits.startswith("86"):
        digits = digits[2:]
    if MOBILE_PATTERN.match(digits) and not extension:
        return digits
    area = AREA_CODE.match(digits)
    if area:
        number = digits[area.end() :]
        groups = re.split(r"\D+", text.strip("-"))
        if not extension and len(number) > 8 and len(groups) > 1 and len(groups[-1]) <= 6:
            # 021-57123456-8012: the last group is an extension.
            extension, number = groups[-1], number[: -len(groups[-1])]
        if 7 <= len(number) <= 8:
            return f"{area.group(1)}-{number}" + (f"-{extension}" if extension else "")
    return normalise_text(value)


def validate_phone(value: str) -> None:
    phone = normalise_phone(value)
    if not (MOBILE_PATTERN.match(phone) or LANDLINE_PATTERN.match(phone)):
        raise ValidationError(
            _(
                "%(phone)s is not a phone number: enter an 11-digit mobile number, or a "
                "landline with its area code such as 021-57123456."
            )
            % {"phone": value},
            code="phone",
        )


def mask_id_number(value: str) -> str:
    """310***********123X: region and last four, enough to tell people apart."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    digits = value.replace("-", "")
    if len(digits) < 7:
        return "*" * len(value)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
