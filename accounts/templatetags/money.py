"""`{{ amount|money }}` and the colours of the receivables charts."""

from django import template

from accounts.aging import money_text
from accounts.charts import TONES

register = template.Library()


@register.filter
def money(value) -> str:
    """1234.5 → 1,234.50 in every language: thousands separators, always two decimals."""
    return money_text(value)


@register.filter
def tone_colour(tone: str) -> str:
    """The chart's colour for a tone, so badges, bars and legends agree."""
    return TONES.get(tone, TONES["secondary"])
