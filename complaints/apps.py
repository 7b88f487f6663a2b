from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # What complaints plug into the shell (kam/registry.py).
        from complaints import demo, reminders, workbench
        from complaints.services import hand_over_complaints
        from complaints.views import archive_panel
        from kam import roles
        from kam.registry import AccountPanel, JobSpec, MenuEntry, registry

        registry.add_menu(
            MenuEntry(
                "complaints",
                _("Complaints"),
                "complaints:list",
                visible=roles.can_use_complaints,
                group="accounts",
                order=60,
                active_on=("complaints:list", "complaints:deadlines"),
            )
        )
        registry.add_jobs(JobSpec("complaint_reminders", reminders.complaint_reminders))
        registry.add_notification_kinds(
            {
                "complaint_overdue": _("Complaints past deadline"),
                "complaint": _("Complaints to handle"),
            }
        )
        registry.add_handover_step(hand_over_complaints, kinds={"complaint": _("Open complaint")})
        registry.add_account_panel(
            AccountPanel("complaints", "complaints/card.html", archive_panel, order=20)
        )
        registry.add_workbench(workbench.items)
        registry.add_demo(demo.build)
