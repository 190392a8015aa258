"""Meeting pages: record a meeting (from a phone too), its attendance, votes, photos, make-up
study and the secretary's review. Access is decided by activities.access; the writes by
activities.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import services
from activities.access import (
    can_close_make_ups,
    can_edit_meeting,
    can_export_meetings,
    can_read_whole_meeting,
    can_record_meetings,
    can_review_meeting,
    get_attachment_for_user,
    get_branch_for_meetings,
    get_branch_for_recorder,
    get_make_up_for_closer,
    get_meeting_for_editor,
    get_meeting_for_reviewer,
    get_meeting_for_user,
    recordable_groups,
)
from activities.filters import MeetingFilterForm
from activities.forms import (
    AttachmentForm,
    AttendanceForm,
    GuestsForm,
    MakeUpCloseForm,
    MeetingForm,
    MotionFormSet,
    agenda_templates,
)
from activities.models import (
    GUEST_CATEGORIES,
    GUEST_TYPES,
    Attendance,
    Election,
    MeetingType,
    Presence,
)
from activities.selectors import attendance_summary, meeting_counts, open_make_ups
from activities.votes import motion_problems, motion_result, quorum_of
from branchsite.downloads import stored_file_response
from groups.access import roles_for
from members.models import Member, Status

PAGE_SIZE = 20


@login_required
def meeting_list(request, pk):
    branch, groups = get_branch_for_meetings(request, pk)
    roles = roles_for(request.user)
    # A leader sees their groups' meetings and those they were expected at; a plain member
    # (no groups) only the latter.
    attendee = roles.member if groups is not None else None
    form = MeetingFilterForm(request.GET, branch=branch, groups=groups, attendee=attendee)
    meetings = form.queryset().select_related(None).select_related("group")
    meetings = meeting_counts(meetings).order_by("-held_on", "-pk")
    if roles.member is not None:  # "我：出席 / 请假 / 缺席" where the user was expected
        own = Attendance.objects.filter(meeting=OuterRef("pk"), member=roles.member)
        meetings = meetings.annotate(my_presence=Subquery(own.values("presence")[:1]))
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/meeting_list.html",
        {
            "branch": branch,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_record": can_record_meetings(roles, branch),
            "can_export": can_export_meetings(roles, branch),
            "can_restore": roles.can_manage_branch(branch.pk),
        },
    )


@login_required
def meeting_create(request, pk):
    branch, groups = get_branch_for_recorder(request, pk)
    roles = roles_for(request.user)
    initial = {}
    if request.method == "GET":
        if request.GET.get("kind") in MeetingType.values:
            initial["kind"] = request.GET["kind"]
        group_id = request.GET.get("group", "")
        if group_id.isdigit() and (groups is None or int(group_id) in groups):
            initial["group"] = int(group_id)
            initial.setdefault("kind", MeetingType.GROUP)
        elif groups is not None and len(groups) == 1:
            initial["group"] = next(iter(groups))
        if groups is not None:  # a leader records only group meetings
            initial.setdefault("kind", MeetingType.GROUP)
        if initial.get("kind") == MeetingType.GROUP and roles.member is not None:
            initial["host"] = roles.member.pk
            initial["recorder"] = roles.member.pk
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        branch=branch,
        groups=groups,
        creating=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(
                meeting=form.instance,
                photo=form.cleaned_data.get("photo"),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The meeting is recorded with everyone present. Mark anyone who was "
                    "excused or absent."
                ),
            )
            return redirect("activities:meeting_attendance", pk=meeting.pk)
    kinds = None if groups is None else [MeetingType.GROUP]
    return render(
        request,
        "activities/meeting_form.html",
        {
            "branch": branch,
            "form": form,
            "creating": True,
            "templates": agenda_templates(branch, kinds),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request, pk)
    roles = roles_for(request.user)
    full = can_read_whole_meeting(roles, meeting)
    attendances = list(
        meeting.attendances.select_related("member", "make_up").order_by("member__name")
    )
    own = None
    if not full:
        own = next((row for row in attendances if row.member_id == roles.member.pk), None)
        attendances = []
    quorum = quorum_of(attendances) if full else None
    motions = []
    if full:
        for motion in meeting.motions.all():
            motions.append((motion, motion_result(motion, quorum), motion_problems(motion, quorum)))
    return render(
        request,
        "activities/meeting_detail.html",
        {
            "meeting": meeting,
            "branch": meeting.branch,
            "full": full,
            "own": own,
            "summary": attendance_summary(attendances) if full else None,
            "attendances": attendances,
            "quorum": quorum,
            "motions": motions,
            "attachments": list(meeting.attachments.all()) if full else [],
            "invited": list(meeting.invited.select_related("person")) if full else [],
            "takes_guests": meeting.kind in GUEST_TYPES,
            "can_edit": can_edit_meeting(roles, meeting),
            "can_review": can_review_meeting(roles, meeting),
            "attachment_form": AttachmentForm(),
            "is_general": meeting.kind == MeetingType.GENERAL,
            "election": (
                Election.objects.filter(meeting=meeting).first()
                if meeting.kind == MeetingType.GENERAL
                else None
            ),
        },
    )


@login_required
@transaction.atomic
def meeting_edit(request, pk):
    meeting = get_meeting_for_editor(request, pk)
    groups = recordable_groups(roles_for(request.user), meeting.branch)
    form = MeetingForm(request.POST or None, instance=meeting, branch=meeting.branch, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=form.instance, acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting record is saved."))
            return redirect("activities:meeting", pk=meeting.pk)
    return render(
        request,
        "activities/meeting_form.html",
        {
            "branch": meeting.branch,
            "meeting": meeting,
            "form": form,
            "creating": False,
            "templates": agenda_templates(meeting.branch, [meeting.kind]),
        },
    )


@login_required
def meeting_attendance(request, pk):
    meeting = get_meeting_for_editor(request, pk)
    rows = list(meeting.attendances.select_related("member").order_by("member__name"))
    if request.method == "POST" and request.POST.get("action") == "all_present":
        services.attendance_all_present(meeting=meeting, acting_user=request.user)
        messages.success(request, _("Everyone on the list is marked present."))
        return redirect("activities:meeting_attendance", pk=meeting.pk)
    form = AttendanceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        services.attendance_set(meeting=meeting, entries=form.entries(), acting_user=request.user)
        messages.success(request, _("Attendance is saved."))
        return redirect("activities:meeting", pk=meeting.pk)
    return render(
        request,
        "activities/meeting_attendance.html",
        {
            "meeting": meeting,
            "branch": meeting.branch,
            "form": form,
            "rows": rows,
            "present_count": sum(row.presence == Presence.PRESENT for row in rows),
        },
    )


@login_required
def meeting_motions(request, pk):
    meeting = get_meeting_for_editor(request, pk)
    formset = MotionFormSet(request.POST or None, queryset=meeting.motions.all(), prefix="motions")
    if request.method == "POST" and formset.is_valid():
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        saved = [
            form.save(commit=False)
            for form in formset.forms
            if form not in formset.deleted_forms and form.has_changed()
        ]
        services.meeting_motions_save(
            meeting=meeting, saved=saved, deleted=deleted, acting_user=request.user
        )
        messages.success(request, _("The votes are saved."))
        return redirect("activities:meeting", pk=meeting.pk)
    quorum = quorum_of(list(meeting.attendances.all()))
    return render(
        request,
        "activities/meeting_motions.html",
        {"meeting": meeting, "branch": meeting.branch, "formset": formset, "quorum": quorum},
    )


@login_required
def meeting_guests(request, pk):
    """Invite the branch's applicants, activists and candidates to a 党课 or a 主题党日."""
    meeting = get_meeting_for_editor(request, pk)
    if meeting.kind not in GUEST_TYPES:
        raise Http404
    invited = [row.person_id for row in meeting.invited.all()]
    # Those who could be invited now, and those invited then who have moved on since (now
    # members, say): re-saving the list must not drop them from the record.
    people = Member.objects.filter(
        Q(branch=meeting.branch, category__in=GUEST_CATEGORIES, status=Status.ACTIVE)
        | Q(pk__in=invited)
    ).order_by("category", "name")
    form = GuestsForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"people": invited},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_guests_set(
                meeting=meeting, people=form.cleaned_data["people"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The invited guests are saved."))
            return redirect("activities:meeting", pk=meeting.pk)
    return render(
        request,
        "activities/meeting_guests.html",
        {"meeting": meeting, "branch": meeting.branch, "form": form},
    )


@login_required
@require_POST
def meeting_review(request, pk):
    meeting = get_meeting_for_reviewer(request, pk)
    services.meeting_review(meeting=meeting, acting_user=request.user)
    messages.success(request, _("The record is marked as reviewed."))
    return redirect("activities:meeting", pk=meeting.pk)


@login_required
def meeting_delete(request, pk):
    meeting = get_meeting_for_editor(request, pk)
    if request.method == "POST":
        branch_id = meeting.branch_id
        try:
            services.meeting_delete(meeting=meeting, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("activities:meeting", pk=meeting.pk)
        messages.success(
            request,
            _("The meeting record is in the recycle bin; the committee can restore it from there."),
        )
        return redirect("activities:meeting_list", pk=branch_id)
    return render(
        request,
        "activities/meeting_delete.html",
        {
            "meeting": meeting,
            "branch": meeting.branch,
            "attendance_count": meeting.attendances.count(),
            "attachment_count": meeting.attachments.count(),
        },
    )


@login_required
@require_POST
def attachment_add(request, pk):
    meeting = get_meeting_for_editor(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(
            meeting=meeting, upload=form.cleaned_data["file"], acting_user=request.user
        )
        messages.success(request, _("The file is attached."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect(reverse("activities:meeting", args=[meeting.pk]) + "#attachments")


@login_required
def attachment_file(request, pk):
    return stored_file_response(get_attachment_for_user(request, pk))


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = get_attachment_for_user(request, pk, edit=True)
    meeting_id = attachment.meeting_id
    services.attachment_remove(attachment=attachment, acting_user=request.user)
    messages.success(request, _("The attachment is removed."))
    return redirect(reverse("activities:meeting", args=[meeting_id]) + "#attachments")


@login_required
def make_up_close(request, pk):
    make_up = get_make_up_for_closer(request, pk)
    meeting = make_up.attendance.meeting
    if not make_up.is_open:
        messages.info(request, _("This make-up study is already closed."))
        return redirect("activities:meeting", pk=meeting.pk)
    form = MakeUpCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.make_up_close(
                make_up=make_up,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s's make-up study is closed.") % {"name": make_up.attendance.member.name},
            )
            return redirect(_safe_next(request) or reverse("activities:meeting", args=[meeting.pk]))
    return render(
        request,
        "activities/make_up_close.html",
        {
            "make_up": make_up,
            "meeting": meeting,
            "branch": meeting.branch,
            "form": form,
            "next": _safe_next(request),
        },
    )


def _safe_next(request) -> str:
    """The `next` address if it stays on this site (Django's own check: it refuses
    `//host`, `/\\host` and other hosts), else the empty string."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    is_local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if is_local else ""


@login_required
def make_up_list(request, pk):
    branch, groups = get_branch_for_meetings(request, pk)
    roles = roles_for(request.user)
    if groups is not None and not groups:
        items = open_make_ups(branch, member=roles.member)
    else:
        items = open_make_ups(branch, groups=groups)
    page = Paginator(items, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/make_up_list.html",
        {
            "branch": branch,
            "page": page,
            "can_close": can_close_make_ups(roles, branch),
            "today": timezone.localdate(),
        },
    )
