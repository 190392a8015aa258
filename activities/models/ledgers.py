"""The branch's standing ledgers of members' work beyond meetings (domain §7): pairings (结对)
with the meetings they held, the hardship ledger (困难党员/教师 帮扶台账) with each help given,
the members' yearly pledges (三个一, 四个一) and their fulfilment, and the posts members hold
(党员责任区, 党员安全责任岗).

How the seeds keep them: seed 001 (三个一: 提一条合理建议, 帮扶一名特（学）困生, 联系一名非党员;
师徒结对 each autumn; 班子成员与困难党员、教师结对子; 党员安全责任岗 by floor, room and time of
day), seed 002 (四个一: 联系一个班级、身边群众、一名入党积极分子、一名学习困难学生; 困难党员台帐),
seed 004 (党员责任区制). The rules that need other tables (who may be paired with an activist,
who gave a help) are checked by `activities.ledgers.services`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from groups.models import Branch
from members.models import Member


def _ordered_dates(start: str, end: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
        violation_error_message=message,
    )


class PeriodQuerySet(models.QuerySet):
    """Records that run from `started_on` to `ended_on` (open while empty)."""

    def active_between(self, start: datetime.date, end: datetime.date):
        """Those running on at least one day of [start, end]: started by its end and not
        ended before its start."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)


# ---------------------------------------------------------------------------------------
# 结对 pairings


class PartnerKind(models.TextChoices):
    """Whom a member is paired with (domain §7; seeds 001 and 002)."""

    PUPIL = "pupil", _("Struggling pupil (学困生)")
    YOUNG_TEACHER = "young_teacher", _("Young teacher (师徒结对)")
    ACTIVIST = "activist", _("Activist (入党积极分子)")
    COLLEAGUE = "colleague", _("Non-member colleague")


class Pairing(models.Model):
    """A member paired (结对) with a pupil, a young teacher, an activist or a colleague, from
    `started_on` until `ended_on` (open while empty). With an activist the member is their
    培养联系人 and the activist is their own record (`partner_member`); the others are named."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="pairings", verbose_name=_("branch")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("member")
    )
    kind = models.CharField(_("paired with"), max_length=20, choices=PartnerKind.choices)
    partner_name = models.CharField(
        _("partner's name"),
        max_length=50,
        blank=True,
        help_text=_("The pupil's, young teacher's or colleague's name."),
    )
    partner_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_pairings",
        verbose_name=_("activist"),
        help_text=_("The activist's own record: the member is their mentor (培养联系人)."),
    )
    pupil_class = models.CharField(
        _("pupil's class"),
        max_length=30,
        blank=True,
        help_text=_("For a pupil, e.g. 三（2）班."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("Empty while the pairing goes on.")
    )
    aim = models.TextField(_("aim"), blank=True, help_text=_("What the pairing is for."))

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "pk"]
        constraints = [
            _ordered_dates(
                "started_on",
                "ended_on",
                "pairing_dates_ordered",
                _("A pairing cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="activist") & Q(partner_member__isnull=False))
                | (~Q(kind="activist") & Q(partner_member__isnull=True) & ~Q(partner_name="")),
                name="pairing_partner_by_kind",
                violation_error_message=_(
                    "Choose the activist for a pairing with an activist; enter the partner's "
                    "name for the others."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="pupil") | Q(pupil_class=""),
                name="pairing_class_for_pupils_only",
                violation_error_message=_("Only a pairing with a pupil has a class."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.partner}"

    @property
    def partner(self) -> str:
        """The partner's name: the activist's record, or the name typed in."""
        if self.partner_member_id:
            return self.partner_member.name
        return self.partner_name

    def clean(self):
        """Keep only the partner fields of the kind (a kind changed on edit leaves no stale
        class or name), and say which field is missing before the constraint would."""
        errors = {}
        if self.kind == PartnerKind.ACTIVIST:
            self.partner_name = ""
            if self.partner_member_id is None:
                errors["partner_member"] = gettext("Choose the activist.")
        elif self.kind:
            self.partner_member = None
            self.partner_name = self.partner_name.strip()
            if not self.partner_name:
                errors["partner_name"] = gettext("Enter the partner's name.")
        if self.kind != PartnerKind.PUPIL:
            self.pupil_class = ""
        if errors:
            raise ValidationError(errors)


class PairingMeeting(models.Model):
    """One meeting a pairing held (a talk, tutoring, a lesson observed): the date and a line
    of what was done, within the pairing's dates."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pairing")
    )
    held_on = models.DateField(_("date"))
    note = models.CharField(
        pgettext_lazy("pairing meeting", "what was done"),
        max_length=200,
        help_text=_("e.g. 听课并交流教学设计."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing meeting")
        verbose_name_plural = _("pairing meetings")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.held_on} {self.note}"

    def clean(self):
        if self.held_on is None or self.pairing_id is None:
            return
        pairing = self.pairing
        if self.held_on < pairing.started_on or (
            pairing.ended_on is not None and self.held_on > pairing.ended_on
        ):
            raise ValidationError(
                {"held_on": gettext("The meeting must fall within the pairing's dates.")}
            )


# ---------------------------------------------------------------------------------------
# 困难党员/教师 帮扶台账 the hardship ledger


class HardshipCaseQuerySet(models.QuerySet):
    def open_between(self, start: datetime.date, end: datetime.date):
        """Cases open on at least one day of [start, end]."""
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start), opened_on__lte=end)


class HardshipCase(models.Model):
    """A member or a teacher who is not a member in difficulty (illness, a family's
    hardship), from `opened_on` until the case is closed; the helps given are its rows.
    Personal: the committee's only (seed 002 建立困难党员台帐; seed 001 建立困难职工档案)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="hardship_cases", verbose_name=_("branch")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hardship_cases",
        verbose_name=_("member"),
        help_text=_("A member of the branch; leave empty for a teacher who is not a member."),
    )
    person_name = models.CharField(
        _("teacher's name"),
        max_length=50,
        blank=True,
        help_text=_("A teacher who is not a member, by name."),
    )
    difficulty = models.TextField(_("difficulty"))
    opened_on = models.DateField(_("case opened on"))
    closed_on = models.DateField(
        _("case closed on"), null=True, blank=True, help_text=_("Empty while help goes on.")
    )

    objects = HardshipCaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hardship case")
        verbose_name_plural = _("hardship cases")
        ordering = ["-opened_on", "pk"]
        constraints = [
            _ordered_dates(
                "opened_on",
                "closed_on",
                "hardship_case_dates_ordered",
                _("A case cannot be closed before it is opened."),
            ),
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(person_name=""))
                | (Q(member__isnull=True) & ~Q(person_name="")),
                name="hardship_case_one_person",
                violation_error_message=_(
                    "Choose the member, or enter the name of a teacher who is not a member."
                ),
            ),
        ]

    def __str__(self):
        return self.person

    @property
    def person(self) -> str:
        return self.member.name if self.member_id else self.person_name

    def clean(self):
        self.person_name = self.person_name.strip()
        if self.member_id is not None and self.person_name:
            raise ValidationError(
                {"person_name": gettext("Choose the member or enter a teacher's name, not both.")}
            )


class HardshipHelp(models.Model):
    """One help given to a case: when, what, the money or the value of goods to the fen
    (0 for help without money), and who from the branch gave it."""

    case = models.ForeignKey(
        HardshipCase, on_delete=models.CASCADE, related_name="helps", verbose_name=_("case")
    )
    given_on = models.DateField(_("date"))
    what = models.CharField(_("help given"), max_length=200, help_text=_("e.g. 看望并送去慰问金."))
    amount = models.DecimalField(
        _("money or goods (元)"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Cash and the value of goods, to the fen; 0 for help without money."),
    )
    givers = models.ManyToManyField(
        Member, related_name="hardship_helps_given", verbose_name=_("given by")
    )

    history = HistoricalRecords(m2m_fields=[givers])

    class Meta:
        verbose_name = _("hardship help")
        verbose_name_plural = _("hardship helps")
        ordering = ["given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="hardship_help_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.given_on} {self.what}"

    def clean(self):
        if self.given_on is None or self.case_id is None:
            return
        case = self.case
        if self.given_on < case.opened_on or (
            case.closed_on is not None and self.given_on > case.closed_on
        ):
            raise ValidationError(
                {"given_on": gettext("The help must fall within the case's dates.")}
            )


# ---------------------------------------------------------------------------------------
# 三个一 / 四个一 pledges


class PledgeKind(models.TextChoices):
    THREE_ONES = "three_ones", _("三个一")
    FOUR_ONES = "four_ones", _("四个一")
    OTHER = "other", _("Other pledge")


# The usual promises of each kind, filled in as a start and edited freely: seed 001 (三个一)
# and seed 002 (四个一), one promise a line.
USUAL_PROMISES = {
    PledgeKind.THREE_ONES: "提一条合理建议\n帮扶一名特（学）困生\n联系一名非党员",
    PledgeKind.FOUR_ONES: "联系一个班级\n联系身边群众\n联系一名入党积极分子\n联系一名学习困难学生",
}


class Fulfilment(models.TextChoices):
    DONE = "done", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT_DONE = "not_done", _("Not fulfilled")


class Pledge(models.Model):
    """A member's pledge of one kind for one year (承诺), and how it was kept: the member's
    or leader's account (`fulfilment`) and the committee's review (`outcome`, `reviewed_on`).
    One pledge per member, kind and year."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("branch")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    kind = models.CharField(_("kind of pledge"), max_length=20, choices=PledgeKind.choices)
    promises = models.TextField(_("promises"), help_text=_("One promise a line."))
    fulfilment = models.TextField(
        _("fulfilment"), blank=True, help_text=_("What was done for each promise.")
    )
    outcome = models.CharField(_("review"), max_length=20, choices=Fulfilment.choices, blank=True)
    reviewed_on = models.DateField(
        _("reviewed on"), null=True, blank=True, help_text=_("When the committee reviewed it.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-year", "member__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "year"],
                name="pledge_once_per_member_kind_year",
                violation_error_message=_(
                    "This member already has a pledge of this kind for this year."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(reviewed_on__isnull=True))
                | (~Q(outcome="") & Q(reviewed_on__isnull=False)),
                name="pledge_review_has_date",
                violation_error_message=_("A review has its outcome and its date."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.year} · {self.get_kind_display()}"

    @property
    def promise_lines(self) -> list[str]:
        return [line.strip() for line in self.promises.splitlines() if line.strip()]

    def clean(self):
        if self.reviewed_on and self.year and self.reviewed_on.year < self.year:
            raise ValidationError(
                {"reviewed_on": gettext("A pledge is reviewed in its year or after it.")}
            )


# ---------------------------------------------------------------------------------------
# 党员责任区 / 党员安全责任岗 posts


class PostKind(models.TextChoices):
    AREA = "area", _("Area of responsibility (党员责任区)")
    SAFETY = "safety", _("Safety post (党员安全责任岗)")


class DutyPost(models.Model):
    """A member's area of responsibility (党员责任区: a grade, an office, seed 004) or safety
    post (党员安全责任岗: a floor, a room, a time of day, seed 001), for a term."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="duty_posts", verbose_name=_("branch")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="duty_posts", verbose_name=_("member")
    )
    kind = models.CharField(_("kind of post"), max_length=20, choices=PostKind.choices)
    place = models.CharField(
        _("place"),
        max_length=100,
        help_text=_("A floor, room, grade or office, e.g. 二楼东侧走廊."),
    )
    time_slot = models.CharField(
        _("time slot"),
        max_length=50,
        blank=True,
        help_text=_("For a safety post, e.g. 早晨 7:30–7:50, 午间, 放学."),
    )
    duties = models.TextField(_("duties"), blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while held."))

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["kind", "place", "pk"]
        constraints = [
            _ordered_dates(
                "started_on",
                "ended_on",
                "duty_post_dates_ordered",
                _("A post cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()} · {self.place}"
