"""The member registry's model rules: what full_clean() derives from the identity number and
refuses in Chinese, the database invariants, the roll, and transfer letters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.selectors import branch_overview
from members.models import (
    Category,
    ExitKind,
    Gender,
    Member,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)
from members.selectors import attach_probation_ends
from members.validators import id_check_character
from tests.factories import BranchFactory, MemberFactory, PartyGroupFactory, member_in_group

pytestmark = pytest.mark.django_db

# GB 11643's own example: a woman born on 31 December 1949.
WOMAN_1949 = "11010519491231002X"
ID_TAKEN = (
    "这个公民身份号码已在本系统登记。若是本支部的党员，请在花名册中查找，不要重复录入；"
    "若从其他党组织转入，请通过组织关系转接办理。"
)
LOST_CONTACT_NEEDS_DATE = "请填写失联日期。"
MOBILE_NEEDS_DESTINATION = "请填写流动去向。"
EXIT_NEEDS_KIND_AND_DATE = "已出党的党员须填写出党方式和日期；其他状态不填出党方式。"
PENDING_TRANSFER_EXISTS = "该党员已有正在办理的组织关系转接。"


def with_check(first_17: str) -> str:
    return first_17 + id_check_character(first_17)


MAN_1985 = with_check("31011519850308001")  # 17th digit 1: a man, born 8 March 1985


@pytest.fixture
def branch():
    return BranchFactory()


def new_member(branch, **fields) -> Member:
    """An unsaved full member with only what the form requires; tests add the rest."""
    values = {
        "branch": branch,
        "name": "新党员",
        "category": Category.FULL,
        "joined_on": datetime.date(2010, 7, 1),
        "full_member_on": datetime.date(2011, 7, 1),
        **fields,
    }
    return Member(**values)


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def all_messages(instance) -> list[str]:
    return [message for messages in errors_of(instance).values() for message in messages]


def assert_refused(instance, message: str) -> None:
    """full_clean() gives `message`; a raw save() is refused by the database."""
    assert message in all_messages(instance)
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


# ---------------------------------------------------------------- identity number


def test_the_identity_number_fills_an_empty_birth_date(branch):
    member = new_member(branch, id_number=WOMAN_1949, gender=Gender.FEMALE)
    member.full_clean()
    assert member.birth_date == datetime.date(1949, 12, 31)


def test_the_identity_number_fills_an_empty_gender(branch):
    member = new_member(branch, id_number=MAN_1985)
    member.full_clean()
    assert member.gender == Gender.MALE
    assert member.birth_date == datetime.date(1985, 3, 8)


def test_the_identity_number_is_stored_normalised(branch):
    member = new_member(branch, id_number="11010519491231002x", gender=Gender.FEMALE)
    member.full_clean()
    assert member.id_number == WOMAN_1949


def test_an_identity_number_pasted_with_spaces_is_accepted(branch):
    member = new_member(branch, id_number="110105 19491231 002X", gender=Gender.FEMALE)
    member.full_clean()
    assert member.id_number == WOMAN_1949


def test_a_birth_date_that_contradicts_the_identity_number_names_both_dates(branch):
    member = new_member(
        branch, id_number=WOMAN_1949, gender=Gender.FEMALE, birth_date=datetime.date(1950, 1, 2)
    )
    assert errors_of(member) == {
        "birth_date": [
            "公民身份号码显示出生于1949年12月31日，但出生日期填的是1950年1月2日，请更正有误的一项。"
        ]
    }


def test_a_gender_that_contradicts_the_identity_number_names_both(branch):
    member = new_member(branch, id_number=WOMAN_1949, gender=Gender.MALE)
    assert errors_of(member) == {
        "gender": ["公民身份号码显示性别为女，但性别填的是男，请更正有误的一项。"]
    }


def test_an_invalid_identity_number_is_refused_on_its_field(branch):
    member = new_member(branch, id_number="110105194912310023", gender=Gender.FEMALE)
    assert errors_of(member) == {
        "id_number": ["公民身份号码最后一位应为 X，而不是 3，可能有数字输错了。"]
    }


def test_an_identity_number_already_in_the_registry_is_refused(branch):
    MemberFactory(branch=branch, name="先录入的", id_number=WOMAN_1949, birth_date=None)
    twice = new_member(branch, name="重复录入", id_number=WOMAN_1949, gender=Gender.FEMALE)
    assert_refused(twice, ID_TAKEN)


def test_the_same_number_typed_with_a_lower_case_x_is_still_a_duplicate(branch):
    MemberFactory(branch=branch, id_number=WOMAN_1949, birth_date=None)
    twice = new_member(branch, id_number="11010519491231002x", gender=Gender.FEMALE)
    assert ID_TAKEN in all_messages(twice)


def test_the_identity_number_is_unique_across_branches(branch):
    other = BranchFactory(name="另一所学校党支部")
    MemberFactory(branch=other, name="别校党员", id_number=WOMAN_1949, birth_date=None)
    moved_in = new_member(branch, id_number=WOMAN_1949, gender=Gender.FEMALE)
    assert_refused(moved_in, ID_TAKEN)
    # The message names neither the other branch nor its member.
    said = " ".join(all_messages(moved_in))
    assert "另一所学校" not in said and "别校党员" not in said


def test_any_number_of_members_may_have_no_identity_number(branch):
    MemberFactory(branch=branch, id_number="")
    MemberFactory(branch=branch, id_number="")
    third = new_member(branch, gender=Gender.MALE)
    third.full_clean()
    third.save()
    assert Member.objects.filter(branch=branch, id_number="").count() == 3


# ---------------------------------------------------------------- phone


def test_a_phone_number_is_stored_normalised(branch):
    member = new_member(branch, gender=Gender.MALE, phone="+86 138-0013-8000")
    member.full_clean()
    assert member.phone == "13800138000"


def test_a_phone_number_that_is_not_one_is_refused_on_its_field(branch):
    member = new_member(branch, gender=Gender.MALE, phone="不详")
    assert errors_of(member) == {
        "phone": [
            "“不详”不是有效的电话号码：请填写 11 位手机号，或带区号的固定电话，如 021-57123456。"
        ]
    }


# ---------------------------------------------------------------- statuses


def test_lost_contact_needs_the_date_contact_was_lost(branch):
    member = new_member(branch, gender=Gender.MALE, lost_contact=True)
    assert_refused(member, LOST_CONTACT_NEEDS_DATE)

    member.lost_contact_on = datetime.date(2026, 1, 5)
    member.full_clean()


def test_a_mobile_member_needs_a_destination(branch):
    member = new_member(branch, gender=Gender.MALE, mobile=True)
    assert_refused(member, MOBILE_NEEDS_DESTINATION)

    member.mobile_destination = "援疆支教：新疆喀什"
    member.full_clean()


@pytest.mark.parametrize(
    "fields",
    [
        {"exit_kind": "", "status_since": datetime.date(2025, 3, 1)},
        {"exit_kind": ExitKind.EXPELLED, "status_since": None},
        {"exit_kind": "", "status_since": None},
    ],
    ids=["without kind", "without date", "without either"],
)
def test_a_member_who_left_needs_how_and_when(branch, fields):
    member = new_member(branch, gender=Gender.MALE, status=Status.EXITED, **fields)
    assert_refused(member, EXIT_NEEDS_KIND_AND_DATE)


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.SUSPENDED, Status.TRANSFERRED_OUT])
def test_a_member_who_has_not_left_has_no_exit_kind(branch, status):
    member = new_member(
        branch,
        gender=Gender.MALE,
        status=status,
        status_since=datetime.date(2025, 3, 1),
        exit_kind=ExitKind.RESIGNED,
    )
    assert_refused(member, EXIT_NEEDS_KIND_AND_DATE)


def test_a_member_who_left_with_kind_and_date_is_accepted(branch):
    member = new_member(
        branch,
        gender=Gender.MALE,
        status=Status.EXITED,
        exit_kind=ExitKind.NOT_RECOGNISED,
        status_since=datetime.date(2025, 3, 1),
    )
    member.full_clean()
    member.save()


# ---------------------------------------------------------------- probation


def probation_end_of(member):
    """The end of probation the pages show (members.selectors.attach_probation_ends)."""
    member.save()
    (member,) = attach_probation_ends([member])
    return getattr(member, "probation_end", None)


def test_probation_ends_a_year_after_joining(branch):
    member = new_member(
        branch,
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2026, 6, 1),
        full_member_on=None,
    )
    assert probation_end_of(member) == datetime.date(2027, 6, 1)


def test_probation_from_29_february_ends_on_28_february(branch):
    member = new_member(
        branch,
        category=Category.PROBATIONARY,
        joined_on=datetime.date(2024, 2, 29),
        full_member_on=None,
    )
    assert probation_end_of(member) == datetime.date(2025, 2, 28)


def test_a_full_member_has_no_probation_end(branch):
    assert probation_end_of(new_member(branch)) is None


def test_a_probationary_member_without_a_joining_date_has_no_probation_end(branch):
    member = new_member(branch, category=Category.PROBATIONARY, joined_on=None, full_member_on=None)
    assert probation_end_of(member) is None


# ---------------------------------------------------------------- the roll


def test_the_roll_holds_full_probationary_and_suspended_members_only(branch):
    full = MemberFactory(branch=branch, name="正式")
    probationary = MemberFactory(branch=branch, name="预备", probationary=True)
    suspended = MemberFactory(
        branch=branch,
        name="停止党籍",
        status=Status.SUSPENDED,
        status_since=datetime.date(2026, 1, 1),
    )
    for category in (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE):
        MemberFactory(
            branch=branch,
            name=category.value,
            category=category,
            joined_on=None,
            full_member_on=None,
        )
    MemberFactory(
        branch=branch,
        name="已转出",
        status=Status.TRANSFERRED_OUT,
        status_since=datetime.date(2025, 9, 1),
    )
    MemberFactory(
        branch=branch,
        name="已出党",
        status=Status.EXITED,
        exit_kind=ExitKind.REMOVED,
        status_since=datetime.date(2025, 9, 1),
    )

    on_roll = set(Member.objects.on_roll())

    assert on_roll == {full, probationary, suspended}
    assert Member.objects.filter(branch=branch).count() == 8


def test_the_branch_overview_counts_only_members_on_the_roll(branch):
    group = PartyGroupFactory(branch=branch)
    for name in ("甲", "乙", "丙"):
        member_in_group(group, name=name)
    member_in_group(group, name="丁", probationary=True)
    MemberFactory(
        branch=branch,
        name="申请人",
        category=Category.APPLICANT,
        joined_on=None,
        full_member_on=None,
    )
    MemberFactory(
        branch=branch,
        name="积极分子",
        category=Category.ACTIVIST,
        joined_on=None,
        full_member_on=None,
    )
    MemberFactory(
        branch=branch,
        name="已出党",
        status=Status.EXITED,
        exit_kind=ExitKind.EXPELLED,
        status_since=datetime.date(2025, 9, 1),
    )

    counts = branch_overview(branch, today=datetime.date(2026, 11, 1))["counts"]

    assert counts == {"total": 4, "full": 3, "probationary": 1, "ungrouped": 0}


# ---------------------------------------------------------------- transfers


def transfer_for(member, **fields) -> Transfer:
    values = {
        "member": member,
        "direction": TransferDirection.OUT,
        "other_organisation": "区教育局机关党委",
        "issued_on": datetime.date(2026, 3, 2),
        **fields,
    }
    return Transfer(**values)


def test_a_letter_is_valid_for_the_branchs_number_of_days_by_default(branch):
    branch.transfer_letter_valid_days = 60
    branch.save()
    member = MemberFactory(branch=branch)

    saved = transfer_for(member)
    saved.save()
    cleaned = transfer_for(MemberFactory(branch=branch))
    cleaned.full_clean()

    assert saved.valid_until == datetime.date(2026, 5, 1)
    assert cleaned.valid_until == datetime.date(2026, 5, 1)


def test_the_default_validity_is_ninety_days(branch):
    transfer = transfer_for(MemberFactory(branch=branch))
    transfer.save()
    assert transfer.valid_until == datetime.date(2026, 5, 31)


def test_a_validity_entered_by_hand_is_kept(branch):
    transfer = transfer_for(MemberFactory(branch=branch), valid_until=datetime.date(2026, 4, 1))
    transfer.save()
    transfer.refresh_from_db()
    assert transfer.valid_until == datetime.date(2026, 4, 1)


def test_a_member_has_at_most_one_transfer_in_progress(branch):
    member = MemberFactory(branch=branch)
    transfer_for(member).save()

    second = transfer_for(member, other_organisation="市教委机关党委")
    assert_refused(second, PENDING_TRANSFER_EXISTS)


def test_a_new_transfer_may_start_once_the_last_one_is_completed(branch):
    member = MemberFactory(branch=branch)
    transfer_for(
        member, state=TransferState.CANCELLED, completed_on=datetime.date(2026, 3, 20)
    ).save()

    again = transfer_for(member, issued_on=datetime.date(2026, 4, 1))
    again.full_clean()
    again.save()
    assert member.transfers.pending().get() == again


def test_other_members_may_have_transfers_in_progress_at_the_same_time(branch):
    transfer_for(MemberFactory(branch=branch)).save()
    other = transfer_for(MemberFactory(branch=branch))
    other.full_clean()
    other.save()
    assert Transfer.objects.pending().count() == 2
