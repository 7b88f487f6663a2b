from django.conf import settings

from kam.registry import registry


def navigation(request):
    """What the navigation bar may show this user: only what they may use. The entries come
    from the apps (kam.registry); the shell names none of their pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.COMPANY_NAME}
    match = getattr(request, "resolver_match", None)
    return {
        "company_name": settings.COMPANY_NAME,
        "menu": registry.menu_for(user, match.view_name if match else None),
        "search": registry.search_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
