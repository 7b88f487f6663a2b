"""拜访频次 (§13) as data: seeded with the policy's table, editable by administrators."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.archive import Tier
from kam.roles import Role
from kam.tones import ToneOf
from visits.models.choices import Period, RuleKind

# The policy names who visits: the owner KAM, the sales manager, the three VPs and the GM.
VISITOR_ROLES = [
    (Role.KAM.value, Role.KAM.label),
    (Role.SALES_MANAGER.value, Role.SALES_MANAGER.label),
    (Role.SALES_VP.value, Role.SALES_VP.label),
    (Role.TECH_VP.value, Role.TECH_VP.label),
    (Role.EXEC_VP.value, Role.EXEC_VP.label),
    (Role.GM.value, Role.GM.label),
    ("executive", _("Any executive")),
]


class FrequencyRule(models.Model):
    tier = models.CharField(
        _("tier"),
        max_length=20,
        choices=[(Tier.STRATEGIC, Tier.STRATEGIC.label), (Tier.IMPORTANT, Tier.IMPORTANT.label)],
    )
    tier_tone = ToneOf("tier", Tier)
    kind = models.CharField(
        _("kind"), max_length=20, choices=RuleKind.choices, default=RuleKind.VISIT
    )
    visitor_role = models.CharField(_("who"), max_length=20, choices=VISITOR_ROLES)
    period = models.CharField(_("how often"), max_length=20, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_count = models.PositiveSmallIntegerField(
        _("at most"), null=True, blank=True, help_text=_("Guidance only: more is not a breach.")
    )
    contact_levels = models.CharField(
        _("whom they meet"),
        max_length=200,
        blank=True,
        help_text=_("Contact levels, comma-separated codes."),
    )
    is_active = models.BooleanField(_("in force"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visit frequency rule")
        verbose_name_plural = _("visit frequency rules")
        ordering = ["tier", "kind", "visitor_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "kind", "visitor_role"], name="one_rule_per_tier_kind_role"
            ),
            models.CheckConstraint(
                condition=Q(max_count__isnull=True) | Q(max_count__gte=models.F("min_count")),
                name="rule_max_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return " · ".join(
            [self.get_tier_display(), self.get_visitor_role_display(), self.get_period_display()]
        )
