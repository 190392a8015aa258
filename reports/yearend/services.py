"""Writes of the year-end documents: open one (its first version is the draft), save a new
version of its text, restore an old one. Every write is a new version with who and when;
nothing is overwritten, so no edit is lost and every earlier text can come back."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from branchsite.users import display_name
from reports.models import DocumentKind, DocumentVersion, YearDocument
from reports.yearend.drafts import draft_sections
from reports.yearend.text import Section, normalise

TITLE_MAX = 200
SECTION_MAX = 20_000  # characters of one section's text: some pages of a document


def default_title(document: YearDocument) -> str:
    owner = document.group.name if document.group_id else document.branch.name
    return _("%(owner)s %(year)s %(document)s") % {
        "owner": owner,
        "year": f"{document.year}年",
        "document": document.get_kind_display(),
    }


@transaction.atomic
def document_open(*, branch, kind: str, year: int, group=None, acting_user) -> YearDocument:
    """The document, created with the draft as its first version if it did not exist."""
    document = YearDocument.objects.filter(branch=branch, group=group, kind=kind, year=year).first()
    if document is not None:
        return document
    document = YearDocument(branch=branch, group=group, kind=kind, year=year)
    document.full_clean()
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:  # opened by someone else a moment ago
        return YearDocument.objects.get(branch=branch, group=group, kind=kind, year=year)
    DocumentVersion.objects.create(
        document=document,
        number=1,
        title=default_title(document),
        sections=first_sections(document),
        saved_by=acting_user,
    )
    return document


def first_sections(document: YearDocument) -> list[dict]:
    """The text a new document starts from: a plan starts from last year's plan when
    there is one (most of a school's plan carries over), anything else from the draft."""
    if document.kind == DocumentKind.PLAN:
        last_year = YearDocument.objects.filter(
            branch=document.branch_id,
            group=document.group_id,
            kind=document.kind,
            year=document.year - 1,
        ).first()
        if last_year is not None:
            return list(latest_version(last_year).sections)
    draft = f"group_{document.kind}" if document.group_id else document.kind
    return [section.as_json() for section in draft_sections(draft)]


def latest_version(document: YearDocument) -> DocumentVersion:
    return document.versions.order_by("-number").select_related("saved_by").first()


def _validated(title: str, sections: list[Section]) -> tuple[str, list[dict]]:
    title = " ".join(title.split())
    errors = {}
    if not title:
        errors["title"] = _("The document needs a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title is too long (at most %(max)s characters).") % {
            "max": TITLE_MAX
        }
    for section in sections:
        if len(section.text) > SECTION_MAX:
            errors[section.key] = _("This section is too long (at most %(max)s characters).") % {
                "max": SECTION_MAX
            }
    if errors:
        raise ValidationError(errors)
    return title, [
        Section(section.key, " ".join(section.heading.split()), normalise(section.text)).as_json()
        for section in sections
    ]


@transaction.atomic
def document_save(
    *, document: YearDocument, title: str, sections: list[Section], based_on: int, acting_user
) -> DocumentVersion:
    """A new version with this text, if it differs from the latest. `based_on` is the
    version the editor started from: if someone saved since, the save is refused rather
    than overwriting their text (the editor shows both)."""
    locked = YearDocument.objects.select_for_update().get(pk=document.pk)
    latest = latest_version(locked)
    if latest.number != based_on:
        raise ValidationError(
            _(
                "Version %(number)s was saved by %(user)s while you were editing. Your text "
                "is still in the form: copy what you need, then reload to see theirs."
            )
            % {"number": latest.number, "user": display_name(latest.saved_by, nobody=_("someone"))},
            code="stale",
        )
    title, data = _validated(title, sections)
    if title == latest.title and data == latest.sections:
        return latest
    return DocumentVersion.objects.create(
        document=locked, number=latest.number + 1, title=title, sections=data, saved_by=acting_user
    )


@transaction.atomic
def document_restore(*, document: YearDocument, number: int, acting_user) -> DocumentVersion:
    """A new version with the text of version `number`."""
    locked = YearDocument.objects.select_for_update().get(pk=document.pk)
    old = locked.versions.filter(number=number).first()
    if old is None:
        raise ValidationError(_("There is no version %(number)s.") % {"number": number})
    latest = latest_version(locked)
    return DocumentVersion.objects.create(
        document=locked,
        number=latest.number + 1,
        title=old.title,
        sections=old.sections,
        saved_by=acting_user,
        restored_from=old.number,
    )
