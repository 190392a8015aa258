"""Identity numbers (GB 11643, ISO 7064 MOD 11-2) and phone numbers: what is accepted, how
each problem is named in Chinese, how pasted forms are normalised, how numbers are masked."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.templatetags.registry import masked_id, masked_phone
from members.validators import (
    birth_date_from_id,
    gender_from_id,
    id_check_character,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    validate_id_number,
    validate_phone,
)

# The example of GB 11643-1999 itself: a woman born on 31 December 1949, check character X.
PUBLISHED_EXAMPLE = "11010519491231002X"

WRONG_CHARACTERS = "公民身份号码由 17 位数字加 1 位数字或 X 组成。"


def with_check(first_17: str) -> str:
    return first_17 + id_check_character(first_17)


def refusal(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    return error.value


def full_width(text: str) -> str:
    """The digits and letters Word and Excel produce with a Chinese input method on."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ---------------------------------------------------------------- valid numbers


@pytest.mark.parametrize(
    "id_number",
    [
        PUBLISHED_EXAMPLE,
        with_check("31011519850308001"),
        with_check("44030620000229123"),  # born on a leap day
        with_check("65010219991231987"),
    ],
)
def test_it_accepts_numbers_whose_check_character_is_right(id_number):
    assert validate_id_number(id_number) is None


def test_the_check_character_follows_iso_7064_mod_11_2():
    # Worked by hand: the weighted sum of 11010519491231002 is 167, 167 mod 11 = 2 → X.
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("11010519491231001") == "1"
    assert id_check_character("11010519491231000") == "3"


def test_it_accepts_a_number_ending_in_x():
    x_numbers = [
        with_check(f"31011519850308{n:03d}")
        for n in range(100)
        if id_check_character(f"31011519850308{n:03d}") == "X"
    ]
    assert x_numbers, "some sequence numbers must give the check character X"
    for id_number in x_numbers:
        assert id_number.endswith("X")
        validate_id_number(id_number)


def test_it_reads_the_birth_date_and_gender_from_the_number():
    assert birth_date_from_id(PUBLISHED_EXAMPLE) == datetime.date(1949, 12, 31)
    assert gender_from_id(PUBLISHED_EXAMPLE) == "female"  # 17th digit 2: even
    assert gender_from_id(with_check("11010519491231001")) == "male"  # 1: odd


# ---------------------------------------------------------------- each problem, its message


@pytest.mark.parametrize(
    "value, count",
    [("11010519491231002", 17), ("11010519491231002X1", 19), ("110105", 6)],
)
def test_a_number_of_the_wrong_length_is_refused_with_the_count(value, count):
    error = refusal(value)
    assert error.messages == [f"公民身份号码应为 18 位，这里是 {count} 位。"]
    assert error.code == "id_length"


@pytest.mark.parametrize(
    "value", ["1101051949A231002X", "11010519491231O02X", "X10105194912310020"]
)
def test_letters_anywhere_but_the_end_are_refused(value):
    error = refusal(value)
    assert error.messages == [WRONG_CHARACTERS]
    assert error.code == "id_characters"


def test_an_impossible_birth_date_is_refused_naming_the_digits():
    error = refusal(with_check("11010519990230001"))
    assert error.messages == ["公民身份号码第 7 至 14 位（19990230）不是有效的出生日期。"]
    assert error.code == "id_birth_date"


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    digits = tomorrow.strftime("%Y%m%d")
    error = refusal(with_check(f"110105{digits}001"))
    assert error.messages == [f"公民身份号码第 7 至 14 位（{digits}）不是有效的出生日期。"]


def test_someone_born_today_is_accepted():
    today = datetime.date.today().strftime("%Y%m%d")
    validate_id_number(with_check(f"110105{today}001"))


def test_a_wrong_check_character_names_the_expected_one():
    error = refusal("110105194912310023")
    assert error.messages == ["公民身份号码最后一位应为 X，而不是 3，可能有数字输错了。"]
    assert error.code == "id_check_digit"


def test_a_mistyped_digit_is_caught_by_the_check_character():
    right = with_check("31011519850308001")
    # One digit of the sequence number (characters 15 to 17) typed wrong.
    mistyped = right[:15] + ("4" if right[15] != "4" else "5") + right[16:]
    error = refusal(mistyped)
    expected = id_check_character(mistyped[:17])
    assert error.messages == [
        f"公民身份号码最后一位应为 {expected}，而不是 {right[-1]}，可能有数字输错了。"
    ]


def test_each_problem_has_its_own_message():
    messages = {
        refusal("11010519491231002").messages[0],
        refusal("1101051949A231002X").messages[0],
        refusal(with_check("11010519990230001")).messages[0],
        refusal("110105194912310023").messages[0],
    }
    assert len(messages) == 4


# ---------------------------------------------------------------- normalisation


def test_full_width_digits_and_letters_are_folded_to_ascii():
    pasted = full_width(PUBLISHED_EXAMPLE)
    assert pasted != PUBLISHED_EXAMPLE
    assert normalise_id_number(pasted) == PUBLISHED_EXAMPLE
    validate_id_number(pasted)


@pytest.mark.parametrize(
    "pasted",
    [
        "110105 19491231 002X",
        " 110105\u300019491231\t002X ",  # ideographic space and a tab from a spreadsheet
        "1101 0519 4912 3100 2X",
    ],
)
def test_spaces_inside_the_number_are_removed(pasted):
    assert normalise_id_number(pasted) == PUBLISHED_EXAMPLE
    validate_id_number(pasted)


def test_a_lower_case_x_becomes_upper_case():
    assert normalise_id_number("11010519491231002x") == PUBLISHED_EXAMPLE
    validate_id_number("11010519491231002x")


def test_nothing_normalises_to_an_empty_string():
    assert normalise_id_number(None) == ""
    assert normalise_id_number("  ") == ""


# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "8613800138000",
        "１３８ ００１３ ８０００",
    ],
)
def test_a_mobile_number_is_normalised_to_eleven_digits(typed):
    assert normalise_phone(typed) == "13800138000"
    validate_phone(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("021-57123456", "021-57123456"),
        ("021 5712 3456", "021-57123456"),
        ("(021)57123456", "021-57123456"),
        ("（021）57123456", "021-57123456"),
        ("0571-88881234", "0571-88881234"),
        ("0571 8888 1234", "0571-88881234"),
        ("010 1234 5678", "010-12345678"),
        ("021-5712-3456", "021-57123456"),
        ("021-57123456-8012", "021-57123456-8012"),
        ("021-57123456转8012", "021-57123456-8012"),
    ],
)
def test_a_landline_keeps_one_hyphen_after_the_area_code(typed, stored):
    assert normalise_phone(typed) == stored
    validate_phone(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("021-57123456-8001", "021-57123456-8001"),
        ("(021)57123456-8001", "021-57123456-8001"),
    ],
)
def test_a_landline_extension_is_kept(typed, stored):
    assert normalise_phone(typed) == stored
    validate_phone(typed)


@pytest.mark.parametrize("junk", ["abc", "12345", "1380013800", "23800138000", "021-123"])
def test_junk_is_refused_with_a_chinese_message_quoting_it(junk):
    with pytest.raises(ValidationError) as error:
        validate_phone(junk)
    assert error.value.messages == [
        f"“{junk}”不是有效的电话号码：请填写 11 位手机号，或带区号的固定电话，如 021-57123456。"
    ]
    assert error.value.code == "phone"


# ---------------------------------------------------------------- masking


def test_a_masked_identity_number_keeps_the_region_and_the_last_four():
    masked = mask_id_number(PUBLISHED_EXAMPLE)
    assert masked == "110***********002X"
    assert len(masked) == 18
    assert "19491231" not in masked


def test_a_masked_mobile_number_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("13800138000") == "138****8000"


def test_a_masked_landline_hides_the_middle_digits():
    masked = mask_phone("021-57123456")
    assert masked == "021****3456"
    assert "5712" not in masked


def test_short_or_empty_values_are_masked_entirely():
    assert mask_id_number("") == ""
    assert mask_phone("") == ""
    assert mask_id_number("1234567") == "*******"
    assert mask_phone("12345") == "*****"


def test_the_template_filters_mask_and_accept_empty_values():
    assert masked_id(PUBLISHED_EXAMPLE) == "110***********002X"
    assert masked_phone("13800138000") == "138****8000"
    assert masked_id(None) == ""
    assert masked_phone(None) == ""
