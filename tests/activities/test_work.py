"""The branch's other work: the rules of each kind, the year totals against hand-computed
figures (seed 001's 40, 118, 5191.00, 132 = 50 + 32 + 50, 162 and 338 entered as records),
study hours against the yearly rule, who may read and record what (a talk's content never
reaches a leader or a member), and query budgets that do not grow with the activities."""

import base64
import datetime
import io
import re
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import (
    Activity,
    ActivityKind,
    HomeVisitReason,
    LessonKind,
    StudyForm,
    StudyRule,
)
from activities.work.selectors import work_figures
from activities.work.services import activity_delete
from tests import seed_001
from tests.conftest import assert_matrix
from tests.factories import UserFactory, member_in_group


def same_picture(stored: bytes, sent: bytes) -> bool:
    """The photo kept is the one sent, decoded and written again (branchsite.uploads)."""
    from PIL import Image

    kept, original = Image.open(io.BytesIO(stored)), Image.open(io.BytesIO(sent))
    return kept.size == original.size and (
        kept.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
    )


YEAR = 2025
DAY = datetime.date(YEAR, 5, 10)
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def reasons(db):
    return {reason.name: reason for reason in HomeVisitReason.objects.filter(branch=None)}


# An activity recorded through the service, on DAY unless told.
record = partial(seed_001.record, held_on=DAY)


def test_seed_001s_figures_come_back_from_the_records(world, clerk, secretary_client):
    seed_001.enter_work(world, clerk, held_on=DAY)
    figures = work_figures(world.branch, START, END)
    totals = figures.branch
    assert (totals.people_visited, totals.problems_solved) == (40, 118)
    assert totals.relief_amount == Decimal("5191.00")
    assert totals.home_visits == 132
    assert totals.home_visits_by_reason == {"学困": 50, "家庭困难": 32, "因病": 50}
    assert (totals.lessons_given, totals.lessons_observed_or_reviewed) == (162, 338)
    # The page states them, in the order a summary does.
    page = secretary_client.get(
        reverse("activities:work_totals", args=[world.branch.pk]), {"year": YEAR}
    ).content.decode()
    section = page[page.index('id="branch-totals"') : page.index('id="group-totals"')]
    strong = re.findall(r"<strong>([\d.]+)</strong>", section)
    assert strong[:9] == ["40", "118", "5191.00", "132", "50", "32", "50", "162", "338"]


def test_totals_are_kept_per_group_and_for_the_whole_branch(world, clerk):
    seed_001.enter_work(world, clerk, held_on=DAY)
    figures = work_figures(world.branch, START, END)
    by_group = {group.name: totals for group, totals in figures.groups}
    assert by_group["A组"].home_visits == 132 and by_group["A组"].lessons_given == 0
    assert by_group["B组"].lessons_given == 162 and by_group["B组"].home_visits == 0
    assert figures.unassigned.people_visited == 40
    assert figures.unassigned.lessons_observed_or_reviewed == 338
    # Outside the period nothing counts.
    later = work_figures(
        world.branch, datetime.date(YEAR + 1, 1, 1), datetime.date(YEAR + 1, 12, 31)
    )
    assert later.branch.empty


def test_study_hours_are_checked_against_the_yearly_rule(world, clerk):
    members = [world.member, world.leader_a, world.secretary]
    for n in range(10):  # 10 sessions of 3 class hours: 30 for everyone listed
        record(
            world.branch,
            ActivityKind.STUDY,
            clerk=clerk,
            held_on=datetime.date(YEAR, 1 + n, 5),
            study_form=StudyForm.GROUP,
            hours=Decimal("3"),
            participants=members,
        )
    course = record(
        world.branch,
        ActivityKind.STUDY,
        clerk=clerk,
        study_form=StudyForm.PARTY_SCHOOL,
        hours=Decimal("8"),
        participants=[world.leader_a, world.secretary],
    )
    # The secretary left the course early: their own hours replace the activity's.
    course.participants.filter(member=world.secretary).update(hours=Decimal("2"))
    figures = work_figures(world.branch, START, END)
    hours = {row.member.name: row.hours for row in figures.study}
    assert hours[world.member.name] == 30 and hours[world.leader_a.name] == 38
    assert hours[world.secretary.name] == 32
    assert figures.required_hours == 32
    below = {row.member.name for row in figures.below_threshold}
    assert world.member.name in below and world.leader_b.name in below  # 0 hours
    assert world.leader_a.name not in below and world.secretary.name not in below  # exactly 32
    # A branch's own rule replaces the default from its date.
    StudyRule.objects.create(
        branch=world.branch, hours_per_year=40, effective_from=datetime.date(YEAR, 6, 1)
    )
    assert work_figures(world.branch, START, END).required_hours == 40
    # Another period states the hours without judging them.
    half = work_figures(world.branch, START, datetime.date(YEAR, 6, 30))
    assert half.required_hours is None and not half.below_threshold


def test_each_kind_needs_its_own_fields_and_keeps_no_others(world, clerk, reasons):
    with pytest.raises(ValidationError) as refused:
        record(world.branch, ActivityKind.HOME_VISIT, clerk=clerk, number=2)
    assert "home_visit_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        record(world.branch, ActivityKind.STUDY, clerk=clerk, study_form=StudyForm.SELF)
    assert "hours" in refused.value.message_dict
    visit = record(
        world.branch,
        ActivityKind.HOME_VISIT,
        clerk=clerk,
        home_visit_reason=reasons["因病"],
        number=2,
        amount=Decimal("50"),  # not a home visit's field: emptied
        lesson_kind=LessonKind.OPEN,
    )
    visit.refresh_from_db()
    assert (visit.amount, visit.lesson_kind, visit.number) == (Decimal("0.00"), "", 2)


def test_dates_groups_and_people_must_be_the_branchs(world, clerk):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        record(world.branch, ActivityKind.JOINT, clerk=clerk, held_on=tomorrow, counterpart="社区")
    other_group = world.outsider.group_memberships.get().group
    with pytest.raises(ValidationError) as refused:
        record(
            world.branch,
            ActivityKind.JOINT,
            clerk=clerk,
            counterpart="社区",
            group=other_group,
            participants=[world.outsider],
        )
    assert set(refused.value.message_dict) == {"group", "participants"}
    assert not Activity.objects.exists()


def test_a_talk_keeps_no_participants_and_a_deleted_activity_stays_in_the_history(world, clerk):
    talk = record(
        world.branch,
        ActivityKind.TALK,
        clerk=clerk,
        owner=world.secretary,
        counterpart=world.member.name,
        private_notes="谈了工作压力",
        participants=[world.member],
    )
    assert not talk.participants.exists()
    study = record(
        world.branch,
        ActivityKind.STUDY,
        clerk=clerk,
        study_form=StudyForm.GROUP,
        hours=Decimal("2"),
        participants=[world.member],
    )
    pk = study.pk
    activity_delete(activity=study, acting_user=clerk)
    assert not Activity.objects.filter(pk=pk).exists()
    deleted = Activity.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == clerk


@pytest.fixture
def group_a_visit(world, clerk, reasons):
    return record(
        world.branch,
        ActivityKind.HOME_VISIT,
        clerk=clerk,
        group=world.group_a,
        home_visit_reason=reasons["学困"],
        number=1,
    )


@pytest.fixture
def talk(world, clerk):
    return record(
        world.branch,
        ActivityKind.TALK,
        clerk=clerk,
        owner=world.secretary,
        counterpart=world.member.name,
        private_notes="谈话内容保密",
    )


def test_the_list_and_totals_are_for_the_committee_viewers_and_leaders(personas, world):
    expected = {
        "secretary": 200,
        "leader_a": 200,
        "leader_b": 200,
        "member": 403,
        "viewer": 200,
        "outsider": 404,
    }
    for name in ("work_list", "work_totals"):
        assert_matrix(
            personas, "get", reverse(f"activities:{name}", args=[world.branch.pk]), expected
        )


def test_recording_is_for_the_committee_and_the_leaders_talks_for_the_committee(personas, world):
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.HOME_VISIT])
    assert_matrix(
        personas,
        "get",
        url,
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 403,
            "outsider": 404,
        },
    )
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.TALK])
    assert_matrix(
        {name: personas[name] for name in ("secretary", "leader_a", "viewer")},
        "get",
        url,
        {"secretary": 200, "leader_a": 403, "viewer": 403},
    )
    bad = reverse("activities:work_create", args=[world.branch.pk, "party"])
    assert personas["secretary"].get(bad).status_code == 404


def test_an_activity_is_read_by_its_groups_leader_and_changed_by_its_editors(
    personas, group_a_visit
):
    expected_read = {
        "secretary": 200,
        "leader_a": 200,
        "leader_b": 403,
        "member": 403,
        "viewer": 200,
        "outsider": 404,
    }
    assert_matrix(
        personas, "get", reverse("activities:work", args=[group_a_visit.pk]), expected_read
    )
    expected_edit = expected_read | {"viewer": 403}
    for name in ("work_edit", "work_delete"):
        url = reverse(f"activities:{name}", args=[group_a_visit.pk])
        assert_matrix(personas, "get", url, expected_edit)
    for name in ("leader_b", "member", "viewer"):
        personas[name].post(reverse("activities:work_delete", args=[group_a_visit.pk]))
    assert Activity.objects.filter(pk=group_a_visit.pk).exists()


def test_a_talks_content_never_reaches_a_leader_or_a_member(personas, world, talk):
    url = reverse("activities:work", args=[talk.pk])
    assert_matrix(
        personas,
        "get",
        url,
        {
            "secretary": 200,
            "leader_a": 403,
            "leader_b": 403,
            "member": 403,
            "viewer": 200,
            "outsider": 404,
        },
    )
    assert "谈话内容保密" in personas["secretary"].get(url).content.decode()
    assert "谈话内容保密" not in personas["viewer"].get(url).content.decode()
    listing = reverse("activities:work_list", args=[world.branch.pk])
    leader_page = personas["leader_a"].get(listing, {"year": talk.held_on.year}).content.decode()
    assert world.member.name not in leader_page  # the talk (with the member) is not listed
    assert "谈话内容保密" not in personas["secretary"].get(listing).content.decode()


def test_a_leader_records_a_home_visit_for_their_group_in_a_few_taps(
    world, reasons, leader_a_client
):
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.HOME_VISIT])
    page = leader_a_client.get(url).content.decode()
    assert world.group_b.name not in page  # only the leader's own group is offered
    response = leader_a_client.post(
        url,
        {
            "held_on": DAY.isoformat(),
            "home_visit_reason": reasons["因病"].pk,
            "number": 2,
            "group": world.group_a.pk,
            "participants": [world.member.pk],
        },
    )
    assert response.status_code == 302
    visit = Activity.objects.get()
    assert (visit.title, visit.group, visit.number) == ("因病家访", world.group_a, 2)
    assert visit.history.get().history_user == world.leader_a.user
    # Another group's is refused, and what was typed stays on the form.
    response = leader_a_client.post(
        url,
        {
            "held_on": DAY.isoformat(),
            "home_visit_reason": reasons["学困"].pk,
            "number": 3,
            "pupil_class": "三（2）班",
            "group": world.group_b.pk,
        },
    )
    assert response.status_code == 200 and "三（2）班" in response.content.decode()
    assert Activity.objects.count() == 1


def test_a_participant_key_too_large_for_any_row_is_refused_on_the_form(
    world, reasons, leader_a_client
):
    """Found by tests/test_form_fuzz.py: SQLite raised OverflowError (a 500) on 2**63."""
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.HOME_VISIT])
    response = leader_a_client.post(
        url,
        {
            "held_on": DAY.isoformat(),
            "home_visit_reason": reasons["因病"].pk,
            "number": 2,
            "group": world.group_a.pk,
            "participants": [str(2**63)],
        },
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_the_list_and_the_totals_cost_the_same_for_more_activities(
    world, clerk, reasons, secretary_client, query_counter
):
    n = iter(range(1000))

    def grow():
        member = member_in_group(world.group_b, name=f"新党员{next(n)}")
        record(
            world.branch,
            ActivityKind.HOME_VISIT,
            clerk=clerk,
            group=world.group_a,
            home_visit_reason=reasons["学困"],
            participants=[member],
        )
        record(
            world.branch,
            ActivityKind.STUDY,
            clerk=clerk,
            study_form=StudyForm.GROUP,
            hours=Decimal("2"),
            participants=[member, world.member],
        )

    grow()  # an empty page skips the query of its rows
    listing = reverse("activities:work_list", args=[world.branch.pk])
    query_counter.assert_constant(lambda: secretary_client.get(listing, {"year": YEAR}), grow)
    totals = reverse("activities:work_totals", args=[world.branch.pk])
    query_counter.assert_constant(lambda: secretary_client.get(totals, {"year": YEAR}), grow)


def test_the_workbench_lists_the_branchs_activities_and_the_lists_it_extends(
    world, clerk, talk, reasons, secretary_client, outsider_client
):
    HomeVisitReason.objects.create(branch=world.branch, name="留守儿童")
    for name in ("activity", "homevisitreason", "studyrule"):
        response = secretary_client.get(reverse(f"admin:activities_{name}_changelist"))
        assert response.status_code == 200
    page = secretary_client.get(reverse("admin:activities_homevisitreason_changelist"))
    assert "留守儿童" in page.content.decode() and "学困" in page.content.decode()
    other = outsider_client.get(reverse("admin:activities_homevisitreason_changelist"))
    assert "留守儿童" not in other.content.decode()
    assert (
        world.member.name
        not in outsider_client.get(reverse("admin:activities_activity_changelist")).content.decode()
    )
    change = secretary_client.get(reverse("admin:activities_activity_change", args=[talk.pk]))
    assert change.status_code == 200 and "谈话内容保密" not in change.content.decode()


def read_ledger(response):
    from openpyxl import load_workbook

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_the_ledger_is_exported_and_read_back_with_the_totals_and_hours(
    world, clerk, reasons, talk, secretary_client, leader_a_client
):
    seed_001.enter_work(world, clerk, held_on=DAY)
    record(
        world.branch,
        ActivityKind.STUDY,
        clerk=clerk,
        title="=HYPERLINK(1)",
        study_form=StudyForm.GROUP,
        hours=Decimal("3"),
        participants=[world.member],
    )
    url = reverse("reports:work_ledger", args=[world.branch.pk])
    sheets = read_ledger(secretary_client.get(url, {"year": YEAR}))
    activities, totals, hours = sheets.values()
    rows = [row for row in activities[2:] if isinstance(row[0], int)]
    assert len(rows) == Activity.objects.count()
    assert "=HYPERLINK(1)" in [row[3] for row in rows]  # text, not a formula
    assert not any("谈话内容保密" in str(cell) for row in activities for cell in row)
    total = totals[-1]
    assert total[1:4] == [40, 118, 5191] and total[4:7] == [132, 162, 338]
    study = {row[0]: row for row in hours[3:]}
    assert study[world.member.name][2:] == [3, 29]
    # A leader's ledger holds their group's activities only, and no talk.
    sheets = read_ledger(leader_a_client.get(url, {"year": YEAR}))
    activities, totals, _hours = sheets.values()
    kinds = {row[2] for row in activities[2:] if isinstance(row[0], int)}
    assert kinds == {"家访"}
    assert [row[0] for row in totals[2:]] == [world.group_a.name]


def test_the_ledger_is_for_the_lists_readers(personas, world):
    assert_matrix(
        personas,
        "get",
        reverse("reports:work_ledger", args=[world.branch.pk]),
        {
            "secretary": 200,
            "leader_a": 200,
            "leader_b": 200,
            "member": 403,
            "viewer": 200,
            "outsider": 404,
        },
    )


def test_the_totals_page_adds_the_ledgers_and_the_suggestions_from_one_selector(
    world, clerk, secretary_client, leader_a_client
):
    from activities.figures import other_work_figures
    from activities.models import SuggestionState
    from tests.activities.suggestion_factories import recorded_suggestion
    from tests.activities.test_ledgers_models import case_of, help_for, pairing_of, pledge_of

    pairing_of(world.member, started_on=datetime.date(2026, 3, 1))
    pledge_of(world.member)
    case = case_of(world.branch, member=world.leader_b)
    help_for(case, givers=[world.secretary], amount="300.00")
    recorded_suggestion(
        branch=world.branch,
        group=world.group_a,
        raised_on=datetime.date(2026, 4, 1),
        state=SuggestionState.ANSWERED,
    )
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    figures = other_work_figures(world.branch, start, end)
    assert figures.ledgers.pairings_active == 1 and figures.ledgers.pledges_made == 1
    assert figures.ledgers.hardship_money == Decimal("300.00")
    assert (figures.suggestions.branch.raised, figures.suggestions.branch.answered) == (1, 1)
    url = reverse("activities:work_totals", args=[world.branch.pk])
    page = secretary_client.get(url, {"year": 2026}).content.decode()

    def strong(page, section):
        part = page[page.index(f'id="{section}"') :]
        part = part[: part.index("</div></div></div>")]
        return re.findall(r"<strong>([\d.]+)</strong>", part)

    assert strong(page, "pairing-totals") == ["1", "0"]
    assert strong(page, "pledge-totals") == ["1", "0"]
    assert strong(page, "hardship-totals") == ["1", "1", "300.00"]
    assert strong(page, "suggestion-totals") == ["1", "1", "0", "0"]
    # A leader reads their group's totals: no branch cards, no hardship.
    page = leader_a_client.get(url, {"year": 2026}).content.decode()
    assert 'id="hardship-totals"' not in page and 'id="group-totals"' in page


@pytest.mark.parametrize("name", ["pairing", "hardshipcase", "pledge", "dutypost", "suggestion"])
def test_the_workbench_lists_the_other_records_read_only(world, secretary_client, name):
    url = reverse(f"admin:activities_{name}_changelist")
    response = secretary_client.get(url)
    assert response.status_code == 200
    assert response.context["has_add_permission"] is False


def test_a_leader_saving_an_activity_keeps_another_groups_participant(
    world, clerk, leader_a_client
):
    study = record(
        world.branch,
        ActivityKind.STUDY,
        clerk=clerk,
        group=world.group_a,
        study_form=StudyForm.GROUP,
        hours=Decimal("2"),
        owner=world.leader_b,
        participants=[world.member, world.leader_b],
    )
    url = reverse("activities:work_edit", args=[study.pk])
    response = leader_a_client.post(
        url,
        {
            "held_on": DAY.isoformat(),
            "title": "集中学习",
            "group": world.group_a.pk,
            "owner": world.leader_b.pk,
            "study_form": StudyForm.GROUP,
            "hours": "3",
            "participants": [world.member.pk, world.leader_b.pk],
        },
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.hours == 3
    assert {row.member for row in study.participants.all()} == {world.member, world.leader_b}


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_photo_is_kept_with_the_activity_and_served_to_its_readers_only(
    world, reasons, media, personas
):
    url = reverse("activities:work_create", args=[world.branch.pk, ActivityKind.HOME_VISIT])
    response = personas["leader_a"].post(
        url,
        {
            "held_on": DAY.isoformat(),
            "home_visit_reason": reasons["学困"].pk,
            "number": 1,
            "group": world.group_a.pk,
            "photo": SimpleUploadedFile("家访.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    visit = Activity.objects.get()
    (photo,) = visit.photos.all()
    assert (photo.original_name, photo.content_type) == ("家访.png", "image/png")
    served = reverse("activities:work_photo", args=[photo.pk])
    response = personas["secretary"].get(served)
    assert same_picture(b"".join(response.streaming_content), PNG)
    assert (response["Cache-Control"], response["X-Content-Type-Options"]) == (
        "no-store",
        "nosniff",
    )
    assert personas["leader_b"].get(served).status_code == 403
    assert personas["outsider"].get(served).status_code == 404
    # A renamed file that is not a picture is refused, and nothing is recorded.
    response = personas["leader_a"].post(
        url,
        {
            "held_on": DAY.isoformat(),
            "home_visit_reason": reasons["学困"].pk,
            "number": 1,
            "group": world.group_a.pk,
            "photo": SimpleUploadedFile("假照片.png", b"<html>", content_type="image/png"),
        },
    )
    assert response.status_code == 200 and Activity.objects.count() == 1
    remove = reverse("activities:work_photo_remove", args=[photo.pk])
    assert personas["leader_b"].post(remove).status_code == 403
    assert personas["leader_a"].post(remove).status_code == 302
    assert not visit.photos.exists()
