from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        # What the appraisal plugs into the shell (kam/registry.py).
        from appraisal import demo, excel, reminders, workbench
        from kam import exporting, roles
        from kam.registry import JobSpec, MenuEntry, registry

        registry.add_menu(
            MenuEntry(
                "appraisal",
                _("Appraisal"),
                "appraisal:periods",
                visible=roles.can_see_appraisal,
                group="analysis",
                order=40,
                active_on=("appraisal:",),  # every page of the appraisal
            )
        )
        registry.add_jobs(
            JobSpec("appraisal_rollup", reminders.appraisal_rollup, hour=0, minute=40),
            JobSpec("appraisal_finalise_reminders", reminders.finalise_reminders, hour=8, minute=0),
        )
        registry.add_notification_kinds(
            {
                "appraisal_scored": _("Appraisals scored"),
                "appraisal_finalise": _("Appraisals to finalise"),
            }
        )
        registry.add_workbench(workbench.items)
        # Last of all: the demo scores periods, so every app's data of those periods (the
        # analysis demo's invoices too) must be written first, or "score again" would move it.
        registry.add_demo(demo.build, order=1000)
        exporting.add_exporters(
            exporting.Exporter("appraisal", excel._allowed, excel._filename, excel.write_appraisal)
        )
