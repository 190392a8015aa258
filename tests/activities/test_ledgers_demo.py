"""The demo school's ledgers (demo/ledgers.py, written by `manage.py seed_demo` through the
services): this autumn's 师徒结对, pupils and an activist with their 培养联系人, two hardship
cases with helps, a pledge for every member this year and most kept last year, a few posts;
and the pages show them to the demo's accounts."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from activities.ledgers.selectors import ledger_figures
from activities.models import (
    DutyPost,
    Fulfilment,
    HardshipCase,
    Pairing,
    PairingMeeting,
    PartnerKind,
    Pledge,
)
from branchsite.dates import school_year_of
from groups.models import Branch
from members.models import Category, Member, RecruitmentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo school, seeded once for this module and rolled back after it."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", force=True, stdout=StringIO())
        yield Branch.objects.get(code="fjyfx")
        transaction.set_rollback(True)


def test_the_masters_were_paired_this_autumn(demo):
    today = timezone.localdate()
    autumn = min(datetime.date(school_year_of(today), 9, 10), today)
    young = Pairing.objects.filter(branch=demo, kind=PartnerKind.YOUNG_TEACHER)

    assert young.filter(started_on=autumn, ended_on=None).count() == 6
    ended = young.exclude(ended_on=None)
    assert ended.count() == 3
    assert not ended.active_between(autumn, today).exists()


def test_members_are_paired_with_pupils_with_their_class(demo):
    pupils = Pairing.objects.filter(branch=demo, kind=PartnerKind.PUPIL)
    assert pupils.count() == 9
    assert all(pairing.pupil_class.endswith("班") for pairing in pupils)


def test_each_person_in_recruitment_is_paired_with_a_mentor(demo):
    for pairing in Pairing.objects.filter(branch=demo, kind=PartnerKind.ACTIVIST):
        mentors = RecruitmentRecord.objects.get(
            member=pairing.partner_member, step__code="mentors_assigned"
        ).people.all()
        assert pairing.member in mentors
    activists = Pairing.objects.filter(
        branch=demo, kind=PartnerKind.ACTIVIST, partner_member__category=Category.ACTIVIST
    )
    assert activists.count() == 2


def test_the_pairings_met_and_never_in_the_future(demo):
    meetings = PairingMeeting.objects.filter(pairing__branch=demo)
    assert meetings.count() > 30
    assert not meetings.filter(held_on__gte=timezone.localdate()).exists()


def test_two_hardship_cases_with_helps(demo):
    cases = HardshipCase.objects.filter(branch=demo)
    assert cases.count() == 2
    assert {case.person for case in cases} == {"王秀英", "蔡老师"}
    assert all(case.helps.count() == 3 for case in cases)
    assert cases.filter(closed_on__isnull=True).get().person == "王秀英"


def test_every_member_pledged_this_year_and_most_kept_last_years(demo):
    year = timezone.localdate().year
    on_roll = Member.objects.on_roll().filter(branch=demo)
    this_year = Pledge.objects.filter(branch=demo, year=year)
    last_year = Pledge.objects.filter(branch=demo, year=year - 1)

    assert set(this_year.values_list("member", flat=True)) == set(
        on_roll.values_list("pk", flat=True)
    )
    assert not this_year.exclude(outcome="").exists()
    assert last_year.filter(outcome=Fulfilment.DONE).count() == last_year.count() - 2
    assert last_year.filter(outcome=Fulfilment.PARTLY).count() == 2


def test_a_few_posts_are_held(demo):
    today = timezone.localdate()
    held = DutyPost.objects.filter(branch=demo).active_between(today, today)
    assert held.filter(kind="safety").count() == 5
    assert held.filter(kind="area").count() == 4


def test_the_figures_of_this_year_count_the_demo(demo):
    today = timezone.localdate()
    figures = ledger_figures(
        demo, datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    )
    assert figures.pairings_by_kind[PartnerKind.PUPIL] == 9
    assert figures.pledges_made == Member.objects.on_roll().filter(branch=demo).count()
    assert sum(part.pledges_made for part in figures.groups) == figures.pledges_made
    assert figures.hardship_helps >= 3  # the open case's helps are all this year


def test_the_demo_accounts_open_their_ledgers(demo):
    secretary, leader, member = Client(), Client(), Client()
    secretary.force_login(Member.objects.get(branch=demo, name="沈卫东").user)
    leader.force_login(Member.objects.get(branch=demo, name="韩美华").user)
    member.force_login(Member.objects.get(branch=demo, name="张丽").user)
    hardship = reverse("activities:hardship_list", args=[demo.pk])
    pairings = reverse("activities:pairing_list", args=[demo.pk])

    assert "王秀英" in secretary.get(hardship).content.decode()
    assert leader.get(hardship).status_code == 403
    page = member.get(pairings).content.decode()
    assert "王小宇" in page and "陈思琪" not in page
    assert "陈思琪" in leader.get(pairings).content.decode()
