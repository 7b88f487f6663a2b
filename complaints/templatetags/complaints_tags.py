"""The complaints card of the archive page (templates/accounts/detail.html), loaded through
this tag until the shell lays out account-page panels from kam.registry."""

from django import template
from django.utils import timezone

from complaints.selectors import account_complaint_counts

register = template.Library()


@register.inclusion_tag("complaints/card.html")
def complaints_card(account, can_edit: bool = False) -> dict:
    """Open complaints and those past their deadline: one query."""
    counts = account_complaint_counts(account, timezone.localdate())
    return {"account": account, "counts": counts, "can_edit": can_edit}
