from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.models import ArchiveLoan, MajorMatter
from accounts.models.access import LoanStatus
from accounts.models.archive import Tier
from analysis.selectors import accounts_at_risk
from kam import roles
from kam.exporting import XLSX
from kam.models import Export, ExportStatus, Notification, User
from kam.notifications import kind_label
from kam.reminders import EXPORT_KEEP_DAYS
from kam.roles import Role


@login_required
def home(request):
    user = request.user
    context = {"role": user.get_role_display()}
    if roles.can_use_list(user):
        visible = selectors.accounts_visible_to(user).filter(is_archived=False)
        by_tier = dict(visible.order_by().values_list("tier").annotate(n=Count("pk")))
        context["account_count"] = sum(by_tier.values())
        context["by_tier"] = [(label, by_tier.get(code, 0)) for code, label in Tier.choices]
        context["reviews_overdue"] = selectors.reviews_overdue(user)[:10]
    if user.role == Role.KAM:  # §6: her own accounts at risk of loss, highest risk first
        context["at_risk"] = accounts_at_risk(user, timezone.localdate())[:5]
    if user.role == Role.SALES_MANAGER:
        context["team"] = (
            User.objects.filter(team__manager=user, is_active=True)
            .annotate(n=Count("accounts", filter=Q(accounts__is_archived=False)))
            .order_by("name")
        )
    if roles.is_company_wide(user):
        context["matters"] = MajorMatter.objects.select_related("account", "reported_by")[:5]
    context["loans_waiting"] = ArchiveLoan.objects.filter(
        account__owner=user, status=LoanStatus.PENDING
    ).count()
    context["my_loans"] = selectors.active_loans(user).select_related("account")[:10]
    context["notifications"] = user.notifications.filter(read_at__isnull=True)[:5]
    return render(request, "kam/home.html", context)


@login_required
def inbox(request):
    qs = request.user.notifications.all()
    show = request.GET.get("show", "unread")
    kind = request.GET.get("kind", "")
    kinds = sorted(set(qs.order_by().values_list("kind", flat=True)))
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
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
        },
    )


@login_required
@require_POST
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(note.url or "inbox")


@login_required
@require_POST
def inbox_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")


# Exports (kam/exporting.py): their owner follows the progress and downloads the file ---------


@login_required
def export_status(request, pk):
    export = get_object_or_404(Export, pk=pk, owner=request.user)
    template = "kam/_export_progress.html" if request.htmx else "kam/export_status.html"
    return render(request, template, {"export": export, "keep_days": EXPORT_KEEP_DAYS})


@login_required
def export_download(request, pk):
    export = get_object_or_404(Export, pk=pk, owner=request.user, status=ExportStatus.DONE)
    if not export.file:  # removed by the exports_cleanup job
        raise Http404
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=XLSX
    )
