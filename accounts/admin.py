from django.contrib import admin
from django.db import models
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import (
    AccountEvent,
    ArchiveAccess,
    ArchiveLoan,
    Contact,
    HandOver,
    KeyAccount,
)
from accounts.models.access import AccessAction
from kam.registry import registry


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False  # business records are retired or archived, never deleted


class ContactInline(NoDelete, admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(KeyAccount)
class KeyAccountAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ["name", "tier", "status", "owner", "is_archived"]
    readonly_fields = ["tier_since"]
    list_filter = ["tier", "status", "is_archived"]
    search_fields = ["name", "credit_code"]
    inlines = [ContactInline]
    # As the archive's own form: a website typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Administrators read archives here too; §7–§10 want every read on the log.
        if request.method == "GET" and object_id and object_id.isdigit():
            account = KeyAccount.objects.filter(pk=object_id).first()
            if account is not None:
                services.access_record(
                    user=request.user, account=account, action=AccessAction.VIEW, detail="admin"
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Edits and history reverts land here: what follows an account's owner, tier or status
        # elsewhere (visit compliance) hears of it, as from the archive's own services.
        former, tier = KeyAccount.objects.filter(pk=obj.pk).values_list(
            "owner_id", "tier"
        ).first() or (None, None)
        if tier is not None and tier != obj.tier:
            # An administrator's correction (or a revert) of the tier dates it like
            # accounts.services.account_set_tier does: the frequency rules count from today.
            obj.tier_since, obj.proposed_tier = timezone.localdate(), ""
        super().save_model(request, obj, form, change)
        registry.account_changed([obj.pk], [former] if former not in (None, obj.owner_id) else [])


@admin.register(AccountEvent)
class AccountEventAdmin(NoDelete, SimpleHistoryAdmin):
    list_display = ["title", "account", "date", "yearly"]


@admin.register(ArchiveLoan)
class ArchiveLoanAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["account", "requester", "status", "until"]
    readonly_fields = ["account", "requester", "status", "decided_by", "decided_at"]


@admin.register(ArchiveAccess)
class ArchiveAccessAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["at", "user", "account", "action"]
    readonly_fields = [f.name for f in ArchiveAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HandOver)
class HandOverAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["leaver", "performed_by", "at"]

    def has_add_permission(self, request):
        return False  # hand-overs go through their screen, which moves everything at once
