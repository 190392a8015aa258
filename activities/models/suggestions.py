"""The suggestion loop (意见建议, seed 000): a group leader records what the staff of the group
raised, the committee or the school's 党政班子会议 answers it and says what was done, and the
leader tells the committee whether the staff are satisfied.

A suggestion's state is not stored: it is the last step whose date is filled in (答复, 落实,
反馈), and the constraints keep the steps in order. Who recorded each step is in the history.

An anonymous suggestion stores no name: not on the row and, once the flag is set, not in its
history either (`activities.suggestions.services`). The person who raised it is staff,
often not a member, so the name is free text.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Branch, PartyGroup


class SuggestionCategory(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    LOGISTICS = "logistics", _("Logistics")
    MANAGEMENT = "management", _("Management")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class SuggestionState(models.TextChoices):
    """The steps of the loop, in their order."""

    WAITING = "waiting", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    DONE = "done", _("Carried out")
    CLOSED = "closed", _("Feedback given")


# The states before the last: a suggestion in one of them is open (未办结).
OPEN_STATES = (SuggestionState.WAITING, SuggestionState.ANSWERED, SuggestionState.DONE)


class SuggestionQuerySet(models.QuerySet):
    def open(self):
        """Not closed yet: the staff's satisfaction is not recorded."""
        return self.filter(feedback_on__isnull=True)

    def in_state(self, state: str):
        """Filter on a state, which is read from the step dates."""
        return self.filter(
            {
                SuggestionState.WAITING: Q(answered_on__isnull=True),
                SuggestionState.ANSWERED: Q(answered_on__isnull=False, done_on__isnull=True),
                SuggestionState.DONE: Q(done_on__isnull=False, feedback_on__isnull=True),
                SuggestionState.CLOSED: Q(feedback_on__isnull=False),
            }[state]
        )


class Suggestion(models.Model):
    """One suggestion (意见建议) raised by staff, and the steps that answer it."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("branch")
    )
    group = models.ForeignKey(
        PartyGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("party group"),
        help_text=_("The group that raised it; empty for one raised to the branch directly."),
    )
    raised_on = models.DateField(_("raised on"))
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("The name of who raised it is not recorded."),
    )
    raised_by = models.CharField(
        _("raised by"),
        max_length=50,
        blank=True,
        help_text=_("The name of the teacher or staff member, e.g. 王老师."),
    )
    category = models.CharField(
        _("about"),
        max_length=20,
        choices=SuggestionCategory.choices,
        default=SuggestionCategory.TEACHING,
    )
    text = models.TextField(_("suggestion"))

    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.CharField(
        _("answered by"),
        max_length=100,
        blank=True,
        help_text=_("Who decided the answer, e.g. 党政班子会议 or 支委会."),
    )
    improvement = models.TextField(_("what was done"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("staff satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    feedback_on = models.DateField(_("feedback on"), null=True, blank=True)
    feedback_note = models.TextField(
        _("what the staff said"),
        blank=True,
        help_text=_("Optional: what the staff said of the answer and what was done."),
    )

    objects = SuggestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["branch", "raised_on"], name="suggestion_branch_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(anonymous=True) & Q(raised_by=""))
                | (Q(anonymous=False) & ~Q(raised_by="")),
                name="suggestion_named_or_anonymous",
                violation_error_message=_(
                    "Give the name of who raised the suggestion, or mark it anonymous (then "
                    "no name is kept)."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(answered_on__isnull=True) & Q(answer="") & Q(answered_by=""))
                | (Q(answered_on__gte=F("raised_on")) & ~Q(answer="") & ~Q(answered_by="")),
                name="suggestion_answer_complete_and_after_raising",
                violation_error_message=_(
                    "An answer has its text, who gave it and its date, on or after the day "
                    "the suggestion was raised."
                ),
            ),
            # SQL passes a check that is NULL: the earlier step's date is required outright.
            models.CheckConstraint(
                condition=(Q(done_on__isnull=True) & Q(improvement=""))
                | (
                    Q(answered_on__isnull=False)
                    & Q(done_on__gte=F("answered_on"))
                    & ~Q(improvement="")
                ),
                name="suggestion_done_after_answer",
                violation_error_message=_(
                    "What was done has its text and its date, on or after the answer."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(feedback_on__isnull=True) & Q(satisfaction=""))
                | (
                    Q(done_on__isnull=False)
                    & Q(feedback_on__gte=F("done_on"))
                    & ~Q(satisfaction="")
                ),
                name="suggestion_feedback_after_done",
                violation_error_message=_(
                    "The staff's satisfaction has its date, on or after what was done."
                ),
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 30 else self.text[:30] + "…"
        return f"{self.raised_on:%Y-%m-%d} {text}"

    def clean(self):
        if self.group_id and self.branch_id and self.group.branch_id != self.branch_id:
            raise ValidationError({"group": gettext("This group belongs to another branch.")})

    @property
    def state(self) -> str:
        """The last step taken (`SuggestionState`)."""
        if self.feedback_on is not None:
            return SuggestionState.CLOSED
        if self.done_on is not None:
            return SuggestionState.DONE
        if self.answered_on is not None:
            return SuggestionState.ANSWERED
        return SuggestionState.WAITING

    def get_state_display(self) -> str:
        return SuggestionState(self.state).label

    @property
    def is_open(self) -> bool:
        return self.feedback_on is None

    def days_waiting(self, today: datetime.date) -> int:
        """Days since it was raised (an open suggestion's wait)."""
        return (today - self.raised_on).days

    @property
    def days_to_answer(self) -> int | None:
        """Days from raising to answering, once answered."""
        if self.answered_on is None:
            return None
        return (self.answered_on - self.raised_on).days
