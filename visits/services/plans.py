"""Writes on monthly visit plans (月拜访计划表, §14.1): draft → submitted → approved, or
returned with comments (核阅) → revised → resubmitted. Every state change is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Contact, KeyAccount
from accounts.services import sales_vps
from kam import roles
from kam.messages import Message, Month, message
from kam.models import User
from kam.periods import month_label
from kam.services import notify, save_with_history, sign_history
from visits.models import PlanLine, PlanTransition, VisitPlan
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.months import add_months, month_end, month_of, this_month
from visits.selectors.plans import plannable_accounts
from visits.tally import mark_changed

# §14.1 says "each month, next month's plan"; the 25th leaves the VP days to review it.
PLAN_DUE_DAY = 25
MAX_HOURS = Decimal("24")


def plan_due_on(month: dt.date) -> dt.date:
    return add_months(month, -1).replace(day=PLAN_DUE_DAY)


@dataclass
class LineInput:
    """One row of the plan form; `id` None for a new line, `delete` to take a line out."""

    account: KeyAccount | None
    planned_on: dt.date | None
    contact: Contact | None = None
    purposes: list[str] = field(default_factory=list)
    expected_hours: Decimal = Decimal("1.0")
    notes: str = ""
    id: int | None = None
    delete: bool = False


@transaction.atomic
def plan_start(*, kam: User, month: dt.date, by: User) -> VisitPlan:
    """The KAM's plan for a month, created as a draft the first time it is opened."""
    if by.pk != kam.pk or not roles.can_write_plan(by):
        raise PermissionDenied
    month = month_of(month)
    if not this_month() <= month <= add_months(this_month(), 1):
        raise ValidationError(_("Plans are made for this month or next month."))
    plan = VisitPlan.objects.filter(kam=kam, month=month).first()
    if plan is None:
        plan = VisitPlan(kam=kam, month=month, due_on=plan_due_on(month))
        save_with_history(plan, by)
    return plan


def _locked_editable(plan: VisitPlan, by: User) -> VisitPlan:
    plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.kam_id != by.pk or not roles.can_write_plan(by):
        raise PermissionDenied
    if not plan.is_editable:
        raise ValidationError(
            _("This plan is %(status)s and cannot be changed.")
            % {"status": plan.get_status_display()}
        )
    return plan


def _check_line(plan: VisitPlan, row: LineInput, allowed: set[int]) -> None:
    if row.account is None or row.account.pk not in allowed:
        raise ValidationError(_("Choose one of your active key accounts."))
    if row.planned_on is None or not plan.month <= row.planned_on <= month_end(plan.month):
        raise ValidationError(
            _("%(account)s: the planned date must fall in %(month)s (%(first)s – %(last)s).")
            % {
                "account": row.account.name,
                "month": month_label(plan.month),
                "first": plan.month.isoformat(),
                "last": month_end(plan.month).isoformat(),
            }
        )
    if row.contact is not None and row.contact.account_id != row.account.pk:
        raise ValidationError(
            _("%(account)s: the contact must be one of this account's contacts.")
            % {"account": row.account.name}
        )
    if not row.purposes or not set(row.purposes) <= set(Purpose.values):
        raise ValidationError(
            _("%(account)s: choose at least one purpose.") % {"account": row.account.name}
        )
    if not Decimal("0.5") <= row.expected_hours <= MAX_HOURS:
        raise ValidationError(
            _("%(account)s: the expected duration is between 0.5 and 24 hours.")
            % {"account": row.account.name}
        )


@transaction.atomic
def plan_lines_save(*, plan: VisitPlan, by: User, rows: Sequence[LineInput]) -> int:
    """Create, change and take out lines in one go; returns how many lines changed. Lines
    taken out are kept, marked removed: a plan's history shows what was once in it."""
    plan = _locked_editable(plan, by)
    existing = {line.pk: line for line in plan.lines.filter(is_cancelled=False)}
    _check_no_doubles(existing, rows)
    allowed = set(plannable_accounts(plan.kam).values_list("pk", flat=True))
    try:
        # Lines saved one by one may cross a moment where two hold the same day (two lines of
        # one account swapping days); the plan as saved has none, checked above.
        with transaction.atomic():
            return _apply_rows(plan, by, existing, allowed, rows)
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "Two lines of one account cannot swap days in one save: "
                "move one, save, then the other."
            )
        ) from exc


def _check_no_doubles(existing: dict[int, PlanLine], rows: Sequence[LineInput]) -> None:
    """The plan as it will stand must not visit an account twice on one day."""
    final = {pk: (line.account_id, line.planned_on) for pk, line in existing.items()}
    new = []
    for row in rows:
        key = (row.account.pk if row.account else None, row.planned_on)
        if row.delete:
            final.pop(row.id, None)
        elif row.id:
            final[row.id] = key
        else:
            new.append(key)
    seen: set = set()
    for account_id, day in [*final.values(), *new]:
        if account_id is not None and (account_id, day) in seen:
            name = KeyAccount.objects.filter(pk=account_id).values_list("name", flat=True).first()
            raise ValidationError(
                _("%(account)s is planned twice on %(date)s: one visit a day is enough.")
                % {"account": name, "date": day.isoformat()}
            )
        seen.add((account_id, day))


def _apply_rows(plan, by, existing, allowed, rows: Sequence[LineInput]) -> int:
    changed = 0
    touched: set[int] = set()  # accounts whose lines changed, before and after
    # Lines taken out go first, so that a new line may take the day a removed one leaves.
    for row in sorted(rows, key=lambda r: not r.delete):
        line = existing.get(row.id) if row.id else PlanLine(plan=plan)
        if line is None:
            raise ValidationError(_("A line of this plan has changed meanwhile; reload the page."))
        if row.delete:
            if line.pk:
                line.is_cancelled = True
                save_with_history(line, by, update_fields=["is_cancelled"])
                touched.add(line.account_id)
                changed += 1
            continue
        values = _values(row)
        if line.pk and all(getattr(line, k) == v for k, v in values.items()):
            continue  # untouched: kept even if its account has since left the KAM's list
        _check_line(plan, row, allowed)
        touched.add(line.account_id)
        for key, value in values.items():
            setattr(line, key, value)
        save_with_history(line, by)
        touched.add(line.account_id)
        changed += 1
    mark_changed(account_ids=touched)
    return changed


def _values(row: LineInput) -> dict:
    return {
        "account_id": row.account.pk if row.account else None,
        "planned_on": row.planned_on,
        "contact_id": row.contact.pk if row.contact else None,
        "purposes": list(row.purposes),
        "expected_hours": row.expected_hours,
        "notes": row.notes.strip(),
    }


def _same_day_in(month: dt.date, day: dt.date) -> dt.date:
    return min(month.replace(day=1) + dt.timedelta(days=day.day - 1), month_end(month))


COPY_ADD, COPY_REPLACE = "add", "replace"


@transaction.atomic
def plan_copy_previous(*, plan: VisitPlan, by: User, mode: str = COPY_ADD) -> int:
    """Copy last month's lines on the same day of the month (the last day when the month is
    shorter), for accounts the KAM still serves. `add` keeps the plan's lines and adds last
    month's beside them; `replace` takes the plan's lines out first (kept, marked removed).
    Either way an account is never planned twice on one day: a copy run twice adds nothing."""
    if mode not in (COPY_ADD, COPY_REPLACE):
        raise ValidationError(_("Choose whether to add to the plan's lines or replace them."))
    plan = _locked_editable(plan, by)
    source = VisitPlan.objects.filter(kam=plan.kam, month=add_months(plan.month, -1)).first()
    if source is None:
        raise ValidationError(_("There is no plan for last month to copy."))
    allowed = set(plannable_accounts(plan.kam).values_list("pk", flat=True))
    removed = set()
    if mode == COPY_REPLACE:
        for line in plan.lines.filter(is_cancelled=False):
            line.is_cancelled = True
            save_with_history(line, by, update_fields=["is_cancelled"])
            removed.add(line.account_id)
    present = set(plan.lines.filter(is_cancelled=False).values_list("account_id", "planned_on"))
    copied, added = 0, set()
    for old in source.lines.filter(is_cancelled=False, account_id__in=allowed).select_related(
        "contact"
    ):
        day = _same_day_in(plan.month, old.planned_on)
        if (old.account_id, day) in present:
            continue
        contact = old.contact if old.contact and old.contact.is_active else None
        line = PlanLine(
            plan=plan,
            account_id=old.account_id,
            planned_on=day,
            contact=contact,
            purposes=list(old.purposes),
            expected_hours=old.expected_hours,
            notes=old.notes,
        )
        save_with_history(line, by)
        present.add((old.account_id, day))
        copied += 1
        added.add(old.account_id)
    mark_changed(account_ids=added | removed)
    return copied


def _transition(plan: VisitPlan, to: str, by: User, comment: str = "") -> None:
    PlanTransition.objects.create(
        plan=plan, from_status=plan.status, to_status=to, by=by, comment=comment
    )
    plan.status = to
    sign_history(plan, by)  # the caller saves


def submitted_title(plan: VisitPlan, *, resubmitted: bool = False) -> Message:
    """The VP's notice of a submitted plan: one wording for the service and the demo data,
    worded in each reader's language."""
    text = (
        gettext_lazy("%(kam)s resubmitted the visit plan for %(month)s")
        if resubmitted
        else gettext_lazy("%(kam)s submitted the visit plan for %(month)s")
    )
    return message(text, kam=str(plan.kam), month=Month(plan.month))


def returned_title(plan: VisitPlan) -> Message:
    return message(
        gettext_lazy("Your visit plan for %(month)s was returned for revision"),
        month=Month(plan.month),
    )


def plan_url(plan: VisitPlan) -> str:
    return reverse("visits:plan_detail", args=[plan.pk])


@transaction.atomic
def plan_submit(*, plan: VisitPlan, by: User) -> VisitPlan:
    """To the sales VP for review. The first submission decides whether the plan was late."""
    plan = _locked_editable(plan, by)
    if not plan.lines.filter(is_cancelled=False).exists():
        raise ValidationError(_("Add at least one visit before submitting the plan."))
    first = plan.submitted_at is None
    now = timezone.now()
    resubmitted = plan.status == PlanStatus.RETURNED
    _transition(plan, PlanStatus.SUBMITTED, by)
    if first:
        plan.submitted_at = now
        plan.is_late = timezone.localdate(now) > plan.due_on
        # Its lines count from the first submission on; later ones change nothing counted.
        mark_changed(account_ids=plan.lines.values_list("account_id", flat=True))
    plan.save()
    notify(
        recipients=sales_vps(),
        kind="plan_submitted",
        key=f"plan_submitted:{plan.pk}:{plan.transitions.count()}",
        title=submitted_title(plan, resubmitted=resubmitted),
        url=plan_url(plan),
    )
    return plan


def _locked_submitted(plan: VisitPlan, by: User) -> VisitPlan:
    if not roles.can_review_plan(by):
        raise PermissionDenied
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("kam").get(pk=plan.pk)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted plan can be reviewed."))
    return plan


@transaction.atomic
def plan_approve(*, plan: VisitPlan, by: User, comment: str = "") -> VisitPlan:
    plan = _locked_submitted(plan, by)
    _transition(plan, PlanStatus.APPROVED, by, comment.strip())
    _decided(plan, by, comment)
    notify(
        recipients=[plan.kam],
        kind="plan_approved",
        key=f"plan_approved:{plan.pk}:{plan.transitions.count()}",
        title=message(
            gettext_lazy("Your visit plan for %(month)s is approved"), month=Month(plan.month)
        ),
        body=comment.strip(),
        url=plan_url(plan),
    )
    return plan


@transaction.atomic
def plan_return(*, plan: VisitPlan, by: User, comment: str) -> VisitPlan:
    """核阅: back to the KAM with what to change; the comment is what she acts on."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should be changed.")})
    plan = _locked_submitted(plan, by)
    _transition(plan, PlanStatus.RETURNED, by, comment.strip())
    _decided(plan, by, comment)
    notify(
        recipients=[plan.kam],
        kind="plan_returned",
        key=f"plan_returned:{plan.pk}:{plan.transitions.count()}",
        title=returned_title(plan),
        body=comment.strip(),
        url=plan_url(plan),
    )
    return plan


def _decided(plan: VisitPlan, by: User, comment: str) -> None:
    plan.decided_by = by
    plan.decided_at = timezone.now()
    plan.comment = comment.strip()
    plan.save()
