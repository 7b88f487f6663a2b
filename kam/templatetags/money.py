"""`{{ amount|money }}`: yuan as every app's pages show them."""

from django import template

from kam.money import money_text

register = template.Library()


@register.filter
def money(value) -> str:
    """1234.5 → 1,234.50 in every language: thousands separators, always two decimals."""
    return money_text(value)
