from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kam.registry import is_current, registry


def navigation(request):
    """What the navigation bar may show this user: only what they may use. The entries come
    from the apps (kam.registry); the shell names none of their pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.COMPANY_NAME}
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else None
    return {
        "company_name": settings.COMPANY_NAME,
        "menu": registry.menu_for(user, here),
        # The shell's own link, shaped like a menu entry so one partial marks them all.
        "inbox": {
            "key": "inbox",
            "label": _("Inbox"),
            "url": reverse("inbox"),
            "active": is_current(("inbox",), here),
        },
        "search": registry.search_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
