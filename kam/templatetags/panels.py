"""Rendering what the apps contribute through the registry (kam/registry.py): a panel's own
template with the context its app computed, and the to-do list's urgency colours. The shell's
pages load this library, never an app's."""

from django import template

register = template.Library()

URGENCY_BADGES = {
    "overdue": "text-bg-danger",
    "soon": "text-bg-warning",
    "normal": "text-bg-primary",
    "info": "text-bg-secondary",
}


@register.simple_tag(takes_context=True)
def render_panel(context, panel, data: dict) -> str:
    """`{% render_panel panel data %}`: like `{% include panel.template %}` with `data` added
    to the context (an include's `with` cannot take a whole dict)."""
    tpl = context.template.engine.get_template(panel.template)
    with context.push(data):
        return tpl.render(context)


@register.filter
def urgency_badge(urgency: str) -> str:
    return URGENCY_BADGES.get(urgency, URGENCY_BADGES["normal"])
