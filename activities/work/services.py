"""Writes to the branch's other work: save an activity with its participants, delete it.
Each validates, saves in one transaction and records who acted (the audit history)."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from activities.models import (
    HOURS_KINDS,
    KIND_FIELDS,
    KIND_REQUIRED,
    Activity,
    ActivityKind,
    ActivityParticipant,
    ActivityPhoto,
    validate_meeting_attachment,
)
from branchsite.audit import audited_delete, audited_save
from branchsite.trash import trash_record
from branchsite.uploads import reencoded, removed_on_failure
from members.models import Member

# What a field of another kind is reset to, so a row holds only its own kind's values.
EMPTY = {
    "number": 1,
    "problems_solved": 0,
    "amount": Decimal("0.00"),
    "home_visit_reason": None,
    "hours": None,
}
KIND_SPECIFIC = sorted({name for fields in KIND_FIELDS.values() for name in fields})


def _missing(activity: Activity, name: str) -> bool:
    value = getattr(activity, name)
    return value in (None, "") or (name == "number" and value < 1)


def _problems(activity: Activity, participants: Mapping[Member, Decimal | None]) -> dict:
    problems: dict[str, str] = {}
    if activity.held_on and activity.held_on > timezone.localdate():
        problems["held_on"] = gettext("The date cannot be in the future.")
    if not activity.title.strip():
        problems["title"] = gettext("Give the activity a title.")
    for name in KIND_REQUIRED[activity.kind]:
        if _missing(activity, name):
            problems[name] = gettext("This is needed for this kind of activity.")
    if activity.group_id and activity.group.branch_id != activity.branch_id:
        problems["group"] = gettext("The group is not one of this branch's.")
    if activity.owner_id and activity.owner.branch_id != activity.branch_id:
        problems["owner"] = gettext("The member in charge is not on this branch's roll.")
    reason = activity.home_visit_reason
    if reason is not None and reason.branch_id not in (None, activity.branch_id):
        problems["home_visit_reason"] = gettext("The reason is not on this branch's list.")
    outsiders = [member.name for member in participants if member.branch_id != activity.branch_id]
    if outsiders:
        problems["participants"] = gettext("Not on this branch's roll: %(names)s.") % {
            "names": "、".join(outsiders)
        }
    return problems


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    participants: Mapping[Member, Decimal | None] | None = None,
    photo=None,
    acting_user,
) -> Activity:
    """Save `activity` (new or changed) and, when given, its participants ({member: hours},
    hours None where the activity's hours apply), and a `photo` if one is uploaded. The
    fields of other kinds are emptied; a talk keeps no participants but the one in charge,
    and no photo."""
    participants = dict(participants or {})
    if activity.kind == ActivityKind.TALK:
        participants = {}
    if activity.kind not in HOURS_KINDS:
        participants = dict.fromkeys(participants)
    for name in KIND_SPECIFIC:
        if name not in KIND_FIELDS[activity.kind]:
            setattr(activity, name, EMPTY.get(name, ""))
    activity.title = activity.title.strip()
    problems = _problems(activity, participants)
    if problems:
        raise ValidationError(problems)
    if activity.pk is None:
        activity.created_by = acting_user
    audited_save(activity, acting_user=acting_user, exclude=["branch", "group", "owner"])
    existing = {row.member_id: row for row in activity.participants.all()}
    for member, hours in participants.items():
        row = existing.pop(member.pk, None) or ActivityParticipant(activity=activity, member=member)
        if row.pk and row.hours == hours:
            continue
        row.hours = hours
        audited_save(row, acting_user=acting_user, exclude=["activity", "member"])
    for row in existing.values():
        audited_delete(row, acting_user=acting_user)
    if photo is not None and activity.kind != ActivityKind.TALK:
        activity_photo_add(activity=activity, upload=photo, acting_user=acting_user)
    return activity


@transaction.atomic
def activity_photo_add(*, activity: Activity, upload, acting_user) -> ActivityPhoto:
    """Keep a photo of the activity after checking its size and its real type."""
    content_type = validate_meeting_attachment(upload)
    upload = reencoded(upload)
    photo = ActivityPhoto(
        activity=activity,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    photo.file.save(upload.name, upload, save=False)
    with removed_on_failure(photo.file):
        audited_save(photo, acting_user=acting_user, exclude=["activity"])
    return photo


@transaction.atomic
def activity_photo_remove(*, photo: ActivityPhoto, acting_user) -> None:
    """Remove a photo; the history keeps the record, the stored file goes once committed."""
    stored = photo.file
    audited_delete(photo, acting_user=acting_user)
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def activity_delete(*, activity: Activity, acting_user) -> None:
    """Delete an activity with its participants and photos into the branch's recycle bin
    (branchsite.trash), from which the committee can restore it."""
    label = f"{activity.held_on:%Y-%m-%d} {activity.get_kind_display()}：{activity.title}"
    trash_record(activity, branch=activity.branch, acting_user=acting_user, label=label)
