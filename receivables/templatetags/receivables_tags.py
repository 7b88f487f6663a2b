"""The colours of the aging buckets, shared by the receivables pages and charts."""

from django import template

from receivables.charts import TONES

register = template.Library()


@register.filter
def tone_colour(tone: str) -> str:
    """The chart's colour for a tone, so badges, bars and legends agree."""
    return TONES.get(tone, TONES["secondary"])
