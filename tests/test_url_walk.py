"""Every route of the URLconf, found by walking the resolver (never listed by hand), is
requested by every role on the demo school, and a response a role should not get fails.

`RULES` says, for each route name, who may use it and how to fill its arguments from the
seeded school; the workbench's per-model pages follow one rule built from the admin site's
registry (`admin_rules`). A route the table does not know fails
`test_every_route_has_a_rule`, so a new view must be added here; a rule that cannot fill
its route's arguments fails that route's test.

What each role must get:
- allowed: 200, a redirect that is not to the login page, or a file; a POST-only route
  answers a GET with 405;
- refused: anonymous is sent to the login page; someone of the branch gets 403 (or 404);
  the user of another branch gets 404, never a 403 that confirms the record exists (in the
  workbench: the very answer a row that does not exist gets), and so does the viewer of
  another upper committee on every page its own viewer reads (isolation between districts);
- never a 500 (the test client raises the view's exception). A refused role's empty POST is
  refused the same way and writes nothing (no INSERT, UPDATE or DELETE but the session's
  and the login lockout's).

The PDF engine is replaced by a stub for this module (what is checked is who gets the file;
tests/reports render the real PDFs): WeasyPrint takes seconds a file.
"""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone
from PIL import Image

from activities.models import (
    Activity,
    ActivityKind,
    Election,
    HardshipCase,
    HardshipHelp,
    MakeUpStudy,
    Meeting,
    Pairing,
    PairingMeeting,
    Pledge,
    Suggestion,
)
from activities.models import (
    DutyPost as DutyPostModel,
)
from activities.models.meetings import GUEST_TYPES
from activities.services import attachment_add
from activities.work.services import activity_photo_add
from branchsite.trash import trash_record
from groups.admin_scoping import BranchScopedAdmin
from groups.models import Branch, CommitteeRole, GroupLeadership, GroupRole
from members.dues.services import dues_reduction_record
from members.models import (
    Assessment,
    Category,
    EvaluationRound,
    Member,
    RecruitmentStep,
    RoundKind,
    RoundState,
    TransferDirection,
)
from members.models.dues import ReductionApproval
from members.recruitment import recruitment_step_record
from members.services import member_account_create, transfer_start
from members.views import MEMBER_ACTIONS
from reports.models import DocumentKind, PlanItem, YearDocument
from tests.factories import (
    BranchFactory,
    BranchViewerFactory,
    CommitteeMembershipFactory,
    CommitteeTermFactory,
    MemberFactory,
    PartyGroupFactory,
    UpperCommitteeFactory,
    UpperCommitteeViewerFactory,
    UserFactory,
    member_in_group,
)
from tests.pdf_files import PDF  # a PDF that opens: uploads are checked

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "member",  # 张丽, a plain member of the object's group (语文)
    "other_leader",  # 叶秀华, leader of the 数学 group
    "own_leader",  # 韩美华, leader of the 语文 group
    "committee",  # 周敏, 组织委员: on the committee, not the secretary
    "secretary",  # 沈卫东
    "viewer",  # shangji, the upper committee's read-only viewer
    "outsider",  # the secretary of another branch
    "other_district",  # the viewer of another upper committee, whose district holds 二支部
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
# Anyone with a tie to the branch: not the other branch, nor the other district.
BRANCH = SIGNED_IN - {"outsider", "other_district"}
MANAGERS = frozenset({"committee", "secretary"})
READERS = MANAGERS | {"viewer"}  # the committee and the upper committee
OWN_LEADER = frozenset({"own_leader"})
LEADERS = frozenset({"own_leader", "other_leader"})
NOBODY = frozenset()

LOGIN = "/accounts/login/"


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("签到表.png", buffer.getvalue(), content_type="image/png")


# --- The walk --------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "members:member_detail"
    pattern: str
    kwargs: tuple[str, ...]  # named arguments, in the pattern's order
    positional: int  # unnamed regex groups (simple_history's version page)

    def __str__(self):
        return f"{self.name} ({self.pattern})"


def walk(resolver=None, prefix: str = "", namespaces: tuple = ()) -> list[Route]:
    """Every pattern under `resolver`, with its namespaced name and its arguments."""
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            routes += walk(entry, prefix + str(entry.pattern), inner)
            continue
        assert isinstance(entry, URLPattern)
        regex = entry.pattern.regex
        named = tuple(regex.groupindex)
        name = ":".join((*namespaces, entry.name)) if entry.name else None
        routes.append(
            Route(
                name=name,
                pattern=prefix + str(entry.pattern),
                kwargs=named,
                positional=regex.groups - len(named),
            )
        )
    return routes


def not_ours(route: Route) -> bool:
    """Patterns skipped by rule: the admin's unnamed ones (its catch-all, which redirects an
    unknown address to the login or answers 404, and the old `<id>/` shortcut to a change
    page). No other unnamed pattern is allowed (`test_every_route_has_a_rule`)."""
    return route.name is None and route.pattern.startswith("admin/")


ROUTES = [route for route in walk() if not not_ours(route)]


# --- The seeded school -----------------------------------------------------------------


def seed() -> SimpleNamespace:
    """The demo school, the posts the roles need, the uploads the demo has none of, and
    another branch with its secretary. Returns the objects the rules fill arguments from."""
    call_command("seed_demo", force=True, stdout=io.StringIO())
    user_model = get_user_model()
    branch = Branch.objects.get(code="fjyfx")
    secretary_user = user_model.objects.get(username="shuji")
    by_name = {member.name: member for member in branch.members.all()}

    committee = by_name["周敏"]
    member_account_create(
        member=committee, username="zhoumin", password="x-Walk-2024!", acting_user=secretary_user
    )
    own_leader = Member.objects.get(user__username="hanmeihua")
    member = Member.objects.get(user__username="zhangli")
    group = GroupLeadership.objects.current().get(member=own_leader, role=GroupRole.LEADER).group
    other_group = (
        GroupLeadership.objects.current()
        .get(member__user__username="yexiuhua", role=GroupRole.LEADER)
        .group
    )

    # 二支部 is of another upper committee, which has a viewer of its own.
    other_branch = BranchFactory(
        name="二支部", code="er", upper_committee=UpperCommitteeFactory(name="邻区教育工委")
    )
    UpperCommitteeViewerFactory(
        upper_committee=other_branch.upper_committee, user=UserFactory(username="other-district")
    )
    # The demo's viewer reads the whole district; a branch's own viewer entry, for the
    # workbench's pages of those entries.
    BranchViewerFactory(branch=branch, user=UserFactory(username="branch-viewer"))
    other_term = CommitteeTermFactory(branch=other_branch, number=1)
    other_group_c = PartyGroupFactory(branch=other_branch, name="C组")
    outsider = member_in_group(
        other_group_c, name="外支部书记", user=UserFactory(username="outsider")
    )
    CommitteeMembershipFactory(term=other_term, member=outsider, role=CommitteeRole.SECRETARY)
    # A member 二支部 transfers to the demo school, waiting for it to accept (转入待接收).
    incoming_transfer = transfer_start(
        member=member_in_group(other_group_c, name="转入党员"),
        direction=TransferDirection.OUT,
        to_branch=branch,
        issued_on=timezone.localdate() - datetime.timedelta(days=3),
        acting_user=outsider.user,
    )

    in_group = Member.objects.in_groups([group.pk])
    meeting = (
        Meeting.objects.filter(branch=branch, group=group, attendances__member=member)
        .order_by("-held_on")
        .first()
    )
    attachment = attachment_add(meeting=meeting, upload=png(), acting_user=secretary_user)
    activity = (
        Activity.objects.filter(branch=branch, group=group).exclude(kind=ActivityKind.TALK).first()
    )
    photo = activity_photo_add(activity=activity, upload=png(), acting_user=secretary_user)
    today = timezone.localdate()
    recruit = MemberFactory(
        branch=branch,
        name="申请人甲",
        category=Category.APPLICANT,
        birth_date=datetime.date(1995, 1, 1),
        joined_on=None,
        full_member_on=None,
    )
    record = recruitment_step_record(
        member=recruit,
        step=RecruitmentStep.objects.get(code="application"),
        on=today - datetime.timedelta(days=3),
        acting_user=secretary_user,
        today=today,
        document=SimpleUploadedFile("入党申请书.pdf", PDF, content_type="application/pdf"),
        reference="档案盒1-1",
    ).record
    reduction = dues_reduction_record(
        member=member,
        starts_on=today.replace(day=1),
        ends_on=None,
        monthly_amount=0,
        reason="家庭困难",
        approved_by=ReductionApproval.UPPER_COMMITTEE,
        approval_reference="批复1号",
        approved_on=today,
        acting_user=secretary_user,
    )
    rounds = EvaluationRound.objects.filter(branch=branch, kind=RoundKind.EVALUATION)
    evaluation = rounds.filter(state=RoundState.OPEN).first()
    closed_evaluation = rounds.exclude(state=RoundState.OPEN).first()
    pairing = Pairing.objects.filter(branch=branch, member__in=in_group).first()
    hardship = HardshipCase.objects.filter(branch=branch).first()
    summary = YearDocument.objects.filter(branch=branch, group=None).order_by("-year").first()
    plan = YearDocument.objects.filter(branch=branch, group=None, kind=DocumentKind.PLAN).first()
    Group.objects.create(name="示例权限组")  # the workbench's auth pages need a row
    seeds = SimpleNamespace(
        branch=branch,
        group=group,
        other_group=other_group,
        member=member,
        committee=committee,
        users={
            "member": member.user,
            "other_leader": user_model.objects.get(username="yexiuhua"),
            "own_leader": own_leader.user,
            "committee": user_model.objects.get(username="zhoumin"),
            "secretary": secretary_user,
            "viewer": user_model.objects.get(username="shangji"),
            "outsider": outsider.user,
            "other_district": user_model.objects.get(username="other-district"),
        },
        meeting=meeting,
        guest_meeting=Meeting.objects.filter(branch=branch, group=None, kind__in=GUEST_TYPES)
        .order_by("-held_on")
        .first(),
        attachment=attachment,
        make_up=MakeUpStudy.objects.filter(attendance__meeting__group=group).first(),
        election=Election.objects.filter(branch=branch).first(),
        activity=activity,
        photo=photo,
        suggestion=Suggestion.objects.filter(branch=branch, group=group, answered_on=None).first(),
        closed_suggestion=Suggestion.objects.filter(branch=branch, group=group)
        .exclude(feedback_on=None)
        .first(),
        pairing=pairing,
        pairing_meeting=PairingMeeting.objects.filter(pairing__member__in=in_group).first(),
        hardship=hardship,
        hardship_help=HardshipHelp.objects.filter(case__branch=branch).first(),
        pledge=Pledge.objects.filter(member=member).first(),
        duty_post=DutyPostModel.objects.filter(branch=branch, member__in=in_group).first(),
        summary=summary,
        plan=plan,
        group_document=YearDocument.objects.filter(group=group).first(),
        plan_item=PlanItem.objects.filter(document=plan).first(),
        evaluation=evaluation,
        closed_evaluation=closed_evaluation,
        assessment=Assessment.objects.filter(round=evaluation, member=member).first(),
        recruit=recruit,
        record=record,
        reduction=reduction,
        incoming_transfer=incoming_transfer,
        year=today.year,
        # An item of the branch's recycle bin: a real one, so that restoring it works (the
        # form fuzz restores it); a pledge no other rule names.
        trash_item=trash_record(
            Pledge.objects.filter(branch=branch).exclude(member=member).order_by("pk").last(),
            branch=branch,
            acting_user=secretary_user,
        ),
        step=RecruitmentStep.objects.exclude(code="application").order_by("order").first(),
        job=finished_job(secretary_user, branch),
    )
    missing = sorted(name for name, value in vars(seeds).items() if value is None)
    assert missing == [], f"the demo school has none of {missing}: seed them here"
    # A version of every row the workbench opens, for its history pages: the rows its
    # migrations seeded have none (saved once, unchanged, as the administrator would).
    for model_admin in admin.site._registry.values():
        history = getattr(model_admin.model, "history", None)
        row, _ours = admin_object(model_admin, seeds)
        if history is not None and not history.filter(id=row.pk).exists():
            row.save()
    return seeds


def finished_job(user, branch):
    """The secretary's roster export, made by the job's own code (the worker's task)."""
    from branchsite.jobs import job_request, job_run
    from reports.jobs import ROSTER_EXPORT

    job = job_request(user=user, kind=ROSTER_EXPORT, branch=branch)
    job_run(job.pk)
    job.refresh_from_db()
    return job


# --- The rule table --------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may use a route, and its arguments filled from the seeds (a dict, or a list of
    dicts to request each). A route takes from the dict the arguments its pattern names."""

    allowed: frozenset
    fill: Callable[[SimpleNamespace], dict | list[dict]] = lambda seeds: {}
    post_only: bool = False  # a GET is answered 405 by the allowed
    query: str = ""
    # What the allowed get when the page needs something the school has not got: 404 for
    # a staged upload's preview (each upload is staged for its own uploader only).
    allowed_status: int = 200
    # Where anonymous is sent, when not to the login page.
    anonymous_to: str = LOGIN


def branch_pk(seeds):
    return {"pk": seeds.branch.pk, "branch_pk": seeds.branch.pk, "year": seeds.year}


def district_pk(seeds):
    return {"pk": seeds.branch.upper_committee_id}


def pk(attribute: str, **more) -> Callable:
    return lambda seeds: {"pk": getattr(seeds, attribute).pk, **more}


RULES: dict[str, Rule] = {}

# Django's admin site and the workbench: a rule built from the registry (admin_rules).
MEETING_READERS = READERS | OWN_LEADER | {"member"}  # the member was expected at it
MEETING_EDITORS = MANAGERS | OWN_LEADER
BRANCH_LEADERS = READERS | LEADERS  # lists limited to a leader's own groups
RULES.update(
    {
        # The site's own pages.
        "home": Rule(SIGNED_IN),
        "login": Rule(EVERYONE),
        "logout": Rule(EVERYONE, post_only=True),
        "password_change": Rule(SIGNED_IN),
        "password_change_done": Rule(SIGNED_IN),
        # The load balancer's and the administrator's probe: no login.
        "healthz": Rule(EVERYONE),
        # The recycle bin.
        "groups:trash": Rule(MANAGERS, branch_pk),
        # The district pages: the upper committee's viewer only.
        "district:list": Rule({"viewer", "other_district"}),
        "district:summaries_zip": Rule({"viewer"}, district_pk, post_only=True),
        **{
            f"district:{section}": Rule({"viewer"}, district_pk)
            for section in (
                "overview",
                "compliance",
                "members",
                "recruitment",
                "dues",
                "evaluation",
                "summaries",
            )
        },
        "groups:trash_restore": Rule(MANAGERS, pk("trash_item"), post_only=True),
        # The user's own member record: the viewer has none (404).
        "overview:member_home": Rule(SIGNED_IN - {"viewer", "other_district"}),
        "overview:branch_detail": Rule(READERS, branch_pk),
        "overview:group_detail": Rule(READERS | OWN_LEADER, pk("group")),
        "groups:group_leader_appoint": Rule(MANAGERS, pk("group")),
        "groups:group_member_place": Rule(MANAGERS, pk("group")),
        # The registry.
        "members:member_list": Rule(BRANCH_LEADERS, branch_pk),
        "members:member_detail": Rule(READERS | OWN_LEADER | {"member"}, pk("member")),
        "members:member_edit": Rule(MANAGERS, pk("member")),
        # The receiving branch's committee accepts; the sender (outsider) is told 404.
        "members:transfer_receive": Rule(MANAGERS, pk("incoming_transfer")),
        "members:member_action": Rule(
            MANAGERS,
            lambda seeds: [{"pk": seeds.member.pk, "action": action} for action in MEMBER_ACTIONS],
        ),
        "payroll:upload": Rule(MANAGERS, branch_pk),
        "payroll:preview": Rule(MANAGERS, branch_pk, allowed_status=404),
        "payroll:errors": Rule(MANAGERS, branch_pk, allowed_status=404),
        "recruitment:pipeline": Rule(READERS, branch_pk),
        "recruitment:todo": Rule(READERS, branch_pk),
        "recruitment:applicant_add": Rule(MANAGERS, branch_pk),
        "recruitment:person": Rule(READERS, pk("recruit")),
        "recruitment:record_step": Rule(
            MANAGERS, lambda seeds: {"pk": seeds.recruit.pk, "code": seeds.step.code}
        ),
        "recruitment:document": Rule(READERS, pk("record")),
        # 民主评议.
        "evaluation:round_list": Rule(READERS, branch_pk),
        "evaluation:round": Rule(BRANCH_LEADERS, pk("evaluation")),
        "evaluation:ballot": Rule(BRANCH - {"viewer"}, pk("evaluation")),
        "evaluation:ballot_close": Rule(MANAGERS, pk("evaluation"), post_only=True),
        "evaluation:round_close": Rule(MANAGERS, pk("evaluation"), post_only=True),
        "evaluation:grade": Rule(MANAGERS, pk("assessment"), post_only=True),
        "evaluation:self_assessment": Rule(BRANCH - {"viewer"}, pk("evaluation")),
        "evaluation:steps": Rule(MANAGERS, pk("evaluation"), post_only=True),
        "evaluation:peer_review": Rule(MANAGERS | LEADERS, pk("evaluation")),  # their groups'
        "evaluation:staff": Rule(MANAGERS, pk("evaluation")),
        "evaluation:recommend": Rule(MANAGERS | OWN_LEADER, pk("assessment"), post_only=True),
        "evaluation:follow_up": Rule(MANAGERS, pk("assessment"), post_only=True),
        # Dues.
        "dues:branch": Rule(BRANCH_LEADERS, branch_pk),
        "dues:collect": Rule(MANAGERS | LEADERS, branch_pk),
        "dues:basis": Rule(MANAGERS, pk("member")),
        "dues:pay": Rule(MANAGERS, pk("member")),
        "dues:special": Rule(MANAGERS, pk("member")),
        "dues:reduction": Rule(MANAGERS, pk("member")),
        "dues:reduction_edit": Rule(MANAGERS, pk("reduction")),
        "dues:arrears_reason": Rule(MANAGERS, pk("member")),
        # 三会一课.
        "activities:meeting_list": Rule(BRANCH, branch_pk),
        "activities:meeting_create": Rule(MANAGERS | LEADERS, branch_pk),
        "activities:make_up_list": Rule(BRANCH, branch_pk),
        "activities:meeting": Rule(MEETING_READERS, pk("meeting")),
        "activities:meeting_edit": Rule(MEETING_EDITORS, pk("meeting")),
        "activities:meeting_attendance": Rule(MEETING_EDITORS, pk("meeting")),
        "activities:meeting_motions": Rule(MEETING_EDITORS, pk("meeting")),
        # A 党课 or 主题党日 of the whole branch (only those have guests): its committee's.
        "activities:meeting_guests": Rule(MANAGERS, pk("guest_meeting")),
        "activities:meeting_review": Rule(MANAGERS, pk("meeting"), post_only=True),
        "activities:meeting_delete": Rule(MEETING_EDITORS, pk("meeting")),
        "activities:attachment_add": Rule(MEETING_EDITORS, pk("meeting"), post_only=True),
        "activities:attachment": Rule(READERS | OWN_LEADER, pk("attachment")),
        "activities:attachment_remove": Rule(MEETING_EDITORS, pk("attachment"), post_only=True),
        "activities:make_up_close": Rule(MEETING_EDITORS, pk("make_up")),
        "activities:compliance": Rule(BRANCH_LEADERS, branch_pk),
        "activities:attendance_rates": Rule(BRANCH_LEADERS, branch_pk),
        # Elections.
        "activities:election_list": Rule(BRANCH, branch_pk),
        "activities:election_create": Rule(MANAGERS, branch_pk),
        "activities:election": Rule(BRANCH, pk("election")),
        "activities:election_edit": Rule(MANAGERS, pk("election")),
        "activities:election_round": Rule(MANAGERS, pk("election")),
        "activities:election_round_delete": Rule(MANAGERS, pk("election")),
        "activities:election_decide": Rule(MANAGERS, pk("election")),
        "activities:election_install": Rule(MANAGERS, pk("election")),
        "activities:election_delete": Rule(MANAGERS, pk("election")),
        # Other work.
        "activities:work_list": Rule(BRANCH_LEADERS, branch_pk),
        "activities:work_totals": Rule(BRANCH_LEADERS, branch_pk),
        "activities:work_create": Rule(
            MANAGERS | LEADERS,
            lambda seeds: [
                {"pk": seeds.branch.pk, "kind": kind}
                for kind in ActivityKind.values
                if kind != ActivityKind.TALK
            ],
        ),
        "activities:work": Rule(READERS | OWN_LEADER, pk("activity")),
        "activities:work_edit": Rule(MANAGERS | OWN_LEADER, pk("activity")),
        "activities:work_delete": Rule(MANAGERS | OWN_LEADER, pk("activity")),
        "activities:work_photo": Rule(READERS | OWN_LEADER, pk("photo")),
        "activities:work_photo_remove": Rule(MANAGERS | OWN_LEADER, pk("photo"), post_only=True),
        # Suggestions.
        "activities:suggestion_list": Rule(BRANCH_LEADERS, branch_pk),
        "activities:suggestion_create": Rule(MANAGERS | LEADERS, branch_pk),
        "activities:suggestion": Rule(READERS | OWN_LEADER, pk("suggestion")),
        "activities:suggestion_edit": Rule(MANAGERS | OWN_LEADER, pk("suggestion")),
        "activities:suggestion_answer": Rule(MANAGERS, pk("suggestion")),
        "activities:suggestion_done": Rule(MANAGERS, pk("suggestion")),
        "activities:suggestion_feedback": Rule(MANAGERS | OWN_LEADER, pk("suggestion")),
        # Closed with the staff's satisfaction, which its group's leader recorded and may undo.
        "activities:suggestion_undo": Rule(MANAGERS | OWN_LEADER, pk("closed_suggestion")),
        "activities:suggestion_delete": Rule(MANAGERS, pk("suggestion")),
        # Ledgers.
        "activities:pairing_list": Rule(BRANCH, branch_pk),
        "activities:pairing_create": Rule(MANAGERS | LEADERS, branch_pk),
        "activities:pairing": Rule(READERS | OWN_LEADER, pk("pairing")),
        "activities:pairing_edit": Rule(MANAGERS | OWN_LEADER, pk("pairing")),
        "activities:pairing_delete": Rule(MANAGERS | OWN_LEADER, pk("pairing")),
        "activities:pairing_meeting_delete": Rule(MANAGERS | OWN_LEADER, pk("pairing_meeting")),
        "activities:hardship_list": Rule(READERS, branch_pk),
        "activities:hardship_create": Rule(MANAGERS, branch_pk),
        "activities:hardship": Rule(MANAGERS, pk("hardship")),
        "activities:hardship_edit": Rule(MANAGERS, pk("hardship")),
        "activities:hardship_delete": Rule(MANAGERS, pk("hardship")),
        "activities:hardship_help_delete": Rule(MANAGERS, pk("hardship_help")),
        "activities:pledge_list": Rule(BRANCH, branch_pk),
        "activities:pledge_create": Rule(MANAGERS | LEADERS, branch_pk),
        "activities:pledge": Rule(READERS | OWN_LEADER | {"member"}, pk("pledge")),
        "activities:pledge_edit": Rule(MANAGERS | OWN_LEADER, pk("pledge")),
        "activities:pledge_review": Rule(MANAGERS, pk("pledge")),
        "activities:pledge_delete": Rule(MANAGERS | OWN_LEADER, pk("pledge")),
        "activities:post_list": Rule(BRANCH_LEADERS, branch_pk),
        "activities:post_create": Rule(MANAGERS | LEADERS, branch_pk),
        "activities:post_edit": Rule(MANAGERS | OWN_LEADER, pk("duty_post")),
        "activities:post_delete": Rule(MANAGERS | OWN_LEADER, pk("duty_post")),
        # Reports and the year-end documents.
        "reports:branch_charts": Rule(READERS, branch_pk),
        # The minutes list everyone's attendance: for those who read the whole record.
        "reports:meeting_minutes": Rule(READERS | OWN_LEADER, pk("meeting", format="html")),
        "reports:meeting_ledger": Rule(
            BRANCH_LEADERS, lambda seeds: {**branch_pk(seeds), "format": "xlsx"}
        ),
        "reports:roster_export": Rule(
            MANAGERS, lambda seeds: {**branch_pk(seeds), "format": "xlsx"}
        ),
        "reports:roster_export_job": Rule(MANAGERS, branch_pk, post_only=True),
        # 我的下载: everyone's own list; a job is its requester's alone (the secretary's).
        "jobs:list": Rule(SIGNED_IN),
        "jobs:detail": Rule(frozenset({"secretary"}), pk("job")),
        "jobs:status": Rule(frozenset({"secretary"}), pk("job")),
        "jobs:file": Rule(frozenset({"secretary"}), pk("job")),
        "reports:evaluation_results": Rule(READERS, pk("closed_evaluation", format="html")),
        "reports:dues_notice": Rule(READERS, lambda seeds: {**branch_pk(seeds), "format": "html"}),
        "reports:work_ledger": Rule(
            BRANCH_LEADERS, lambda seeds: {**branch_pk(seeds), "format": "xlsx"}
        ),
        "reports:year_document_file": Rule(READERS, pk("summary", format="docx")),
        "reports:year_documents": Rule(READERS, branch_pk),
        "reports:year_document_start": Rule(
            MANAGERS,
            lambda seeds: [
                {**branch_pk(seeds), "year": seeds.year + 1, "kind": kind}
                for kind in DocumentKind.values
            ],
            post_only=True,
        ),
        "reports:group_documents_zip": Rule(
            READERS, lambda seeds: {**branch_pk(seeds), "format": "zip"}
        ),
        "reports:group_documents": Rule(READERS | OWN_LEADER, lambda s: {"group_pk": s.group.pk}),
        "reports:group_document_start": Rule(
            MANAGERS | OWN_LEADER,
            lambda seeds: [
                {"group_pk": seeds.group.pk, "year": seeds.year + 1, "kind": kind}
                for kind in DocumentKind.values
            ],
            post_only=True,
        ),
        "reports:year_document": Rule(READERS, pk("summary")),
        "reports:year_document_versions": Rule(READERS, pk("summary")),
        "reports:year_document_restore": Rule(MANAGERS, pk("summary", number=1), post_only=True),
        "reports:plan_items": Rule(READERS, pk("plan")),
        "reports:plan_item_add": Rule(MANAGERS, pk("plan")),
        "reports:plan_item_edit": Rule(MANAGERS, pk("plan_item")),
        "reports:plan_item_state": Rule(MANAGERS, pk("plan_item"), post_only=True),
        "reports:plan_item_remove": Rule(MANAGERS, pk("plan_item")),
    }
)

# The workbench's pages a committee member is refused (403) though they enter the
# workbench: the accounts (the site administrator's), whole branches and viewers created or
# removed, rows kept through the site's own pages (view only), national rule books (read
# only), the year-end documents (listed; written on their own pages).
ADMIN_NOT_FOR_THE_COMMITTEE = {
    f"admin:{app}_{model}_{page}"
    for app, model, pages in [
        # The accounts and their permission groups are the site administrator's.
        ("auth", "user", ("changelist", "add", "change", "history", "delete", "password_change")),
        ("auth", "group", ("changelist", "add", "change", "history", "delete")),
        # The background tasks' queue (django-tasks-db) holds every user's jobs: the
        # site administrator's only.
        (
            "django_tasks_database",
            "dbtaskresult",
            ("changelist", "add", "change", "history", "delete"),
        ),
        # Whole branches and viewers are created (and branches removed) by the administrator.
        ("groups", "branch", ("add", "delete")),
        ("groups", "branchviewer", ("add",)),
        # The upper committees and their viewers: the administrator's alone.
        *(
            (
                "groups",
                model,
                ("changelist", "add", "change", "history", "delete", "simple_history"),
            )
            for model in ("uppercommittee", "uppercommitteeviewer")
        ),
        # Kept through the site's own pages, shown here only.
        ("groups", "groupmembership", ("add", "delete")),
        ("groups", "groupleadership", ("add", "delete")),
        ("activities", "meeting", ("add",)),
        ("activities", "election", ("add", "delete")),
        ("activities", "activity", ("add", "delete")),
        ("activities", "pairing", ("add", "delete")),
        ("activities", "hardshipcase", ("add", "delete")),
        ("activities", "pledge", ("add", "delete")),
        ("activities", "dutypost", ("add", "delete")),
        ("activities", "suggestion", ("add", "delete")),
        ("reports", "yeardocument", ("add", "delete")),
        # National rule books: read by every committee, changed by the administrator.
        ("members", "recruitmentstep", ("add", "delete")),
        ("members", "timerule", ("add", "delete")),
        ("members", "duesbracket", ("add", "delete")),
        # The defaults every branch reads (the rows opened here): not removed by a branch.
        ("activities", "meetingrule", ("delete",)),
        ("activities", "agendatemplate", ("delete",)),
        ("activities", "studyrule", ("delete",)),
        ("activities", "homevisitreason", ("delete",)),
    ]
    for page in pages
}

WORKBENCH = MANAGERS | {"outsider"}  # the other branch's secretary sees their own rows


def admin_object(model_admin, seeds):
    """A row the page of `model_admin` opens, and whether it belongs to the school's branch
    (another branch's committee gets 404 for it) or is shared (a national rule book, a
    default every branch reads)."""
    model = model_admin.model
    rows = model._default_manager.order_by("pk")
    branch_path = getattr(model_admin, "branch_path", None)
    if isinstance(model_admin, BranchScopedAdmin) or model is YearDocument:
        path = branch_path or "branch_id"
        own = rows.filter(**{path: seeds.branch.pk}).first()
        if own is not None:
            return own, True
        return rows.filter(branch=None).first(), False
    if model is get_user_model():
        return seeds.users["member"], True
    return rows.first(), False


def admin_rules() -> dict[str, Rule]:
    """The rule of every per-model page of the workbench, from the admin site's registry."""
    rules = {}
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

        def fill(seeds, model_admin=model_admin):
            row, ours = admin_object(model_admin, seeds)
            history = getattr(model_admin.model, "history", None)
            version = history.filter(id=row.pk).first() if history is not None else None
            return {
                "object_id": row.pk,
                "id": row.pk,
                "_args": (row.pk, version.history_id if version else 0),
                "_shared": not ours,
            }

        for page in ("changelist", "add"):
            name = f"{prefix}_{page}"
            rules[name] = Rule(NOBODY if name in ADMIN_NOT_FOR_THE_COMMITTEE else WORKBENCH)
        for page in ("change", "history", "delete", "simple_history", "password_change"):
            name = f"{prefix}_{page}"
            allowed = NOBODY if name in ADMIN_NOT_FOR_THE_COMMITTEE else MANAGERS
            rules[name] = Rule(allowed, fill)
    # Only the pages the admin made for each model (simple_history's, the password's).
    walked = {route.name for route in ROUTES}
    return {name: rule for name, rule in rules.items() if name in walked}


RULES.update(
    {
        "admin:index": Rule(WORKBENCH),
        "admin:login": Rule(WORKBENCH),
        # Django's admin sends anonymous from its logout to its index, then to the login.
        "admin:logout": Rule(WORKBENCH, post_only=True, anonymous_to="/admin/"),
        "admin:password_change": Rule(WORKBENCH),
        "admin:password_change_done": Rule(WORKBENCH),
        "admin:jsi18n": Rule(WORKBENCH),
        "admin:autocomplete": Rule(
            WORKBENCH, query="app_label=groups&model_name=groupleadership&field_name=member"
        ),
        # No model of ours has a page of its own to view on the site: 404 for everyone.
        "admin:view_on_site": Rule(
            NOBODY,
            lambda seeds: {
                "content_type_id": ContentType.objects.get_for_model(Member).pk,
                "object_id": seeds.member.pk,
            },
        ),
        "admin:app_list": Rule(
            WORKBENCH,
            lambda seeds: [
                {"app_label": label} for label in ("groups", "members", "activities", "reports")
            ],
        ),
        "admin:members_member_roster_import": Rule(WORKBENCH),
        "admin:members_member_roster_preview": Rule(WORKBENCH, allowed_status=404),
        "admin:members_member_roster_errors": Rule(WORKBENCH, allowed_status=404),
        **admin_rules(),
    }
)


# --- The requests ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def school(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded school and a signed-in client per role, once for the module (rolled
    back after it); uploads go to a temporary folder and PDFs to the stub."""
    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with pytest.MonkeyPatch.context() as patch:
        import reports.base
        import reports.yearend.pdf

        for module in (reports.base, reports.yearend.pdf):
            patch.setattr(module, "html_to_pdf", lambda html, **options: PDF)
        with django_db_blocker.unblock(), settings, transaction.atomic():
            seeds = seed()
            clients = {"anonymous": Client()}
            for role, user in seeds.users.items():
                clients[role] = Client()
                clients[role].force_login(user)
            yield SimpleNamespace(seeds=seeds, clients=clients)
            transaction.set_rollback(True)


GHOST = 999_999_999  # a key no row has


@dataclass(frozen=True)
class Request:
    url: str
    shared: bool  # the row is shared by every branch (a national rule book, a default)
    ghost_url: str | None  # the same page of a row that does not exist (workbench only)


def requests_of(route: Route, rule: Rule, seeds) -> list[Request]:
    """The addresses to request for `route`, filled by its rule."""
    filled = rule.fill(seeds)
    query = f"?{rule.query}" if rule.query else ""

    def address(values):
        if route.positional:
            return reverse(route.name, args=values["_args"][: route.positional]) + query
        return reverse(route.name, kwargs={name: values[name] for name in route.kwargs}) + query

    requests = []
    for values in filled if isinstance(filled, list) else [filled]:
        missing = [name for name in route.kwargs if name not in values]
        assert not missing, f"{route}: the rule cannot fill {missing}"
        ghost = None
        if route.name.startswith("admin:") and "_args" in values:
            ghost = address({**values, "object_id": GHOST, "id": GHOST, "_args": (GHOST, GHOST)})
        requests.append(Request(address(values), bool(values.get("_shared")), ghost))
    return requests


def answer(response) -> str:
    status = response.status_code
    return f"{status} to {response['Location']}" if status in (301, 302) else str(status)


def is_to_login(response) -> bool:
    """A redirect to the login page (the workbench's own sends on to the site's)."""
    location = response["Location"] if response.status_code == 302 else ""
    return location.startswith((LOGIN, "/admin/login/"))


def is_refusal(
    response, role: str, rule: Rule, allowed: frozenset, request, client, method="get"
) -> bool:
    """Whether `response` refuses `role`, by the module's docstring."""
    status = response.status_code
    if rule.post_only and status == 405:
        return True
    if role == "anonymous":
        if rule.anonymous_to != LOGIN:
            return status == 302 and response["Location"] == rule.anonymous_to
        return is_to_login(response)
    if (role == "outsider" and allowed & MANAGERS) or (
        # The workbench refuses anyone outside every committee alike (403).
        role == "other_district" and allowed & READERS and not request.url.startswith("/admin/")
    ):
        if request.ghost_url is not None:
            # The workbench answers a row outside the user's branches as Django's admin
            # answers a row that does not exist (a redirect to its index with a message,
            # or 404): the same answer tells nothing.
            ghost = getattr(client, method)(request.ghost_url, {})
            return status in (302, 403, 404) and answer(response) == answer(ghost)
        return status == 404  # a 403 would confirm the record exists
    return status in (403, 404)


def is_allowed_answer(response, rule: Rule) -> bool:
    status = response.status_code
    if rule.post_only:
        return status == 405
    if rule.allowed_status != 200:
        return status == rule.allowed_status
    return status == 200 or (status == 302 and not is_to_login(response))


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
UNTRACKED_TABLES = ("django_session", "axes_")  # the session, the login lockout's log


def writes_of(queries) -> list[str]:
    """The statements among `queries` that change a table of the site."""
    return [
        query["sql"]
        for query in queries
        if WRITE.match(query["sql"])
        and not any(table in query["sql"] for table in UNTRACKED_TABLES)
    ]


def check(route: Route, role: str, school) -> list[str]:
    """Every request of `route` by `role`; the problems found, each naming the address."""
    rule = RULES[route.name]
    client = school.clients[role]
    problems = []
    for request in requests_of(route, rule, school.seeds):
        allowed = rule.allowed
        if request.shared and allowed & MANAGERS:
            allowed = allowed | {"outsider"}  # every branch's committee reads shared rows
        response = client.get(request.url)
        if role in allowed:
            if not is_allowed_answer(response, rule):
                problems.append(f"GET {request.url} as {role}: {answer(response)}, allowed")
            continue
        if not is_refusal(response, role, rule, allowed, request, client):
            problems.append(f"GET {request.url} as {role}: {answer(response)}, not refused")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(request.url, {})
        if not is_refusal(response, role, rule, allowed, request, client, "post"):
            problems.append(f"POST {request.url} as {role}: {answer(response)}, not refused")
        for sql in writes_of(queries.captured_queries):
            problems.append(f"POST {request.url} as {role} wrote: {sql[:200]}")
    return problems


def without_rule(routes: list[Route]) -> list[str]:
    """The routes the table does not know: unnamed ones, and names without a rule."""
    return sorted(str(route) for route in routes if route.name is None or route.name not in RULES)


def test_every_route_has_a_rule():
    assert without_rule(ROUTES) == [], "add these routes to RULES in tests/test_url_walk.py"


def test_a_new_view_is_walked_and_wants_a_rule():
    """What a newcomer's view meets: the walk finds it, even nested in a namespace."""
    urlconf = ModuleType("urlconf_with_a_new_view")
    urlconf.urlpatterns = [
        *get_resolver().url_patterns,
        path(
            "new/",
            include(([path("<int:pk>/page/", lambda request, pk: None, name="page")], "new")),
        ),
    ]
    routes = [route for route in walk(get_resolver(urlconf)) if not not_ours(route)]
    new = [route for route in routes if route.name == "new:page"]
    assert [(route.pattern, route.kwargs) for route in new] == [("new/<int:pk>/page/", ("pk",))]
    assert without_rule(routes) == ["new:page (new/<int:pk>/page/)"]


def test_every_rule_is_a_route():
    named = {route.name for route in ROUTES}
    assert sorted(set(RULES) - named) == []


# One test a route, every role in it (each problem names the address and the role): a test
# item costs a rollback and a constraint check of the whole school, eight times over.
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in RULES], ids=str)
def test_the_route_answers_every_role_as_its_rule_says(route, school):
    problems = [problem for role in ROLES for problem in check(route, role, school)]
    assert not problems, "\n".join(problems)
