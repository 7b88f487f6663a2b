from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import NoDelete
from receivables.models import Contract, Invoice, Payment


# Read here, written through their pages, so balances, history and the timeline stay in step.
class ReadOnlyMoney(NoDelete, SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyMoney):
    list_display = ["number", "account", "signed_on", "amount", "status"]
    list_filter = ["status"]
    search_fields = ["number", "account__name"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMoney):
    list_display = ["number", "account", "issued_on", "due_on", "amount", "paid", "is_cancelled"]
    list_filter = ["is_cancelled"]
    search_fields = ["number", "account__name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMoney):
    list_display = ["account", "received_on", "amount", "applied", "reversed_at"]
    search_fields = ["account__name", "reference"]
