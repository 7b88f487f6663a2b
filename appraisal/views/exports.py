"""The Excel appraisal sheet: started here, written by a Celery task, polled and downloaded
through kam's export pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from appraisal.models import Period
from kam import roles
from kam.exporting import export_start as start


@login_required
@require_POST
def export_start(request, pk):
    if not roles.can_export_appraisal(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=pk)
    export = start(kind="appraisal", params={"period": period.pk}, by=request.user)
    return redirect("export_status", pk=export.pk)
