from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kam.inputs import InputRulesMixin
from kam.tasks import enqueue
from visits import rules, working_calendar
from visits.models import FrequencyRule, OfficialDay
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


class OfficialDayForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = OfficialDay
        fields = ["day", "kind", "name"]


class ArrangementForm(InputRulesMixin, forms.Form):
    """A year's arrangement as the State Council publishes it, one day a line."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("Days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "placeholder": "2027-01-01,holiday,元旦"}),
        help_text=_(
            "One day a line: date, holiday or workday (休 or 班), name. Every holiday and every "
            "make-up working day of the year; the list replaces what the table held for it."
        ),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("A CSV or text file with the same lines (UTF-8)."),
    )

    def clean(self):
        data = super().clean()
        text = data.get("text") or ""
        upload = data.get("file")
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text.")) from None
        if "year" not in data:
            return data
        days, errors = working_calendar.parse_arrangement(text, data["year"])
        if errors:
            raise ValidationError(errors)
        data["days"] = days
        return data


@admin.register(OfficialDay)
class OfficialDayAdmin(SimpleHistoryAdmin):
    """The State Council's holidays and make-up working days, over `chinese-calendar`: a year
    the package does not know yet is entered (or imported) here, and deadlines follow it."""

    form = OfficialDayForm
    list_display = ["day", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]
    change_list_template = "admin/visits/officialday/change_list.html"

    @admin.display(description=_("Weekday"))
    def weekday(self, obj):
        return date_format(obj.day, "l")

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="visits_officialday_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        this_year = timezone.localdate().year
        years = working_calendar.official_years(this_year - 1, this_year + 2)
        extra_context = {**(extra_context or {}), "holiday_years": years}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = ArrangementForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            done = working_calendar.import_arrangement(
                year=form.cleaned_data["year"], days=form.cleaned_data["days"]
            )
            messages.success(
                request,
                _(
                    "%(year)d imported: %(added)d added, %(changed)d changed, %(removed)d "
                    "removed; %(moved)d stored due dates recomputed."
                )
                % vars(done),
            )
            return redirect("admin:visits_officialday_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a year's holidays and make-up working days"),
            "form": form,
        }
        return TemplateResponse(request, "admin/visits/officialday/import.html", context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        years = {obj.day.year} | ({form.initial["day"].year} if change else set())
        working_calendar.calendar_changed(years)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        working_calendar.calendar_changed([obj.day.year])

    def delete_queryset(self, request, queryset):
        years = {day.year for day in queryset.values_list("day", flat=True)}
        super().delete_queryset(request, queryset)
        working_calendar.calendar_changed(years)
