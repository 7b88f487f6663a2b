from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # The compliance rollup re-tallies accounts whose tier, status or owner change.
        from kam.registry import registry
        from visits import rules, tally, working_calendar

        registry.on_account_changed(tally.account_changed)
        # The engine's working calendar: the administrators' holiday table over the package.
        rules.use_table(working_calendar.table)
        self._ready_registry()

    def _ready_registry(self):
        # What the visits plug into the shell (kam/registry.py).
        from kam import exporting, roles
        from kam.registry import JobSpec, MenuEntry, registry
        from visits import demo, exports, reminders, workbench
        from visits.services.handover import (
            HANDOVER_KIND,
            PLAN_KIND,
            RECORD_KIND,
            close_open_work,
            move_open_plans,
        )

        def own_schedule_only(user) -> bool:
            # Who sees the whole schedule finds her own visits in it.
            return roles.has_own_schedule(user) and not roles.can_see_schedule(user)

        registry.add_menu(
            MenuEntry(
                "plans",
                _("Monthly visit plans"),
                "visits:plans",
                visible=roles.can_use_plans,
                group="visits",
                order=10,
                active_on=("visits:plans", "visits:plan_start", "visits:plan_detail"),
            ),
            MenuEntry(
                "records",
                _("Monthly visit records"),
                "visits:records",
                visible=roles.can_use_plans,
                group="visits",
                order=20,
                active_on=("visits:records", "visits:record_detail"),
            ),
            MenuEntry(
                "my-visits",
                _("My visits"),
                "visits:my_record",
                visible=roles.can_record_visits,
                group="visits",
                order=30,
            ),
            MenuEntry(
                "visit-new",
                _("Record a visit"),
                "visits:visit_new",
                visible=roles.can_record_visits,
                group="visits",
                order=40,
            ),
            MenuEntry(
                "calendar",
                _("Calendar"),
                "visits:calendar",
                visible=roles.can_use_calendar,
                group="visits",
                order=45,
                active_on=(
                    "visits:calendar",
                    "visits:calendar_subscription",
                    "visits:calendar_subscription_reset",
                ),
            ),
            MenuEntry(
                "spot-checks",
                _("Spot checks"),
                "visits:spot_checks",
                visible=roles.can_see_spot_checks,
                group="visits",
                order=50,
            ),
            MenuEntry(
                "schedule",
                _("Executive schedule"),
                "visits:schedule",
                visible=roles.can_see_schedule,
                group="visits",
                order=60,
                active_on=("visits:schedule", "visits:schedule_year"),
            ),
            MenuEntry(
                "my-schedule",
                _("My scheduled visits"),
                "visits:my_schedule",
                visible=own_schedule_only,
                group="visits",
                order=60,
            ),
            MenuEntry(
                "frequency-rules",
                _("Visit frequency rules"),
                "visits:frequency_rules",
                visible=roles.can_see_frequency_rules,
                group="visits",
                order=90,
            ),
            MenuEntry(
                "compliance",
                _("Visit compliance"),
                "visits:compliance",
                visible=roles.can_see_compliance,
                group="analysis",
                order=10,
                active_on=(
                    "visits:compliance",
                    "visits:compliance_team",
                    "visits:compliance_kam",
                    "visits:compliance_account",
                ),
            ),
        )
        registry.add_jobs(
            JobSpec("visits_compliance_tally", reminders.compliance_tally, hour=2, minute=10),
            JobSpec("visits_due", reminders.visits_due),
            JobSpec("visits_overdue", reminders.visits_overdue),
            JobSpec("plan_due", reminders.plan_due),
            JobSpec("record_due", reminders.record_due),
            JobSpec("year_end_cards", reminders.year_end_cards, hour=7, minute=30),
            JobSpec("festival_reminders", reminders.festival_reminders),
            JobSpec("schedule_due", reminders.schedule_due),
        )
        registry.add_notification_kinds(
            {
                "visits_due": _("Visits due"),
                "visits_overdue": _("Visits overdue"),
                "plan_due": _("Visit plans due"),
                "record_due": _("Visit records due"),
                "year_end_cards": _("Year-end cards"),
                "festival": _("Festival greetings"),
                "schedule_due": _("Executive visit schedule"),
                "executive_schedule": _("Executive visit schedule"),
                "itinerary_change": _("Itinerary changes"),
                "plan_submitted": _("Visit plans submitted"),
                "plan_approved": _("Visit plans approved"),
                "plan_returned": _("Visit plans returned"),
                "record_submitted": _("Visit records submitted"),
                "record_reviewed": _("Visit records reviewed"),
                "record_returned": _("Visit records returned"),
            }
        )
        registry.add_workbench(workbench.items)
        # Open plans follow the accounts the accounts' own step has just moved.
        registry.add_handover_step(move_open_plans, kinds={HANDOVER_KIND: _("Planned visit")})
        # Then what stays hers is closed or submitted: nothing waits on an inactive user.
        registry.add_handover_step(
            close_open_work,
            order=110,
            kinds={PLAN_KIND: _("Visit plan"), RECORD_KIND: _("Monthly visit record")},
        )
        registry.add_demo(demo.build)
        exporting.add_exporters(
            exporting.Exporter(
                "visit_record",
                exports._record_allowed,
                exports._record_filename,
                exports.write_record,
            )
        )
