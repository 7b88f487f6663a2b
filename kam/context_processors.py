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
            "receivables": roles.can_use_receivables(user),
            "complaints": roles.can_use_complaints(user),
            "plans": roles.can_use_plans(user),
            "record_visits": roles.can_record_visits(user),
            "spot_checks": roles.can_see_spot_checks(user),
            "schedule": roles.can_see_schedule(user),
            "my_schedule": roles.has_own_schedule(user),
            "compliance": roles.can_see_compliance(user),
            "frequency_rules": roles.can_see_frequency_rules(user),
            "tier_review": roles.can_see_tier_review(user),
            "churn": roles.can_see_churn(user),
            "appraisal": roles.can_see_appraisal(user),
        },
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
