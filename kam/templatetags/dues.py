"""`{% due_text item.due_on today %}` and `{{ item.due_on|due_state:today }}`: deadlines worded
at display time (kam/dues.py), for the to-do list, the inbox and any app's page."""

from django import template

from kam import dues

register = template.Library()


@register.simple_tag
def due_text(due_on, today) -> str:
    return dues.due_text(due_on, today)


@register.filter
def due_state(due_on, today) -> str:
    """ "overdue", "soon", "normal", or "" without a deadline (for CSS and tests)."""
    return dues.urgency_for(due_on, today) if due_on else ""
