"""The recruitment pages: who may open them, recording a step through the form (with and
without warnings to confirm), documents, the workbench, and query budgets."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Category, Member, RecruitmentRecord, RecruitmentStep, TimeRule
from tests.factories import MemberFactory
from tests.pdf_files import PDF

READERS = {
    "anonymous": 302,
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 200,
    "outsider": 404,
}
MANAGERS = {**READERS, "viewer": 403}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def recruit(branch, category=Category.APPLICANT, **fields) -> Member:
    fields.setdefault("birth_date", datetime.date(1995, 1, 1))
    fields.setdefault("joined_on", None)
    return MemberFactory(branch=branch, category=category, full_member_on=None, **fields)


def record(member, code, on, **fields) -> RecruitmentRecord:
    return RecruitmentRecord.objects.create(
        member=member, step=RecruitmentStep.objects.get(code=code), done_on=on, **fields
    )


@pytest.fixture
def applicant(world):
    person = recruit(world.branch, name="申请人丙")
    record(person, "application", days_ago(60), reference="档案盒1-1")
    return person


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pdf_record(applicant, media):
    return record(
        applicant,
        "talk",
        days_ago(50),
        document=SimpleUploadedFile("谈话记录.pdf", PDF),
        document_name="谈话记录.pdf",
    )


def step_url(member, code):
    return reverse("recruitment:record_step", args=[member.pk, code])


def person_url(member):
    return reverse("recruitment:person", args=[member.pk])


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["recruitment:pipeline", "recruitment:todo"])
@pytest.mark.parametrize("persona, status", READERS.items())
def test_the_branch_pages_admit_the_committee_and_viewers(world, personas, name, persona, status):
    url = reverse(name, args=[world.branch.pk])
    response = personas[persona].get(url)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("persona, status", READERS.items())
def test_a_persons_record_admits_the_committee_and_viewers(applicant, personas, persona, status):
    response = personas[persona].get(person_url(applicant))
    assert response.status_code == status
    if status == 200:
        assert "申请人丙" in response.content.decode()


@pytest.mark.parametrize("persona, status", MANAGERS.items())
def test_only_the_committee_opens_the_step_form(applicant, personas, persona, status):
    response = personas[persona].get(step_url(applicant, "talk"))
    assert response.status_code == status


@pytest.mark.parametrize("persona, status", MANAGERS.items())
def test_only_the_committee_opens_the_applicant_form(world, personas, persona, status):
    url = reverse("recruitment:applicant_add", args=[world.branch.pk])
    assert personas[persona].get(url).status_code == status


@pytest.mark.parametrize("persona, status", READERS.items())
def test_documents_are_served_to_those_who_read_the_record(pdf_record, personas, persona, status):
    response = personas[persona].get(reverse("recruitment:document", args=[pdf_record.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", ["viewer", "leader_a", "member"])
def test_a_post_from_the_wrong_role_records_nothing(applicant, personas, world, persona):
    response = personas[persona].post(
        step_url(applicant, "talk"),
        {"done_on": days_ago(1).isoformat(), "people": [world.secretary.pk], "reference": "x"},
    )
    assert response.status_code == 403
    assert not applicant.recruitment_records.filter(step__code="talk").exists()


def test_a_person_of_another_branch_is_not_found(world, secretary_client):
    stranger = recruit(world.other_branch, name="外支部申请人")
    assert secretary_client.get(person_url(stranger)).status_code == 404
    assert secretary_client.get(step_url(stranger, "talk")).status_code == 404


def test_an_unknown_step_is_not_found(applicant, secretary_client):
    assert secretary_client.get(step_url(applicant, "no-such-step")).status_code == 404


def test_the_viewer_sees_no_recording_buttons(applicant, viewer_client, secretary_client):
    link = step_url(applicant, "talk")
    assert link not in viewer_client.get(person_url(applicant)).content.decode()
    assert link in secretary_client.get(person_url(applicant)).content.decode()


# --- recording a step ----------------------------------------------------------------------


def test_the_committee_records_a_step_on_time(world, secretary_client):
    person = recruit(world.branch, name="按时谈话")
    record(person, "application", days_ago(10), reference="档案盒1-2")

    response = secretary_client.post(
        step_url(person, "talk"),
        {
            "done_on": days_ago(2).isoformat(),
            "people": [world.secretary.pk],
            "reference": "档案盒3-12",
            "note": "谈话顺利",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    talk = person.recruitment_records.get(step__code="talk")
    assert (talk.done_on, talk.reference, talk.note, talk.warnings) == (
        days_ago(2),
        "档案盒3-12",
        "谈话顺利",
        "",
    )
    assert list(talk.people.all()) == [world.secretary]
    assert talk.history.latest().history_user == world.secretary.user


def test_a_late_step_is_shown_with_its_warning_and_saved_only_when_confirmed(
    world, applicant, secretary_client
):
    data = {
        "done_on": days_ago(1).isoformat(),
        "people": [world.secretary.pk],
        "reference": "档案盒3-12",
        "note": "补记",
    }
    first = secretary_client.post(step_url(applicant, "talk"), data)

    assert first.status_code == 200
    (warning,) = first.context["warnings"]
    html = first.content.decode()
    assert warning in html
    assert "档案盒3-12" in html and "补记" in html  # what was typed is kept
    assert not applicant.recruitment_records.filter(step__code="talk").exists()

    confirmation = first.context["form"]["confirmation"].value()
    second = secretary_client.post(
        step_url(applicant, "talk"), {**data, "confirmation": confirmation}
    )

    assert second.status_code == 302
    talk = applicant.recruitment_records.get(step__code="talk")
    assert talk.warnings == warning
    assert talk.history.latest().history_user == world.secretary.user


def test_a_confirmation_covers_only_the_warnings_it_was_given_for(
    world, applicant, secretary_client
):
    data = {"done_on": days_ago(1).isoformat(), "people": [world.secretary.pk], "reference": "x"}
    first = secretary_client.post(step_url(applicant, "talk"), data)
    confirmation = first.context["form"]["confirmation"].value()

    changed = {**data, "done_on": days_ago(3).isoformat(), "confirmation": confirmation}
    second = secretary_client.post(step_url(applicant, "talk"), changed)

    assert second.status_code == 200
    assert second.context["warnings"] != first.context["warnings"]
    assert not applicant.recruitment_records.filter(step__code="talk").exists()


def test_an_uploaded_file_is_kept_while_the_warnings_are_confirmed(
    world, applicant, secretary_client, media, staging_dir
):
    data = {"done_on": days_ago(1).isoformat(), "people": [world.secretary.pk]}
    first = secretary_client.post(
        step_url(applicant, "talk"),
        {**data, "document": SimpleUploadedFile("谈话记录.pdf", PDF)},
    )
    assert first.status_code == 200
    assert first.context["staged_name"] == "谈话记录.pdf"
    assert "谈话记录.pdf" in first.content.decode()
    (held,) = staging_dir.iterdir()  # the upload is held on the server
    assert held.read_bytes() == PDF

    form = first.context["form"]
    second = secretary_client.post(
        step_url(applicant, "talk"),
        {
            **data,
            "confirmation": form["confirmation"].value(),
            "staged_document": form["staged_document"].value(),
        },
    )

    assert second.status_code == 302
    talk = applicant.recruitment_records.get(step__code="talk")
    assert talk.document_name == "谈话记录.pdf"
    assert talk.document.read() == PDF
    assert list(staging_dir.iterdir()) == []  # the held copy is gone


def test_a_forged_staged_document_is_ignored(world, applicant, secretary_client, media):
    data = {"done_on": days_ago(1).isoformat(), "people": [world.secretary.pk], "reference": "x"}
    first = secretary_client.post(step_url(applicant, "talk"), data)
    response = secretary_client.post(
        step_url(applicant, "talk"),
        {
            **data,
            "confirmation": first.context["form"]["confirmation"].value(),
            "staged_document": "../../settings.py",
        },
    )
    assert response.status_code == 302
    assert not applicant.recruitment_records.get(step__code="talk").document


def test_a_disguised_upload_is_refused_on_the_form(world, applicant, secretary_client, media):
    response = secretary_client.post(
        step_url(applicant, "talk"),
        {
            "done_on": days_ago(1).isoformat(),
            "people": [world.secretary.pk],
            "document": SimpleUploadedFile("谈话记录.pdf", b"MZ\x90\x00 an executable"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert response.context["warnings"] == []
    assert not applicant.recruitment_records.filter(step__code="talk").exists()


def test_a_refusal_from_the_rules_shows_on_the_form(world, applicant, secretary_client):
    response = secretary_client.post(
        step_url(applicant, "application"), {"done_on": days_ago(1).isoformat(), "reference": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert applicant.recruitment_records.filter(step__code="application").count() == 1


def test_the_sponsor_choices_are_the_branchs_full_members(world, secretary_client):
    person = recruit(world.branch, Category.CANDIDATE)
    MemberFactory(branch=world.branch, probationary=True, name="预备党员丁")
    response = secretary_client.get(step_url(person, "sponsors_assigned"))
    choices = set(response.context["form"].fields["people"].queryset)
    assert world.secretary in choices
    assert {m.name for m in choices}.isdisjoint({"预备党员丁", "外支部书记", person.name})


def test_the_form_asks_for_what_each_step_needs(applicant, secretary_client):
    def fields(code):
        return set(secretary_client.get(step_url(applicant, code)).context["form"].fields)

    assert {"people"} <= fields("talk")
    assert "people" not in fields("application")
    assert {"training_days", "class_hours"} <= fields("training")
    assert "training_days" not in fields("talk")
    assert "extension_months" in fields("probation_extended")
    assert "notice_ends_on" in fields("candidate_notice")
    assert "notice_ends_on" not in fields("talk")
    assert "group" in fields("placed_in_group")
    assert "group" not in fields("talk")


def test_the_committee_places_a_new_member_in_a_group_from_the_step_form(world, secretary_client):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=days_ago(40))
    for code in ("upper_talk", "admission_approval", "approval_filed"):
        record(person, code, days_ago(20))
    form = secretary_client.get(step_url(person, "placed_in_group")).context["form"]
    assert set(form.fields["group"].queryset) == {world.group_a, world.group_b}

    response = secretary_client.post(
        step_url(person, "placed_in_group"),
        {"done_on": days_ago(2).isoformat(), "group": world.group_b.pk},
    )

    assert response.status_code == 302
    assert person.group_memberships.get().group == world.group_b


def test_recording_the_choice_of_an_activist_moves_the_stage(world, applicant, secretary_client):
    record(applicant, "talk", days_ago(50), reference="x")
    response = secretary_client.post(
        step_url(applicant, "activist_chosen"),
        {"done_on": days_ago(1).isoformat(), "reference": "档案盒1-3"},
        follow=True,
    )
    applicant.refresh_from_db()
    assert applicant.category == Category.ACTIVIST
    assert len(list(response.context["messages"])) == 2  # recorded; now an activist


# --- new applicants -----------------------------------------------------------------------


def test_the_committee_adds_an_applicant(world, secretary_client):
    response = secretary_client.post(
        reverse("recruitment:applicant_add", args=[world.branch.pk]),
        {
            "name": "新来的老师",
            "gender": "female",
            "birth_date": "1998-04-01",
            "applied_on": days_ago(3).isoformat(),
            "reference": "档案盒4-1",
        },
    )
    person = Member.objects.get(name="新来的老师")
    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    assert (person.branch, person.category) == (world.branch, Category.APPLICANT)
    assert person.recruitment_records.get().step.code == "application"


def test_an_applicant_under_18_is_added_after_confirmation(world, secretary_client):
    url = reverse("recruitment:applicant_add", args=[world.branch.pk])
    born = timezone.localdate().replace(year=timezone.localdate().year - 17)
    data = {
        "name": "未满十八",
        "gender": "male",
        "birth_date": born.isoformat(),
        "applied_on": days_ago(1).isoformat(),
        "reference": "档案盒4-2",
    }
    first = secretary_client.post(url, data)
    assert first.status_code == 200
    assert len(first.context["warnings"]) == 1
    assert not Member.objects.filter(name="未满十八").exists()

    confirmation = first.context["form"]["confirmation"].value()
    assert secretary_client.post(url, {**data, "confirmation": confirmation}).status_code == 302
    assert Member.objects.get(name="未满十八").category == Category.APPLICANT


def test_a_wrong_identity_number_keeps_the_applicant_form(world, secretary_client):
    response = secretary_client.post(
        reverse("recruitment:applicant_add", args=[world.branch.pk]),
        {
            "name": "号码错误",
            "gender": "male",
            "id_number": "110101199003071234",
            "applied_on": days_ago(3).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not Member.objects.filter(name="号码错误").exists()


# --- what the pages show --------------------------------------------------------------------


def test_the_todo_page_links_each_item_to_the_persons_record(applicant, secretary_client):
    response = secretary_client.get(reverse("recruitment:todo", args=[applicant.branch_id]))
    (item,) = response.context["items"]
    assert item.overdue  # the talk was due a month after the application, 60 days ago
    assert f'href="{person_url(applicant)}"' in response.content.decode()


def test_the_pipeline_shows_people_by_stage(world, applicant, secretary_client):
    recruit(world.branch, Category.CANDIDATE, name="发展对象戊")
    html = secretary_client.get(reverse("recruitment:pipeline", args=[world.branch.pk])).content
    html = html.decode()
    assert "申请人丙" in html and "发展对象戊" in html
    assert html.index("申请人丙") < html.index("发展对象戊")


def test_the_persons_record_shows_steps_people_and_documents(
    world, applicant, pdf_record, secretary_client
):
    pdf_record.people.set([world.secretary])
    response = secretary_client.get(person_url(applicant))
    html = response.content.decode()
    assert "党组织派人谈话" in html
    assert "书记" in html
    assert reverse("recruitment:document", args=[pdf_record.pk]) in html
    assert "档案盒1-1" in html
    assert response.context["summary"].next_step.code == "activist_chosen"


# --- the workbench ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "admin:members_recruitmentstep_changelist",
        "admin:members_timerule_changelist",
        "admin:members_recruitmentrecord_changelist",
    ],
)
def test_the_secretary_opens_the_recruitment_changelists(world, secretary_client, name):
    assert secretary_client.get(reverse(name)).status_code == 200


def test_the_secretary_reads_but_cannot_change_the_national_rules(world, secretary_client):
    rule = TimeRule.objects.get(code="talk_within")
    assert secretary_client.get(reverse("admin:members_timerule_add")).status_code == 403
    response = secretary_client.post(
        reverse("admin:members_timerule_change", args=[rule.pk]),
        {"code": "talk_within", "value": 3, "unit": "months", "effective_from": "2014-05-28"},
    )
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.value == 1


def test_the_site_administrator_adds_a_revised_rule(db):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:members_timerule_add"),
        {
            "code": "talk_within",
            "value": 2,
            "unit": "months",
            "effective_from": "2026-07-01",
            "source": "《细则》修订（假设）",
        },
    )
    assert response.status_code == 302
    assert TimeRule.objects.filter(code="talk_within").count() == 2


def test_the_record_changelist_shows_only_the_secretarys_branch(world, applicant, secretary_client):
    stranger = recruit(world.other_branch, name="外支部申请人")
    record(stranger, "application", days_ago(5))
    response = secretary_client.get(reverse("admin:members_recruitmentrecord_changelist"))
    assert [r.member for r in response.context["cl"].result_list] == [applicant]
    assert "外支部申请人" not in response.content.decode()


# --- query budgets ------------------------------------------------------------------------


def grower(world):
    numbers = iter(range(100))

    def grow():
        number = next(numbers)
        activist = recruit(world.branch, Category.ACTIVIST, name=f"积极分子{number}")
        record(activist, "activist_chosen", days_ago(400))
        review = record(activist, "activist_review", days_ago(200))
        review.people.set([world.secretary])
        admitted = recruit(
            world.branch, Category.PROBATIONARY, name=f"预备{number}", joined_on=days_ago(300)
        )
        record(admitted, "admission_meeting", days_ago(300))
        mentors = record(admitted, "mentors_assigned", days_ago(299))
        mentors.people.set([world.secretary, world.leader_a])

    return grow


@pytest.mark.parametrize("name", ["recruitment:pipeline", "recruitment:todo"])
def test_the_branch_pages_query_count_does_not_grow(world, secretary_client, query_counter, name):
    grow = grower(world)
    grow()
    url = reverse(name, args=[world.branch.pk])
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_persons_record_query_count_does_not_grow_with_steps(
    world, applicant, secretary_client, query_counter
):
    url = person_url(applicant)
    dates = iter(range(40, 1, -1))

    def grow():
        review = record(applicant, "activist_review", days_ago(next(dates)), reference="x")
        review.people.set([world.secretary, world.leader_a])

    grow()
    query_counter.assert_constant(lambda: secretary_client.get(url), grow)


def test_the_date_field_starts_at_today_in_a_format_the_date_picker_reads(
    applicant, secretary_client
):
    html = secretary_client.get(step_url(applicant, "talk")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_the_secretary_reads_a_rule_with_its_source(world, secretary_client):
    rule = TimeRule.objects.get(code="talk_within")
    response = secretary_client.get(reverse("admin:members_timerule_change", args=[rule.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "应当在一个月内派人同入党申请人谈话" in html
    assert 'name="_save"' not in html


def test_cancelling_probation_is_recorded_from_the_persons_page(world, secretary_client):
    probationary = recruit(
        world.branch, Category.PROBATIONARY, name="预备党员", joined_on=days_ago(200)
    )
    response = secretary_client.post(
        step_url(probationary, "probation_cancelled"),
        {"done_on": days_ago(1).isoformat(), "reference": "支部大会决议"},
        follow=True,
    )
    assert response.status_code == 200
    probationary.refresh_from_db()
    assert probationary.exit_kind == "probation_cancelled"
    assert probationary.recruitment_records.filter(step__code="probation_cancelled").exists()


def test_only_the_next_stages_steps_are_buttons(applicant, secretary_client):
    html = secretary_client.get(reverse("recruitment:person", args=[applicant.pk])).content
    html = html.decode()
    buttons = re.findall(r'class="btn btn-outline-danger btn-sm" href="([^"]+)"', html)
    late = re.findall(r'class="small text-secondary" href="([^"]+)"', html)
    codes = {url.rstrip("/").rsplit("/", 1)[-1] for url in buttons}
    steps = RecruitmentStep.objects.filter(code__in=codes)
    assert buttons and late  # a few buttons, the other stages' steps as plain links
    assert set(steps.values_list("stage", flat=True)) == {"applicant"}
    assert len(buttons) < len(late)
