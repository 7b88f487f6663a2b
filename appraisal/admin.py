"""The admin shows the appraisal; it changes only what the services would allow. Scores, rows
and adjustments are written by the rollup and the pages (which check the rules), so here they
are read-only; a final period, its targets and the schemes it froze refuse every change."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal.models import Adjustment, Period, Row, Scheme, SchemeDimension, Score, Target


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "starts_on", "ends_on", "settle_by", "status", "scheme")
    list_filter = ("kind", "status")
    fields = ("kind", "year", "quarter", "starts_on", "ends_on", "settle_by", "status", "scheme")
    # Only the settlement date is the admin's to move; the rest is the rollup's and the VP's.
    readonly_fields = ("kind", "year", "quarter", "starts_on", "ends_on", "status", "scheme")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_final:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("period", "kam", "sales", "new_accounts", "collections")
    list_filter = ("period",)
    raw_id_fields = ("kam",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.period.is_final:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "period":
            kwargs["queryset"] = Period.objects.exclude(status="final")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SchemeDimensionInline(admin.TabularInline):
    model = SchemeDimension
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_default")
    inlines = [SchemeDimensionInline]

    def has_add_permission(self, request):
        return False  # a scheme starts as a copy, on the schemes page

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Row)
class RowAdmin(ReadOnly):
    list_display = ("period", "kam", "team", "total", "rank")
    list_filter = ("period",)
    # The rollup's raw figures are a dict keyed by code; the appraisal pages and the Excel
    # sheet show them with their labels, so the admin does not show the codes.
    exclude = ("figures",)


@admin.register(Score)
class ScoreAdmin(ReadOnly):
    list_display = ("row", "dimension", "figure", "score", "weight", "adjusted")
    list_filter = ("row__period", "dimension")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnly):
    list_display = ("score", "before", "after", "by", "at")
