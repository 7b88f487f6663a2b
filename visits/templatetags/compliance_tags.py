"""Cells of the compliance dashboard: a share as a coloured percentage with its counts."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models.archive import ContactLevel
from visits.models.choices import Period, RuleKind
from visits.models.rules import VISITOR_ROLES
from visits.selectors.plans import FESTIVAL_NAMES

register = template.Library()

# The policy sets no targets: green from 90 %, amber from 70 %, red below.
GOOD, FAIR = 90, 70


def tone(pct: int) -> str:
    return "success" if pct >= GOOD else "warning" if pct >= FAIR else "danger"


@register.simple_tag
def ratio(part: int, whole: int, counts: bool = True):
    """83 % (10/12); a dash when nothing was due."""
    if not whole:
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    pct = round(100 * part / whole)
    html = format_html(
        '<span class="ratio text-{}-emphasis fw-semibold">{}%</span>', tone(pct), pct
    )
    if not counts:
        return html
    return format_html(
        '{}<small class="d-block text-body-secondary text-nowrap">{} / {}</small>',
        html,
        number_format(part, force_grouping=True),
        number_format(whole, force_grouping=True),
    )


@register.filter
def pct_tone(pct: int | None) -> str:
    return "secondary" if pct is None else tone(pct)


@register.filter
def label_of(labels: dict, value: str) -> str:
    return labels.get(value, value)


@register.filter
def festival_name(festival: str) -> str:
    """The festival a window is named after: "spring_festival" → 春节."""
    return str(FESTIVAL_NAMES.get(festival, festival))


@register.filter
def rule_who(rule) -> str:
    """Who owes the visits: a FrequencyRule row or a rules.Rule."""
    return str(dict(VISITOR_ROLES).get(rule.visitor_role, rule.visitor_role))


@register.filter
def rule_what(rule) -> str:
    """'Visit · 1–2 every month', 'Calendar and greeting card · 1 at year end'."""
    count = f"{rule.min_count}–{rule.max_count}" if rule.max_count else f"{rule.min_count}"
    kind = dict(RuleKind.choices).get(rule.kind, rule.kind)
    period = dict(Period.choices).get(rule.period, rule.period)
    return _("%(kind)s · %(count)s %(period)s") % {"kind": kind, "count": count, "period": period}


@register.filter
def rule_levels(rule) -> str:
    """The contact levels a rule names, in words."""
    labels = dict(ContactLevel.choices)
    codes = [c.strip() for c in (rule.contact_levels or "").split(",") if c.strip()]
    return " / ".join(str(labels.get(code, code)) for code in codes)
