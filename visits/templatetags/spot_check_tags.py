"""{% with check=visit|spot_check_for:request.user %}: a visit's spot check, shown only as
visits.selectors.spot_checks.spot_check_shown allows (a pending one stays hidden from KAMs)."""

from django import template

from visits.selectors.spot_checks import spot_check_shown

register = template.Library()


@register.filter
def spot_check_for(visit, user):
    return spot_check_shown(user, visit)
