from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from analysis import selectors
from analysis.charts import sales_chart
from analysis.models import AccountCriteria
from kam import roles

register = template.Library()

CLASS_TONES = {"A": "text-bg-success", "B": "text-bg-info", "C": "text-bg-light border"}


@register.inclusion_tag("analysis/sales_figures.html", takes_context=True)
def sales_figures(context, account) -> dict:
    """The archive page's sales figures: 24 months invoiced and collected, the share of company
    revenue, and the qualitative criteria (four queries)."""
    figures = selectors.sales_figures(account, timezone.localdate())
    user = context["request"].user
    return {
        "account": account,
        "figures": figures,
        "rows": list(zip(figures.months, figures.invoiced, figures.collected, strict=True)),
        "chart": sales_chart(figures.months, figures.invoiced, figures.collected),
        "criteria": AccountCriteria.objects.filter(account=account).first(),
        "can_edit_criteria": roles.can_edit_criteria(user, account),
    }


@register.filter
def class_tone(klass: str) -> str:
    return CLASS_TONES.get(klass, "")


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
    return str(code)
