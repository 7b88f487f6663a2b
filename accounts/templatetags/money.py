"""`{{ amount|money }}` and the receivables card of the archive page."""

from django import template
from django.utils import timezone

from accounts.aging import money_text
from accounts.charts import TONES
from accounts.receivables_selectors import account_money

register = template.Library()


@register.filter
def money(value) -> str:
    """1234.5 → 1,234.50 in every language: thousands separators, always two decimals."""
    return money_text(value)


@register.inclusion_tag("accounts/receivables/card.html")
def receivables_card(account, can_edit: bool = False) -> dict:
    """The archive page's summary of receivables and complaints: one query."""
    today = timezone.localdate()
    return {"account": account, "money": account_money(account, today), "can_edit": can_edit}


@register.filter
def tone_colour(tone: str) -> str:
    """The chart's colour for a tone, so badges, bars and legends agree."""
    return TONES.get(tone, TONES["secondary"])
