from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from analysis.models import AccountCriteria, ChurnWeight, TierProposal, TierReview, TierRule


@admin.register(TierRule)
class TierRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "a_share",
        "b_share",
        "growth_promote",
        "growth_demote",
        "strategic_criteria",
    )

    def has_add_permission(self, request):
        return not TierRule.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChurnWeight)
class ChurnWeightAdmin(SimpleHistoryAdmin):
    list_display = ("reason", "threshold", "unit", "weight")
    list_editable = ("threshold", "weight")

    @admin.display(description=_("Unit"))
    def unit(self, obj):
        return obj.unit

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountCriteria)
class AccountCriteriaAdmin(SimpleHistoryAdmin):
    list_display = (
        "account",
        "leads_business",
        "decides_future",
        "influential",
        "high_potential",
        "competitor_target",
        "strategic_ally",
        "updated_at",
    )
    raw_id_fields = ("account",)
    search_fields = ("account__name",)


class ProposalInline(admin.TabularInline):
    model = TierProposal
    fields = ("account", "from_tier", "to_tier", "abc_class", "revenue", "status", "decided_by")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(TierReview)
class TierReviewAdmin(admin.ModelAdmin):
    list_display = ("__str__", "prepared_by", "prepared_at")
    readonly_fields = ("period_start", "period_end", "prepared_by", "prepared_at", "rule")
    inlines = [ProposalInline]
