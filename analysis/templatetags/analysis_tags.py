from django import template
from django.utils.translation import gettext as _

from accounts.models.archive import Tier
from analysis.churn import risk_tone

register = template.Library()

CLASS_TONES = {"A": "text-bg-success", "B": "text-bg-info", "C": "text-bg-light border"}


@register.filter
def class_tone(klass: str) -> str:
    return CLASS_TONES.get(klass, "")


@register.filter(name="risk_tone")
def risk_tone_of(score: int) -> str:
    """`text-bg-{{ a.risk|risk_tone }}`: a churn-risk score's tone (analysis.churn.risk_tone)."""
    return risk_tone(score)


@register.simple_tag
def reason_text(reason: dict) -> str:
    """One reason of a tier proposal, as people read it."""
    code = reason.get("code")
    if code == "class":
        return _("Class %(klass)s: %(share)s%% of revenue") % reason
    if code == "criteria":
        return _("%(n)s qualitative criteria ticked") % reason
    if code == "few_criteria":
        return _("only %(n)s qualitative criteria ticked") % reason
    if code == "falling":
        return _("revenue fell %(growth)s%% against the previous period") % reason
    if code == "growing":
        return _("revenue grew %(growth)s%% against the previous period") % reason
    if code == "kam_proposal":
        tiers = dict(Tier.choices)
        return _("proposed by the KAM: %(tier)s") % {"tier": tiers.get(reason.get("tier"), "")}
    return str(code)
