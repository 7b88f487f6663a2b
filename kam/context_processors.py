from django.conf import settings

from kam import roles


def navigation(request):
    """What the navigation bar may show this user: only what they may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.COMPANY_NAME}
    return {
        "company_name": settings.COMPANY_NAME,
        "nav": {
            "list": roles.can_use_list(user),
            "create": roles.can_create_account(user),
            "access_log": roles.can_read_access_log(user),
            "handover": roles.can_hand_over(user),
            "import": roles.can_import(user),
            "admin": roles.is_admin(user),
        },
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
