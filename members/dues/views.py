"""党费 pages: the branch's year (the committee and viewers; a leader for their groups), the
month's collection from a phone (the committee; a leader for their groups), and a member's
base, back payments, special dues, reductions (少交、免交) and reasons for arrears (the
committee). Access: members.access; reads: members.dues.selectors; writes:
members.dues.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from groups.access import roles_for
from members.access import (
    get_dues_for_collector,
    get_dues_for_reader,
    get_dues_reduction_for_manager,
    get_member_for_manager,
)
from members.dues import services
from members.dues.forms import (
    CollectionChoiceForm,
    CollectionForm,
    DuesArrearsReasonForm,
    DuesBasisForm,
    DuesFilterForm,
    DuesPayForm,
    DuesReductionForm,
    SpecialDuesForm,
    month_label,
)
from members.dues.ledger import first_of
from members.dues.selectors import (
    dues_members,
    dues_year,
    member_dues,
    month_collection,
    payable_months,
)
from members.models import DuesCategory, Employment, Member


def _dues_url(branch_pk: int, **query) -> str:
    query = {key: value for key, value in query.items() if value}
    url = reverse("dues:branch", args=[branch_pk])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def branch_dues_page(request, pk):
    branch, allowed = get_dues_for_reader(request, pk)
    roles = roles_for(request.user)
    today = timezone.localdate()
    form = DuesFilterForm(request.GET or None, branch=branch, groups=allowed)
    year, groups, group = form.values()
    year = min(year, today.year)
    ledger = dues_year(dues_members(branch, groups), year=year, today=today)
    return render(
        request,
        "dues/branch_dues.html",
        {
            "branch": branch,
            "form": form,
            "ledger": ledger,
            "year": year,
            "group": group,
            "previous_url": _dues_url(branch.pk, year=year - 1, group=group and group.pk),
            "next_url": (
                _dues_url(branch.pk, year=year + 1, group=group and group.pk)
                if year < today.year
                else None
            ),
            "limited_to_groups": allowed is not None,
            "can_manage": roles.can_manage_branch(branch.pk),
            "can_collect": (
                roles.can_manage_branch(branch.pk) or bool(roles.led_groups_in(branch.pk))
            ),
            "today": today,
        },
    )


@login_required
def collect(request, pk):
    branch, allowed = get_dues_for_collector(request, pk)
    today = timezone.localdate()
    posted = request.method == "POST"
    choice = CollectionChoiceForm(
        request.POST if posted else request.GET or None,
        branch=branch,
        groups=allowed,
        posted=posted,
    )
    _year, groups, group = choice.values()
    month = choice.chosen_month()
    collection = month_collection(dues_members(branch, groups), month=month, today=today)
    form = CollectionForm(
        request.POST if posted else None,
        rows=collection.rows,
        initial={"paid_on": today},
    )
    # Both forms must hold: a month or group refused is never replaced by another on saving.
    if posted and choice.is_valid() and form.is_valid():
        try:
            payments = services.dues_collect(
                members=collection.members,
                month=month,
                paid_on=form.cleaned_data["paid_on"],
                acting_user=request.user,
                not_paid=form.ids("not_paid"),
                by_proxy=form.ids("by_proxy"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(count)s members' dues for %(month)s are recorded.")
                % {"count": len(payments), "month": month_label(month)},
            )
            return redirect(_dues_url(branch.pk, year=month.year, group=group and group.pk))
    return render(
        request,
        "dues/collect.html",
        {
            "branch": branch,
            "choice": choice,
            "form": form,
            "collection": collection,
            "month": month,
            "group": group,
            "can_manage": roles_for(request.user).can_manage_branch(branch.pk),
        },
    )


def _member_page(member: Member) -> str:
    return reverse("members:member_detail", args=[member.pk]) + "#dues"


def _render_member_form(request, member, form, title, *, warning=""):
    return render(
        request,
        "dues/member_form.html",
        {
            "member": member,
            "branch": member.branch,
            "form": form,
            "title": title,
            "warning": warning,
        },
    )


@login_required
def basis_set(request, pk):
    member = get_member_for_manager(request, pk)
    latest = member.dues_bases.order_by("-starts_on").first()
    initial = {
        "category": latest.category if latest else _category_of(member),
        "monthly_base": latest.monthly_base if latest else None,
        "fixed_amount": latest.fixed_amount if latest else None,
        "starts_on": first_of(timezone.localdate()),
    }
    form = DuesBasisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_basis_set(
                member=member,
                category=form.cleaned_data["category"],
                monthly_base=form.cleaned_data["monthly_base"],
                fixed_amount=form.cleaned_data["fixed_amount"],
                starts_on=form.cleaned_data["starts_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s's dues base is set.") % {"name": member.name})
            return redirect(_member_page(member))
    return _render_member_form(request, member, form, _("Set the dues base"))


def _category_of(member: Member) -> str:
    if member.employment == Employment.RETIRED:
        return DuesCategory.RETIRED
    return DuesCategory.IN_SERVICE


@login_required
def pay(request, pk):
    member = get_member_for_manager(request, pk)
    dues = member_dues(member, today=timezone.localdate())
    if not dues.bases:
        messages.warning(
            request, _("%(name)s has no dues base yet: set it first.") % {"name": member.name}
        )
        return redirect("dues:basis", pk=member.pk)
    months = payable_months(dues)
    form = DuesPayForm(
        request.POST or None,
        months=months,
        amounts={month: dues.amount_for(month) for month in months},
        initial={"paid_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            payments = services.dues_pay(
                member=member,
                months=form.chosen_months(),
                paid_on=form.cleaned_data["paid_on"],
                by_proxy=form.cleaned_data["by_proxy"],
                with_consent=form.cleaned_data["with_consent"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s's dues for %(count)s months are recorded.")
                % {"name": member.name, "count": len(payments)},
            )
            return redirect(_member_page(member))
    warning = "" if months else _("Nothing to pay: every month up to a quarter ahead is paid.")
    return _render_member_form(
        request, member, form, _("Record a back payment or a quarter ahead"), warning=warning
    )


@login_required
def special(request, pk):
    member = get_member_for_manager(request, pk)
    form = SpecialDuesForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.special_dues_record(
                member=member,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                purpose=form.cleaned_data["purpose"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s's special dues are recorded.") % {"name": member.name}
            )
            return redirect(_member_page(member))
    return _render_member_form(
        request,
        member,
        form,
        _("Record special dues"),
        warning=_("Special dues (特殊党费) are voluntary and never count as regular dues."),
    )


def _reduction_page(request, member, form, reduction=None):
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_reduction_record(
                member=member,
                reduction=reduction,
                acting_user=request.user,
                **{name: form.cleaned_data[name] for name in DuesReductionForm.Meta.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s's dues reduction is recorded.") % {"name": member.name}
            )
            return redirect(_member_page(member))
    return _render_member_form(
        request,
        member,
        form,
        _("Reduce or waive the dues"),
        warning=_(
            "党员交纳党费确有困难的，经党支部研究并报上一级党委批准，可以少交或者免交党费; for a "
            "retired member in real hardship, the branch's agreement is enough. An amount of 0 "
            "waives the dues: those months need no payment."
        ),
    )


@login_required
def reduction_add(request, pk):
    member = get_member_for_manager(request, pk)
    form = DuesReductionForm(
        request.POST or None, initial={"starts_on": first_of(timezone.localdate())}
    )
    return _reduction_page(request, member, form)


@login_required
def reduction_edit(request, pk):
    reduction = get_dues_reduction_for_manager(request, pk)
    initial = {name: getattr(reduction, name) for name in DuesReductionForm.Meta.fields}
    form = DuesReductionForm(request.POST or None, initial=initial)
    return _reduction_page(request, reduction.member, form, reduction)


@login_required
def arrears_reason(request, pk):
    member = get_member_for_manager(request, pk)
    dues = member_dues(member, today=timezone.localdate())
    start = dues.unpaid_months[-dues.months_behind] if dues.months_behind else None
    form = DuesArrearsReasonForm(
        request.POST or None, initial={"starts_on": start or first_of(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_arrears_reason_record(
                member=member,
                starts_on=form.cleaned_data["starts_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The reason for %(name)s's dues arrears is recorded.") % {"name": member.name},
            )
            return redirect(_member_page(member))
    return _render_member_form(
        request,
        member,
        form,
        _("Record a reason for the arrears"),
        warning=_(
            "A reason the committee accepts (illness, abroad, a hardship being processed) keeps "
            "the months behind from then on out of the six that, without a proper reason, are "
            "treated as leaving the Party, and lets them be paid back beyond 6 months. The "
            "months stay unpaid until paid."
        ),
    )
