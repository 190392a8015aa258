"""Writes for meetings: recording, attendance, make-up study, review, attachments.

Every function takes `acting_user`, runs in one transaction and leaves a history row for
each change (django-simple-history), so the secretary can later show who changed what.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import (
    COMMITTEE_TYPES,
    GROUP_TYPES,
    GUEST_CATEGORIES,
    GUEST_TYPES,
    Attachment,
    Attendance,
    Election,
    MakeUpStudy,
    Meeting,
    MeetingGuest,
    MeetingType,
    Motion,
    Presence,
    validate_meeting_attachment,
)
from branchsite.audit import audited_bulk_create, audited_delete, audited_save
from branchsite.trash import trash_record
from branchsite.uploads import reencoded, removed_on_failure
from groups.models import CommitteeMembership, GroupMembership
from members.models import PARTY_MEMBER_CATEGORIES, Category, Member, Sanction, Status


@dataclass(frozen=True)
class Absence:
    """An exception to 'everyone present': excused (with a reason) or absent."""

    presence: str
    reason: str = ""


def category_on(member: Member, day: datetime.date) -> str | None:
    """The member's category on `day`: full, probationary, or None if not yet a member."""
    if member.full_member_on and member.full_member_on <= day:
        return Category.FULL
    if member.joined_on and member.joined_on <= day:
        return Category.PROBATIONARY
    if member.category in PARTY_MEMBER_CATEGORIES and not member.joined_on:
        return member.category  # a registry row without dates: trust its category
    return None


def _members_on(day: datetime.date):
    """Members who belonged to a branch on `day`: they had not left, been transferred out or
    been suspended by then (a later change does not rewrite an old attendance list)."""
    left = [Status.TRANSFERRED_OUT, Status.EXITED, Status.DECEASED]
    gone_by_then = Q(status__in=[*left, Status.SUSPENDED], status_since__lte=day) | Q(
        status__in=left, status_since__isnull=True
    )
    return Member.objects.filter(category__in=PARTY_MEMBER_CATEGORIES).exclude(gone_by_then)


def expected_attendees(*, meeting: Meeting) -> list[tuple[Member, str]]:
    """Who should attend (应到) and their category on the day: the group's members on that
    date for a group meeting, the committee for a committee meeting, else every member of
    the branch."""
    day = meeting.held_on
    members = _members_on(day).filter(branch_id=meeting.branch_id)
    if meeting.kind in GROUP_TYPES:
        in_group = GroupMembership.objects.filter(group_id=meeting.group_id, started_on__lte=day)
        in_group = in_group.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        members = members.filter(pk__in=in_group.values("member"))
    elif meeting.kind in COMMITTEE_TYPES:
        # The committee of the day: an old meeting keeps the committee that sat then.
        posts = CommitteeMembership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
            term__branch_id=meeting.branch_id,
            started_on__lte=day,
        )
        members = members.filter(pk__in=posts.values("member"))
    expected = []
    for member in members.order_by("name", "pk"):
        category = category_on(member, day)
        if category is not None:
            expected.append((member, category))
    return expected


def without_rights_on(day: datetime.date, members: Iterable[Member]) -> set[int]:
    """The ids of `members` under 留党察看 on `day`: expected, but not among those who vote."""
    pks = [member.pk for member in members]
    return set(
        Sanction.objects.without_rights(day).filter(member__in=pks).values_list("member", flat=True)
    )


def _attendance_rows(meeting: Meeting, expected: Iterable[tuple[Member, str]]) -> list:
    expected = list(expected)
    no_vote = without_rights_on(meeting.held_on, (member for member, _category in expected))
    return [
        Attendance(
            meeting=meeting, member=member, category=category, without_rights=member.pk in no_vote
        )
        for member, category in expected
    ]


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    acting_user,
    absences: Mapping[int, Absence] | None = None,
    motions: Iterable[Motion] = (),
    photo=None,
) -> Meeting:
    """Save a new meeting with its expected attendees, everyone present except `absences`
    ({member id: Absence}); each absentee owes make-up study. A `photo` (an uploaded
    photo or scan) is attached in the same transaction: if it is refused, no meeting is
    left behind."""
    meeting.created_by = acting_user
    audited_save(meeting, acting_user=acting_user)
    # The list is derived, so valid by construction: one insert for all, with history.
    audited_bulk_create(
        Attendance,
        _attendance_rows(meeting, expected_attendees(meeting=meeting)),
        acting_user=acting_user,
    )
    if absences:
        attendance_set(meeting=meeting, entries=absences, acting_user=acting_user)
    for motion in motions:
        motion.meeting = meeting
        audited_save(motion, acting_user=acting_user)
    if photo:
        attachment_add(meeting=meeting, upload=photo, acting_user=acting_user)
    return meeting


def _mark_changed(meeting: Meeting, acting_user) -> None:
    """A reviewed record stays editable; the change is flagged for the secretary."""
    if meeting.reviewed_at is not None and not meeting.changed_after_review:
        meeting.changed_after_review = True
        audited_save(meeting, acting_user=acting_user)


@transaction.atomic
def meeting_update(*, meeting: Meeting, acting_user) -> Meeting:
    """Save the edited meeting. If its date or group changed, the list of expected
    attendees follows: new members are added as present, those no longer expected leave
    the list (with any make-up study they owed)."""
    before = Meeting.objects.get(pk=meeting.pk)
    if meeting.kind != MeetingType.GENERAL and Election.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            gettext("This general meeting held an election: it stays a general meeting.")
        )
    if meeting.reviewed_at is not None:
        meeting.changed_after_review = True
    audited_save(meeting, acting_user=acting_user)
    if (before.held_on, before.group_id) != (meeting.held_on, meeting.group_id):
        _refill_attendance(meeting, acting_user)
    return meeting


def _refill_attendance(meeting: Meeting, acting_user) -> None:
    expected = {
        row.member_id: row for row in _attendance_rows(meeting, expected_attendees(meeting=meeting))
    }
    for attendance in meeting.attendances.all():
        row = expected.pop(attendance.member_id, None)
        if row is None:
            audited_delete(attendance, acting_user=acting_user)
        elif (attendance.category, attendance.without_rights) != (
            row.category,
            row.without_rights,
        ):
            attendance.category, attendance.without_rights = row.category, row.without_rights
            # From the database: its meeting and member need no second look (two queries).
            audited_save(
                attendance,
                acting_user=acting_user,
                exclude=["meeting", "member"],
                update_fields=["category", "without_rights"],
            )
    audited_bulk_create(Attendance, expected.values(), acting_user=acting_user)


@transaction.atomic
def attendance_set(*, meeting: Meeting, entries: Mapping[int, Absence], acting_user) -> None:
    """Set the attendance of the members in `entries` ({member id: Absence}); an absent or
    excused member owes make-up study, which disappears again (unless already made up) if
    the member is marked present."""
    rows = {row.member_id: row for row in meeting.attendances.select_related("make_up")}
    unknown = set(entries) - set(rows)
    if unknown:
        raise ValidationError(gettext("Some of these people were not expected at the meeting."))
    changed = False
    for member_id, entry in entries.items():
        row = rows[member_id]
        reason = entry.reason.strip() if entry.presence != Presence.PRESENT else ""
        if (row.presence, row.reason) == (entry.presence, reason):
            continue
        row.presence, row.reason = entry.presence, reason
        # The row came from the database: its meeting and member need no second look
        # (which would cost two queries a row); its presence and reason do.
        audited_save(
            row,
            acting_user=acting_user,
            exclude=["meeting", "member"],
            update_fields=["presence", "reason"],
        )
        changed = True
        make_up = getattr(row, "make_up", None)
        if entry.presence == Presence.PRESENT:
            if make_up is not None and make_up.is_open:
                audited_delete(make_up, acting_user=acting_user)
        elif make_up is None:
            # Valid by construction (one per row): its attendance needs no second look.
            audited_save(
                MakeUpStudy(attendance=row), acting_user=acting_user, exclude=["attendance"]
            )
    if changed and meeting.pk:
        _mark_changed(meeting, acting_user)


@transaction.atomic
def attendance_all_present(*, meeting: Meeting, acting_user) -> None:
    """Mark everyone on the list present (the usual case), then change the exceptions."""
    entries = {
        row.member_id: Absence(Presence.PRESENT)
        for row in meeting.attendances.exclude(presence=Presence.PRESENT)
    }
    attendance_set(meeting=meeting, entries=entries, acting_user=acting_user)


@transaction.atomic
def make_up_close(
    *, make_up: MakeUpStudy, done_on: datetime.date, note: str, acting_user
) -> MakeUpStudy:
    """Close a make-up study item with the date it was done and how."""
    meeting_day = make_up.attendance.meeting.held_on
    if done_on < meeting_day:
        raise ValidationError(
            {"done_on": gettext("Make-up study comes after the meeting, not before it.")}
        )
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": gettext("The date cannot be in the future.")})
    make_up.done_on, make_up.note, make_up.closed_by = done_on, note.strip(), acting_user
    audited_save(make_up, acting_user=acting_user)
    return make_up


@transaction.atomic
def meeting_review(*, meeting: Meeting, acting_user) -> Meeting:
    """The secretary's mark that the record was checked (审核). Later edits stay possible
    and flag the record again."""
    meeting.reviewed_at = timezone.now()
    meeting.reviewed_by = acting_user
    meeting.changed_after_review = False
    audited_save(meeting, acting_user=acting_user)
    return meeting


@transaction.atomic
def meeting_motions_save(
    *, meeting: Meeting, saved: list[Motion], deleted: list[Motion], acting_user
) -> None:
    """Save the meeting's new and changed motions and delete the others, with their
    history; a change to a reviewed record flags it."""
    for motion in deleted:
        audited_delete(motion, acting_user=acting_user)
    for motion in saved:
        motion.meeting = meeting
        audited_save(motion, acting_user=acting_user)
    if saved or deleted:
        _mark_changed(meeting, acting_user)


@transaction.atomic
def attachment_add(*, meeting: Meeting, upload, acting_user) -> Attachment:
    """Attach a photo or a scan after checking its size and its real type."""
    content_type = validate_meeting_attachment(upload)
    upload = reencoded(upload)
    attachment = Attachment(
        meeting=meeting,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    with removed_on_failure(attachment.file):
        audited_save(attachment, acting_user=acting_user)
        _mark_changed(meeting, acting_user)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, acting_user) -> None:
    meeting = attachment.meeting
    stored = attachment.file
    audited_delete(attachment, acting_user=acting_user)
    transaction.on_commit(lambda: stored.delete(save=False))
    _mark_changed(meeting, acting_user)


@transaction.atomic
def meeting_delete(*, meeting: Meeting, acting_user) -> None:
    """Delete a meeting with its attendance, make-up study, motions and attachments into the
    branch's recycle bin (branchsite.trash), from which the committee can restore it; the
    history keeps who deleted it. A meeting that held an election stays while the election
    does."""
    if Election.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            gettext("This meeting held an election: delete the election first, then the meeting.")
        )
    trash_record(meeting, branch=meeting.branch, acting_user=acting_user)


@transaction.atomic
def meeting_guests_set(*, meeting: Meeting, people: Iterable[Member], acting_user) -> None:
    """Invite `people` — the branch's applicants, activists and candidates — to a 党课 or a
    主题党日 (seed 002), replacing the list; each keeps the stage they were at when invited.
    They are never expected, present or voting: the attendance and its rates stay the
    members'."""
    if meeting.kind not in GUEST_TYPES:
        raise ValidationError(
            gettext("Applicants and activists are invited to a Party lecture or a themed day.")
        )
    people = {person.pk: person for person in people}
    existing = {row.person_id: row for row in meeting.invited.all()}
    # Someone invited then stays on the list even if their stage has changed since.
    wrong = [
        person.name
        for pk, person in people.items()
        if pk not in existing
        and (person.branch_id != meeting.branch_id or person.category not in GUEST_CATEGORIES)
    ]
    if wrong:
        raise ValidationError(
            gettext("Not an applicant, activist or candidate of this branch: %(names)s.")
            % {"names": "、".join(wrong)}
        )
    changed = False
    for pk, person in people.items():
        if pk not in existing:
            changed = True
            guest = MeetingGuest(meeting=meeting, person=person, category=person.category)
            audited_save(guest, acting_user=acting_user, exclude=["meeting", "person"])
    for pk, row in existing.items():
        if pk not in people:
            changed = True
            audited_delete(row, acting_user=acting_user)
    if changed:
        _mark_changed(meeting, acting_user)
