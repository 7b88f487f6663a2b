from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kam.inputs import PhoneField
from kam.models import Notification, Team, User
from kam.notifications import kind_label

# The admin carries the product's name, in the user's language, like every other page.
admin.site.site_header = _("Key-account CRM")
admin.site.site_title = _("Key-account CRM")
admin.site.index_title = _("Administration")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "role", "team", "department", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["username", "name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "phone", "department")}),
        (_("Role"), {"fields": ("role", "team", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "name", "role", "team", "password1", "password2")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # leavers are deactivated, never deleted

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "phone":  # the same check as every other phone box
            kwargs["form_class"] = PhoneField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager"]


class KindFilter(admin.SimpleListFilter):
    """Kinds by their labels (the apps register them), not their codes."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = Notification.objects.order_by().values_list("kind", flat=True).distinct()
        return sorted(((k, kind_label(k)) for k in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind_text", "created_at", "read_at"]
    list_filter = [KindFilter]
    # `message` is the stored source of title and body (codes and parameters): shown as text.
    exclude = ["message"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "message"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_text(self, obj):
        return kind_label(obj.kind)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
