"""`{% phone_link number %}`: a phone number that a phone can dial with one tap (tel:).

People type numbers the way they read them: "0510-8189 4459", "138 1234 5678", two numbers
"0510-81894459 / 0510-82966838", an extension "0510-81894459转8021". The link dials the first
number; an extension follows a pause (",") so the phone dials it after the switchboard
answers. The text shown is what was typed.
"""

import re

from django import template
from django.utils.html import format_html

register = template.Library()

_SEPARATORS = re.compile(r"[/,，;；、]| or |或")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(\d+)\s*$", re.IGNORECASE)


def tel_href(number: str) -> str:
    """The `tel:` URI for the first number in `number`, or "" when there is none."""
    first = _SEPARATORS.split(number or "", maxsplit=1)[0].strip()
    extension = ""
    match = _EXTENSION.search(first)
    if match:
        extension, first = match.group(1), first[: match.start()]
    digits = re.sub(r"[^\d+]", "", first)
    digits = digits[:1] + digits[1:].replace("+", "")  # a plus only in front
    if len(digits.lstrip("+")) < 3:
        return ""
    return f"tel:{digits}" + (f",{extension}" if extension else "")


@register.simple_tag
def phone_link(number: str, css: str = "tel-link"):
    href = tel_href(number)
    if not href:
        return number or ""
    return format_html('<a class="{}" href="{}">{}</a>', css, href, number)
