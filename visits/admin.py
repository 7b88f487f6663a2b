from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kam.inputs import InputRulesMixin
from kam.tasks import enqueue
from visits import rules
from visits.models import FrequencyRule
from visits.tally import tally_rebuild_task

CALENDAR = {rules.MONTH, rules.TWO_MONTHS, rules.QUARTER, rules.HALF_YEAR, rules.YEAR}
VISIT_ROLES = {rules.KAM, rules.SALES_MANAGER, *rules.EXECUTIVE_ROLES}

# What each kind of rule can be counted by (the engine and the dashboard's rollup count
# visits by kind, the visitor's role and calendar windows; festivals by the lunar calendar).
ALLOWED = {
    rules.VISIT: (VISIT_ROLES, CALENDAR),
    rules.YEAR_END_CARD: ({rules.KAM}, {rules.YEAR_END} | CALENDAR),
    rules.FESTIVAL: ({rules.EXECUTIVE, *rules.EXECUTIVE_ROLES}, {rules.FESTIVALS}),
}


class FrequencyRuleForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = FrequencyRule
        fields = [
            "tier",
            "kind",
            "visitor_role",
            "period",
            "min_count",
            "max_count",
            "contact_levels",
            "is_active",
            "notes",
        ]

    def clean(self):
        data = super().clean()
        roles, periods = ALLOWED.get(data.get("kind"), (set(), set()))
        if data.get("visitor_role") and data["visitor_role"] not in roles:
            self.add_error("visitor_role", _("This kind of rule cannot be owed by this role."))
        if data.get("period") and data["period"] not in periods:
            raise ValidationError({"period": _("This kind of rule cannot be counted so.")})
        if data.get("min_count") == 0:
            self.add_error("min_count", _("A rule asks for at least one."))
        return data


@admin.register(FrequencyRule)
class FrequencyRuleAdmin(admin.ModelAdmin):
    """§13 is data: administrators adjust the rules; retired ones are set out of force."""

    form = FrequencyRuleForm
    list_display = [
        "tier",
        "kind",
        "visitor_role",
        "period",
        "min_count",
        "max_count",
        "contact_levels",
        "is_active",
    ]
    list_editable = ["period", "min_count", "max_count", "is_active"]
    list_filter = ["tier", "kind", "is_active"]
    ordering = ["-tier", "kind", "pk"]

    def has_delete_permission(self, request, obj=None):
        return False  # no hard deletes: set a rule out of force instead

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=FrequencyRuleForm, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every account's compliance is judged anew under the new rules, in the background
        # where there is a worker; until it is done, the dashboard shows the figures as they were.
        enqueue(tally_rebuild_task)
