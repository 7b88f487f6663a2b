"""The appraisal (绩效考核, SPEC §5): periods, targets, schemes and the scores of a rollup.

A period is scored once its rollup has run; the rows keep each KAM's figures and scores with
the scheme they were computed under, so a later change of the default scheme leaves old
periods alone. Once the sales VP finalises a period nothing about it changes any more.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kam.money import MONEY
from kam.periods import quarter_label, year_label
from kam.tones import ToneOf, toned


class Dimension(models.IntegerChoices):
    """The seven things §18 appraises, numbered as the policy numbers them."""

    SALES = 1, _("Sales target completion")
    NEW_ACCOUNTS = 2, _("New key accounts developed")
    LOST_ACCOUNTS = 3, _("Key accounts lost")
    COLLECTIONS = 4, _("Contract fulfilment and collections")
    RELATIONSHIP = 5, _("Relationship management")
    COMPLAINTS = 6, _("Complaint handling")
    INFORMATION = 7, _("Information management and confidentiality")


# Column heads where the full names do not fit (the overview, the Excel sheet).
SHORT_LABELS = {
    Dimension.SALES: _("Sales"),
    Dimension.NEW_ACCOUNTS: _("New accounts"),
    Dimension.LOST_ACCOUNTS: _("Lost accounts"),
    Dimension.COLLECTIONS: _("Collections"),
    Dimension.RELATIONSHIP: _("Relationship"),
    Dimension.COMPLAINTS: _("Complaints"),
    Dimension.INFORMATION: _("Information"),
}


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


@toned(open="light", scored="info", final="success")
class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Not scored yet")
    SCORED = "scored", _("Scored")
    FINAL = "final", _("Final")


class Scheme(models.Model):
    """Weights and scoring rules of the seven dimensions. The default scheme scores new
    rollups; a scheme that scored a final period is frozen (a copy is edited instead)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default for new rollups"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_scheme",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.periods.filter(status=PeriodStatus.FINAL).exists()


class SchemeDimension(models.Model):
    """One dimension's weight and linear rule: the figure scores 0 at `zero_at` and 100 at
    `full_at`, straight in between (for "lost accounts" zero_at is above full_at)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="dimensions")
    dimension = models.PositiveSmallIntegerField(_("dimension"), choices=Dimension.choices)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    full_at = models.DecimalField(_("full score at"), max_digits=10, decimal_places=2)
    zero_at = models.DecimalField(_("zero score at"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme dimension")
        verbose_name_plural = _("scheme dimensions")
        ordering = ["scheme", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "dimension"], name="one_rule_per_dimension"),
            models.CheckConstraint(
                condition=~models.Q(full_at=models.F("zero_at")), name="rule_has_a_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.get_dimension_display()}"


class Period(models.Model):
    """A quarter (settled at its closing date) or a year (settled before 15 January)."""

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    settle_by = models.DateField(_("settle by"))
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    status_tone = ToneOf("status", PeriodStatus)
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        related_name="periods",
        null=True,
        blank=True,
        verbose_name=_("scheme"),
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    scored_as_of = models.DateField(_("figures as of"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")
        ordering = ["-starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "quarter"], name="one_period"),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(kind="year"),
                name="one_year_period",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="year", quarter__isnull=True)
                | models.Q(kind="quarter", quarter__gte=1, quarter__lte=4),
                name="quarter_only_for_quarters",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return year_label(self.year)
        return quarter_label(self.year, self.quarter)

    @property
    def param(self) -> str:
        return f"{self.year}" if self.kind == PeriodKind.YEAR else f"{self.year}-Q{self.quarter}"

    @property
    def is_final(self) -> bool:
        return self.status == PeriodStatus.FINAL


class Target(models.Model):
    """What a KAM is to achieve in a period (§18 items 1, 2 and 4)."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="targets", verbose_name=_("period")
    )
    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appraisal_targets",
        verbose_name=_("key account manager"),
    )
    sales = models.DecimalField(_("sales target (yuan)"), null=True, blank=True, **MONEY)
    new_accounts = models.PositiveSmallIntegerField(
        _("new key accounts target"), null=True, blank=True
    )
    collections = models.DecimalField(
        _("collections target (yuan)"), null=True, blank=True, **MONEY
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["period", "kam"], name="one_target_per_kam"),
            models.CheckConstraint(
                condition=models.Q(sales__gte=0) | models.Q(sales__isnull=True),
                name="sales_target_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(collections__gte=0) | models.Q(collections__isnull=True),
                name="collections_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.kam}"


class Row(models.Model):
    """One KAM's appraisal in a period: the figures behind it (`figures`, by name), the total
    over the dimensions' scores and the rank. Written by the rollup only."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="rows", verbose_name=_("period")
    )
    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appraisal_rows",
        verbose_name=_("key account manager"),
    )
    team = models.ForeignKey(
        "kam.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    figures = models.JSONField(default=dict, verbose_name=_("figures"))
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)

    class Meta:
        verbose_name = _("appraisal row")
        verbose_name_plural = _("appraisal rows")
        ordering = ["period", "rank", "kam__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kam"], name="one_row_per_kam"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.kam}"


class Score(models.Model):
    """A dimension's figure and score in a row, with the weight it carried. `adjusted` is the
    sales manager's score when she changed it (the reasons are in Adjustment)."""

    row = models.ForeignKey(
        Row, on_delete=models.PROTECT, related_name="scores", verbose_name=_("appraisal row")
    )
    dimension = models.PositiveSmallIntegerField(_("dimension"), choices=Dimension.choices)
    figure = models.DecimalField(_("figure"), max_digits=14, decimal_places=2, null=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    adjusted = models.DecimalField(
        _("adjusted score"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["row", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["row", "dimension"], name="one_score_per_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.row} · {self.get_dimension_display()}"

    @property
    def final(self):
        return self.adjusted if self.adjusted is not None else self.score


class Adjustment(models.Model):
    """A sales manager's change of a score, with her reason. Kept for good: a later change
    adds a row, it never rewrites one."""

    score = models.ForeignKey(
        Score, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("score")
    )
    before = models.DecimalField(_("before"), max_digits=5, decimal_places=1, null=True)
    after = models.DecimalField(
        _("adjusted score"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.score}: {self.before} → {self.after}"


class AccountLine(models.Model):
    """An account's figures in a period, for the details sheet and the links behind a KAM's
    figures; written by the rollup with the rows, frozen with them."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="account_lines")
    account = models.ForeignKey("accounts.KeyAccount", on_delete=models.PROTECT, related_name="+")
    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("account line")
        verbose_name_plural = _("account lines")
        constraints = [
            models.UniqueConstraint(fields=["period", "account"], name="one_line_per_account"),
        ]
        indexes = [models.Index(fields=["period", "kam"])]

    def __str__(self) -> str:
        return f"{self.period} · {self.account_id}"
