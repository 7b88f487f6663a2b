"""Writes of the appraisal: schemes, targets, adjustments and finalisation. The rollup itself
is in appraisal/rollup.py. A final period refuses every change, here, in its views and in
the admin."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.models import (
    Adjustment,
    Dimension,
    Period,
    PeriodStatus,
    Row,
    Scheme,
    SchemeDimension,
    Score,
    Target,
)
from kam import roles
from kam.models import User
from kam.services import save_with_history


def final_error() -> ValidationError:
    return ValidationError(_("This appraisal is final and can no longer change."))


def period_lock(period: Period) -> Period:
    """The period, locked for the rest of the transaction, refused when it is final."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_final:
        raise final_error()
    return period


# Schemes ------------------------------------------------------------------------------------


def scheme_default() -> Scheme:
    """The scheme new rollups use; made from the shipped defaults the first time."""
    found = Scheme.objects.filter(is_default=True).first()
    if found:
        return found
    with transaction.atomic():
        scheme = Scheme.objects.create(name=_("Standard scheme"), is_default=True)
        SchemeDimension.objects.bulk_create(
            SchemeDimension(scheme=scheme, dimension=d, **vars(rule))
            for d, rule in scoring.DEFAULT_RULES.items()
        )
    return scheme


def scheme_rules(scheme: Scheme) -> dict[int, scoring.Rule]:
    return {
        d.dimension: scoring.Rule(d.weight, d.full_at, d.zero_at) for d in scheme.dimensions.all()
    }


def check_rules(rules: dict[int, scoring.Rule]) -> None:
    errors = []
    if set(rules) != set(Dimension.values):
        errors.append(_("Every one of the seven dimensions needs a rule."))
    if sum((r.weight for r in rules.values()), Decimal(0)) != 100:
        errors.append(_("The weights must add up to 100."))
    if any(r.full_at == r.zero_at for r in rules.values()):
        errors.append(_("A rule's full-score and zero-score figures must differ."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scheme_update(*, scheme: Scheme, by: User, rules: dict[int, scoring.Rule]) -> Scheme:
    if not roles.can_manage_appraisal(by):
        raise PermissionDenied
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.is_frozen:
        raise ValidationError(
            _("This scheme scored a final appraisal and can no longer change; copy it instead.")
        )
    check_rules(rules)
    for dimension in scheme.dimensions.all():
        rule = rules[dimension.dimension]
        dimension.weight, dimension.full_at, dimension.zero_at = (
            rule.weight,
            rule.full_at,
            rule.zero_at,
        )
        save_with_history(dimension, by, reason=_("changed by %(user)s") % {"user": by})
    return scheme


@transaction.atomic
def scheme_copy(*, scheme: Scheme, by: User, name: str) -> Scheme:
    if not roles.can_manage_appraisal(by):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the new scheme a name."))
    if Scheme.objects.filter(name=name).exists():
        raise ValidationError(_("A scheme with this name exists already."))
    copy = Scheme.objects.create(name=name)
    SchemeDimension.objects.bulk_create(
        SchemeDimension(scheme=copy, dimension=d, **vars(rule))
        for d, rule in scheme_rules(scheme).items()
    )
    return copy


@transaction.atomic
def scheme_make_default(*, scheme: Scheme, by: User) -> Scheme:
    if not roles.can_manage_appraisal(by):
        raise PermissionDenied
    Scheme.objects.filter(is_default=True).exclude(pk=scheme.pk).update(is_default=False)
    scheme.is_default = True
    scheme.save(update_fields=["is_default"])
    return scheme


# Targets ------------------------------------------------------------------------------------


@transaction.atomic
def targets_save(*, period: Period, by: User, values: dict[int, scoring.Targets]) -> int:
    """Sets the targets of the KAMs in `values` ({kam id: targets}); returns how many changed."""
    if not roles.can_manage_appraisal(by):
        raise PermissionDenied
    period = period_lock(period)
    existing = {t.kam_id: t for t in Target.objects.filter(period=period)}
    changed = 0
    for kam_id, new in values.items():
        target = existing.get(kam_id) or Target(period=period, kam_id=kam_id)
        old = (target.sales, target.new_accounts, target.collections)
        if target.pk and old == (new.sales, new.new_accounts, new.collections):
            continue
        if not target.pk and new == scoring.Targets():
            continue
        target.sales, target.new_accounts, target.collections = (
            new.sales,
            new.new_accounts,
            new.collections,
        )
        save_with_history(target, by, reason=_("set by %(user)s") % {"user": by})
        changed += 1
    return changed


# Adjustments and finalisation -----------------------------------------------------------------


@transaction.atomic
def score_adjust(*, score: Score, by: User, value: Decimal, reason: str) -> Score:
    """The sales manager changes one score of her team, with a written reason (kept)."""
    score = Score.objects.select_related("row__kam__team", "row__period").get(pk=score.pk)
    period_lock(score.row.period)
    if not roles.can_adjust_score(by, score.row.kam):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write down why you change this score."))
    if value is None or not (0 <= value <= 100):
        raise ValidationError(_("A score lies between 0 and 100."))
    value = Decimal(value).quantize(scoring.TENTH)
    Adjustment.objects.create(score=score, before=score.final, after=value, reason=reason, by=by)
    score.adjusted = value
    score.save(update_fields=["adjusted"])
    totals_refresh(score.row.period)
    return score


def totals_refresh(period: Period) -> None:
    """Every row's total and the ranking, after a score changed: two queries and an update."""
    pairs: dict[int, list] = {}
    for row_id, final, score_, weight in Score.objects.filter(row__period=period).values_list(
        "row_id", "adjusted", "score", "weight"
    ):
        pairs.setdefault(row_id, []).append((final if final is not None else score_, weight))
    totals = {row_id: scoring.total(p) for row_id, p in pairs.items()}
    ranks = scoring.ranks(totals)
    rows = list(Row.objects.filter(period=period).only("pk"))
    for row in rows:
        row.total, row.rank = totals.get(row.pk), ranks.get(row.pk)
    Row.objects.bulk_update(rows, ["total", "rank"], batch_size=1000)


@transaction.atomic
def period_finalise(*, period: Period, by: User) -> Period:
    """The sales VP closes the appraisal: from now on nothing about it changes."""
    if not roles.can_finalise_appraisal(by):
        raise PermissionDenied
    period = period_lock(period)
    if period.status != PeriodStatus.SCORED:
        raise ValidationError(_("Only a scored appraisal can be made final."))
    period.status = PeriodStatus.FINAL
    period.finalised_at = timezone.now()
    period.finalised_by = by
    save_with_history(period, by, reason=_("finalised"))
    return period
