from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import i18n
from django.views.decorators.http import require_POST

from kam import selectors, services
from kam.exporting import XLSX
from kam.forms import InboxFilterForm
from kam.notifications import kind_label
from kam.registry import registry
from kam.reminders import EXPORT_KEEP_DAYS


def set_language(request):
    """Django's language switch, also remembered on the signed-in user: what is written for
    her outside a request (the daily e-mail digest) reads in her language too."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


@login_required
def home(request):
    """The workbench: the user's to-do items, then the cards the apps show this role. The
    apps answer through the registry; the shell only lays them out."""
    user, today = request.user, timezone.localdate()
    context = {
        "today": today,
        "role": user.get_role_display(),
        "workbench": registry.workbench_for(user, today),
        "panels": registry.home_panels_for(user, today),
    }
    return render(request, "kam/home.html", context)


@login_required
def inbox(request):
    kinds = selectors.notification_kinds(request.user)
    show, kind = InboxFilterForm(request.GET, kinds=kinds).values()
    qs = selectors.notifications_for(request.user, show=show, kind=kind)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "kam/inbox.html",
        {
            "page": page,
            "show": show,
            "kind": kind,
            "kinds": [(k, kind_label(k)) for k in kinds],
            "query": urlencode({"show": show, "kind": kind}),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def notification_open(request, pk):
    note = selectors.notification_for_user(request.user, pk)
    services.notification_read(note=note)
    return redirect(note.url or "inbox")


@login_required
@require_POST
def inbox_read_all(request):
    services.notifications_read_all(user=request.user)
    return redirect("inbox")


# Exports (kam/exporting.py): their owner follows the progress and downloads the file ---------


@login_required
def export_status(request, pk):
    export = selectors.export_for_owner(request.user, pk)
    template = "kam/_export_progress.html" if request.htmx else "kam/export_status.html"
    return render(request, template, {"export": export, "keep_days": EXPORT_KEEP_DAYS})


@login_required
def export_download(request, pk):
    export = selectors.export_for_owner(request.user, pk, done=True)
    if not export.file:  # removed by the exports_cleanup job
        raise Http404
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=XLSX
    )
