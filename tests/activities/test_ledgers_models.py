"""The ledgers' rules (activities/models/ledgers.py, activities/ledgers/services.py):
pairings and their meetings, hardship cases and helps to the fen, one pledge per member,
kind and year, duty posts; every write leaves a history row naming who acted."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities.ledgers import services
from activities.models import (
    DutyPost,
    Fulfilment,
    HardshipCase,
    HardshipHelp,
    Pairing,
    PairingMeeting,
    PartnerKind,
    Pledge,
    PledgeKind,
    PostKind,
)
from members.models import Category, RecruitmentRecord, RecruitmentStep, Status
from tests.factories import MemberFactory

D = datetime.date
AUTUMN_TERM = D(2026, 9, 1)  # the usual start of a pairing or post
SPRING = D(2026, 3, 1)


# Helpers the other ledger tests import: each writes through the service.


def pairing_of(
    member, *, kind=PartnerKind.PUPIL, started_on=AUTUMN_TERM, acting_user=None, **fields
):
    if kind == PartnerKind.ACTIVIST:
        fields.setdefault("partner_member", None)
    else:
        fields.setdefault("partner_name", "小明")
    pairing = Pairing(
        branch=member.branch, member=member, kind=kind, started_on=started_on, **fields
    )
    return services.pairing_record(pairing=pairing, acting_user=acting_user)


def case_of(branch, *, member=None, person_name="", opened_on=SPRING, **fields):
    fields.setdefault("difficulty", "家人重病住院")
    case = HardshipCase(
        branch=branch, member=member, person_name=person_name, opened_on=opened_on, **fields
    )
    return services.hardship_case_open(case=case, acting_user=None)


def help_for(case, *, given_on=None, amount="500.00", givers, what="看望并送去慰问金"):
    return services.hardship_help_add(
        case=case,
        given_on=given_on or D(2026, 3, 10),
        what=what,
        amount=Decimal(amount),
        givers=givers,
        acting_user=None,
        today=D(2026, 12, 1),
    )


def pledge_of(member, *, year=2026, kind=PledgeKind.THREE_ONES, acting_user=None, **fields):
    fields.setdefault("promises", "提一条合理建议\n帮扶一名特（学）困生\n联系一名非党员")
    pledge = Pledge(branch=member.branch, member=member, year=year, kind=kind, **fields)
    return services.pledge_record(pledge=pledge, acting_user=acting_user, today=D(2026, 12, 1))


def post_of(member, *, kind=PostKind.SAFETY, started_on=AUTUMN_TERM, **fields):
    fields.setdefault("place", "二楼东侧走廊")
    post = DutyPost(branch=member.branch, member=member, kind=kind, started_on=started_on, **fields)
    return services.duty_post_assign(post=post, acting_user=None)


def activist_of(branch, *, mentors=(), name="积极分子"):
    """An activist of `branch` whose 培养联系人 (recorded in recruitment) are `mentors`."""
    activist = MemberFactory(
        branch=branch, name=name, category=Category.ACTIVIST, joined_on=None, full_member_on=None
    )
    if mentors:
        record = RecruitmentRecord.objects.create(
            member=activist,
            step=RecruitmentStep.objects.get(code="mentors_assigned"),
            done_on=D(2026, 3, 1),
        )
        record.people.set(mentors)
    return activist


def messages_of(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


# --- pairings ----------------------------------------------------------------------------


def test_an_ended_pairing_is_not_active_after_its_end(world):
    pairing = pairing_of(world.member, started_on=D(2025, 9, 1), ended_on=D(2026, 6, 30))
    active = Pairing.objects.active_between

    assert list(active(D(2026, 6, 30), D(2026, 12, 31))) == [pairing]  # its last day
    assert list(active(D(2026, 7, 1), D(2026, 12, 31))) == []
    assert list(active(D(2025, 1, 1), D(2025, 8, 31))) == []  # not yet started
    assert list(active(D(2025, 1, 1), D(2025, 9, 1))) == [pairing]


def test_an_open_pairing_stays_active(world):
    pairing = pairing_of(world.member, started_on=D(2024, 9, 1))
    assert list(Pairing.objects.active_between(D(2030, 1, 1), D(2030, 12, 31))) == [pairing]


def test_a_pairing_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationError) as error:
        pairing_of(world.member, started_on=D(2026, 9, 1), ended_on=D(2026, 8, 31))
    assert "结对的结束日期不能早于开始日期。" in messages_of(error.value)
    assert not Pairing.objects.exists()


def test_a_pupil_pairing_keeps_the_class_and_needs_a_name(world):
    pairing = pairing_of(world.member, partner_name="  李小明 ", pupil_class="三（2）班")
    assert (pairing.partner, pairing.pupil_class) == ("李小明", "三（2）班")

    with pytest.raises(ValidationError) as error:
        pairing_of(world.member, partner_name=" ")
    assert error.value.message_dict["partner_name"] == ["请填写结对对象的姓名。"]


def test_a_class_is_dropped_for_a_young_teacher(world):
    pairing = pairing_of(
        world.member, kind=PartnerKind.YOUNG_TEACHER, partner_name="王老师", pupil_class="三（2）班"
    )
    pairing.refresh_from_db()
    assert (pairing.partner_name, pairing.pupil_class) == ("王老师", "")


def test_a_member_is_paired_with_an_activist_they_mentor(world):
    activist = activist_of(world.branch, mentors=[world.member])
    pairing = pairing_of(world.member, kind=PartnerKind.ACTIVIST, partner_member=activist)
    assert (pairing.partner, pairing.partner_name) == ("积极分子", "")


def test_a_member_who_is_not_the_activists_mentor_is_refused(world):
    activist = activist_of(world.branch, mentors=[world.leader_a])
    with pytest.raises(ValidationError) as error:
        pairing_of(world.member, kind=PartnerKind.ACTIVIST, partner_member=activist)
    assert "普通党员" in error.value.message_dict["member"][0]
    assert "培养联系人" in error.value.message_dict["member"][0]


def test_a_pairing_with_an_activist_needs_the_activist(world):
    with pytest.raises(ValidationError) as error:
        pairing_of(world.member, kind=PartnerKind.ACTIVIST)
    assert error.value.message_dict["partner_member"] == ["请选择入党积极分子。"]


def test_a_full_member_is_not_paired_as_an_activist(world):
    with pytest.raises(ValidationError) as error:
        pairing_of(world.member, kind=PartnerKind.ACTIVIST, partner_member=world.leader_b)
    assert "不是入党积极分子或发展对象" in error.value.message_dict["partner_member"][0]


def test_the_pairing_stays_when_the_activist_is_admitted(world):
    activist = activist_of(world.branch, mentors=[world.member])
    pairing = pairing_of(world.member, kind=PartnerKind.ACTIVIST, partner_member=activist)
    activist.category, activist.joined_on = Category.PROBATIONARY, D(2026, 11, 1)
    activist.save()

    pairing.refresh_from_db()
    pairing.ended_on = D(2026, 11, 1)
    services.pairing_update(pairing=pairing, acting_user=None)

    assert Pairing.objects.get().ended_on == D(2026, 11, 1)


def test_a_member_of_another_branch_is_refused(world):
    with pytest.raises(ValidationError) as error:
        pairing = Pairing(
            branch=world.branch,
            member=world.outsider,
            kind=PartnerKind.PUPIL,
            partner_name="小明",
            started_on=D(2026, 9, 1),
        )
        services.pairing_record(pairing=pairing, acting_user=None)
    assert error.value.message_dict["member"] == ["外支部书记不在本支部。"]


def test_a_member_who_left_gets_no_new_pairing_but_keeps_the_old_one(world):
    pairing = pairing_of(world.member)
    world.member.status = Status.TRANSFERRED_OUT
    world.member.save()

    pairing.aim = "提高数学成绩"
    services.pairing_update(pairing=pairing, acting_user=None)  # an old record stays editable
    with pytest.raises(ValidationError) as error:
        pairing_of(world.member)
    assert "不在支部名册上" in error.value.message_dict["member"][0]


def test_meetings_are_counted_within_the_pairings_dates(world):
    pairing = pairing_of(world.member, started_on=D(2026, 9, 1), ended_on=D(2026, 11, 30))
    add = services.pairing_meeting_add
    add(pairing=pairing, held_on=D(2026, 9, 15), note="辅导作业", acting_user=None)

    with pytest.raises(ValidationError) as before:
        add(pairing=pairing, held_on=D(2026, 8, 31), note="谈心", acting_user=None)
    with pytest.raises(ValidationError) as after:
        add(pairing=pairing, held_on=D(2026, 12, 1), note="谈心", acting_user=None)

    assert before.value.message_dict["held_on"] == ["结对活动的日期须在结对期间内。"]
    assert after.value.message_dict["held_on"] == ["结对活动的日期须在结对期间内。"]
    assert pairing.meetings.count() == 1


def test_a_meeting_is_recorded_once_held(world):
    pairing = pairing_of(world.member, started_on=D(2026, 9, 1))
    with pytest.raises(ValidationError) as error:
        services.pairing_meeting_add(
            pairing=pairing,
            held_on=D(2026, 10, 2),
            note="谈心",
            acting_user=None,
            today=D(2026, 10, 1),
        )
    assert error.value.message_dict["held_on"] == ["请在发生之后再登记。"]


def test_a_pairing_cannot_be_ended_before_its_last_meeting(world):
    pairing = pairing_of(world.member, started_on=D(2026, 9, 1))
    services.pairing_meeting_add(
        pairing=pairing, held_on=D(2026, 10, 20), note="听课", acting_user=None
    )
    pairing.ended_on = D(2026, 10, 19)
    with pytest.raises(ValidationError) as error:
        services.pairing_update(pairing=pairing, acting_user=None)
    assert error.value.message_dict["ended_on"] == ["该日期之后还有这个结对的活动记录。"]


def test_deleting_a_pairing_deletes_its_meetings_and_history_keeps_them(world):
    user = world.secretary.user
    pairing = pairing_of(world.member, acting_user=user)
    services.pairing_meeting_add(
        pairing=pairing, held_on=D(2026, 9, 20), note="辅导", acting_user=user
    )

    services.pairing_delete(pairing=pairing, acting_user=user)

    assert not Pairing.objects.exists() and not PairingMeeting.objects.exists()
    deleted = Pairing.history.filter(history_type="-").get()
    assert deleted.history_user == user
    assert PairingMeeting.history.filter(history_type="-").get().history_user == user


def test_a_pairing_records_who_acted(world):
    pairing = pairing_of(world.member, acting_user=world.leader_a.user)
    assert pairing.history.get().history_user == world.leader_a.user


# --- the hardship ledger -----------------------------------------------------------------


def test_money_is_kept_to_the_fen(world):
    case = case_of(world.branch, member=world.member)
    help_for(case, amount="0.10", givers=[world.secretary])
    help_for(case, amount="0.20", givers=[world.secretary])
    help_for(case, amount="1234.56", givers=[world.secretary])

    amounts = list(HardshipHelp.objects.order_by("pk").values_list("amount", flat=True))

    assert amounts == [Decimal("0.10"), Decimal("0.20"), Decimal("1234.56")]
    assert sum(amounts) == Decimal("1234.86")


def test_an_amount_below_the_fen_is_refused(world):
    case = case_of(world.branch, member=world.member)
    with pytest.raises(ValidationError) as error:
        help_for(case, amount="12.345", givers=[world.secretary])
    assert "amount" in error.value.message_dict
    assert not HardshipHelp.objects.exists()


def test_a_negative_amount_is_refused(world):
    case = case_of(world.branch, member=world.member)
    with pytest.raises(ValidationError) as error:
        help_for(case, amount="-1.00", givers=[world.secretary])
    assert "amount" in error.value.message_dict


def test_help_without_money_is_zero(world):
    case = case_of(world.branch, person_name="王老师")
    given = help_for(case, amount="0", what="帮助联系医院专家", givers=[world.secretary])
    given.refresh_from_db()
    assert given.amount == Decimal("0.00")


def test_a_case_is_a_member_or_a_teacher_by_name(world):
    assert case_of(world.branch, person_name=" 王老师 ").person == "王老师"
    assert case_of(world.branch, member=world.member).person == "普通党员"

    with pytest.raises(ValidationError) as neither:
        case_of(world.branch)
    with pytest.raises(ValidationError) as both:
        case_of(world.branch, member=world.member, person_name="王老师")

    assert "请选择党员，或填写非党员教师的姓名。" in messages_of(neither.value)
    assert both.value.message_dict["person_name"] == ["请选择党员或填写教师姓名，不要两项都填。"]


def test_a_help_falls_within_the_case_and_has_a_giver(world):
    case = case_of(world.branch, member=world.member, opened_on=D(2026, 3, 1))
    case.closed_on = D(2026, 6, 30)
    services.hardship_case_update(case=case, acting_user=None)

    with pytest.raises(ValidationError) as late:
        help_for(case, given_on=D(2026, 7, 1), givers=[world.secretary])
    with pytest.raises(ValidationError) as nobody:
        help_for(case, givers=[])
    with pytest.raises(ValidationError) as stranger:
        help_for(case, givers=[world.outsider])

    assert late.value.message_dict["given_on"] == ["帮扶日期须在建档期间内。"]
    assert nobody.value.message_dict["givers"] == ["请选择支部中实施帮扶的人。"]
    assert stranger.value.message_dict["givers"] == ["外支部书记不在本支部。"]


def test_a_case_cannot_close_before_its_last_help(world):
    case = case_of(world.branch, member=world.member, opened_on=D(2026, 3, 1))
    help_for(case, given_on=D(2026, 5, 1), givers=[world.secretary])
    case.closed_on = D(2026, 4, 30)
    with pytest.raises(ValidationError) as error:
        services.hardship_case_update(case=case, acting_user=None)
    assert error.value.message_dict["closed_on"] == ["该日期之后还有帮扶记录。"]


def test_a_help_records_its_givers_and_who_acted(world):
    case = case_of(world.branch, member=world.member)
    given = services.hardship_help_add(
        case=case,
        given_on=D(2026, 3, 10),
        what="送去慰问金",
        amount=Decimal("300.00"),
        givers=[world.secretary, world.leader_a],
        acting_user=world.secretary.user,
        today=D(2026, 12, 1),
    )
    assert set(given.givers.all()) == {world.secretary, world.leader_a}
    latest = given.history.latest()
    assert latest.history_user == world.secretary.user
    assert {row.member_id for row in latest.givers.all()} == {world.secretary.pk, world.leader_a.pk}


# --- pledges -----------------------------------------------------------------------------


def test_a_pledge_is_made_once_per_member_kind_and_year(world):
    pledge_of(world.member, year=2026, kind=PledgeKind.THREE_ONES)

    with pytest.raises(ValidationError) as error:
        pledge_of(world.member, year=2026, kind=PledgeKind.THREE_ONES)

    assert "该党员本年度已有这一类承诺。" in messages_of(error.value)
    pledge_of(world.member, year=2026, kind=PledgeKind.FOUR_ONES)  # another kind
    pledge_of(world.member, year=2025, kind=PledgeKind.THREE_ONES)  # another year
    pledge_of(world.leader_a, year=2026, kind=PledgeKind.THREE_ONES)  # another member
    assert Pledge.objects.count() == 4


def test_the_database_refuses_a_second_pledge_too(world):
    from django.db import IntegrityError, transaction

    first = pledge_of(world.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            branch=first.branch, member=first.member, year=first.year, kind=first.kind, promises="x"
        )


def test_a_pledge_needs_the_member_in_the_party_that_year(world):
    world.member.category = Category.PROBATIONARY
    world.member.joined_on, world.member.full_member_on = D(2026, 5, 1), None
    world.member.save()
    with pytest.raises(ValidationError) as error:
        pledge_of(world.member, year=2025)
    assert error.value.message_dict["year"] == ["普通党员于2026年入党，晚于该年度。"]


def test_a_pledge_is_for_this_year_or_the_next(world):
    pledge_of(world.member, year=2027)
    with pytest.raises(ValidationError) as error:
        pledge_of(world.member, year=2028)
    assert error.value.message_dict["year"] == ["承诺只能为本年度或下一年度登记。"]


def test_the_committee_reviews_a_pledge_with_a_date(world):
    pledge = pledge_of(world.member, year=2025)
    services.pledge_review(
        pledge=pledge,
        outcome=Fulfilment.PARTLY,
        reviewed_on=D(2026, 1, 8),
        fulfilment="提了建议；帮扶学生一名",
        acting_user=world.secretary.user,
        today=D(2026, 12, 1),
    )
    pledge.refresh_from_db()
    assert (pledge.outcome, pledge.reviewed_on) == (Fulfilment.PARTLY, D(2026, 1, 8))
    assert pledge.history.latest().history_user == world.secretary.user


def test_a_review_before_the_pledges_year_is_refused(world):
    pledge = pledge_of(world.member, year=2026)
    with pytest.raises(ValidationError) as error:
        services.pledge_review(
            pledge=pledge,
            outcome=Fulfilment.DONE,
            reviewed_on=D(2025, 12, 31),
            fulfilment="",
            acting_user=None,
            today=D(2026, 12, 1),
        )
    assert error.value.message_dict["reviewed_on"] == ["承诺须在当年或之后评定。"]


def test_a_review_has_an_outcome(world):
    pledge = pledge_of(world.member)
    with pytest.raises(ValidationError) as error:
        services.pledge_review(
            pledge=pledge, outcome="", reviewed_on=D(2026, 12, 1), fulfilment="", acting_user=None
        )
    assert error.value.message_dict["outcome"] == ["请选择承诺的履行情况。"]


def test_the_promises_are_read_one_a_line(world):
    pledge = pledge_of(world.member, promises="\n 提一条合理建议 \n\n联系一名非党员\n")
    assert pledge.promise_lines == ["提一条合理建议", "联系一名非党员"]


# --- duty posts --------------------------------------------------------------------------


def test_a_post_is_held_for_its_term(world):
    post = post_of(
        world.member, started_on=D(2025, 9, 1), ended_on=D(2026, 1, 31), time_slot="午间"
    )
    held = DutyPost.objects.active_between
    assert list(held(D(2026, 1, 1), D(2026, 12, 31))) == [post]
    assert list(held(D(2026, 2, 1), D(2026, 12, 31))) == []


def test_a_post_cannot_end_before_it_starts(world):
    with pytest.raises(ValidationError) as error:
        post_of(world.member, started_on=D(2026, 9, 1), ended_on=D(2026, 8, 1))
    assert "责任岗的结束日期不能早于开始日期。" in messages_of(error.value)


def test_a_post_needs_a_place(world):
    with pytest.raises(ValidationError) as error:
        post_of(world.member, place="")
    assert "place" in error.value.message_dict


def test_a_post_is_for_a_party_member(world):
    activist = activist_of(world.branch)
    with pytest.raises(ValidationError) as error:
        post_of(activist)
    assert error.value.message_dict["member"] == ["积极分子还不是党员。"]


def test_a_hardship_case_is_not_opened_or_closed_in_the_future(world):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        case_of(world.branch, member=world.member, opened_on=tomorrow)
    assert "opened_on" in refused.value.message_dict
    case = case_of(world.branch, member=world.member)
    case.closed_on = tomorrow
    with pytest.raises(ValidationError) as refused:
        services.hardship_case_update(case=case, acting_user=None)
    assert "closed_on" in refused.value.message_dict
