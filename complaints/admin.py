from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import NoDelete
from complaints.models import Complaint, ComplaintDeadline


@admin.register(Complaint)
class ComplaintAdmin(NoDelete, SimpleHistoryAdmin):
    """Read here, written through its pages, so deadlines, history and the timeline stay in
    step."""

    list_display = ["subject", "account", "severity", "status", "due_on", "handler"]
    list_filter = ["severity", "status"]
    search_fields = ["subject", "account__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ComplaintDeadline)
class ComplaintDeadlineAdmin(NoDelete, SimpleHistoryAdmin):
    """Deadlines are plain settings."""

    list_display = ["severity", "days"]
