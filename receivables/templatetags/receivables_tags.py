"""The receivables card of the archive page, and the colours of the aging buckets.

The archive page (templates/accounts/detail.html) loads the card through this tag until the
shell lays out account-page panels from kam.registry."""

from django import template
from django.utils import timezone

from receivables.charts import TONES
from receivables.selectors.account import account_money

register = template.Library()


@register.inclusion_tag("receivables/card.html")
def receivables_card(account, can_edit: bool = False) -> dict:
    """The archive page's summary of receivables: one query."""
    today = timezone.localdate()
    return {"account": account, "money": account_money(account, today), "can_edit": can_edit}


@register.filter
def tone_colour(tone: str) -> str:
    """The chart's colour for a tone, so badges, bars and legends agree."""
    return TONES.get(tone, TONES["secondary"])
