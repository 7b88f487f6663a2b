from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class KamConfig(AppConfig):
    name = "kam"
    verbose_name = _("People and teams")

    def ready(self):
        # The shell's own entries in its registry (kam/registry.py); each business app adds
        # its own in its ready(), after this one (INSTALLED_APPS order).
        from kam import demo, reminders, roles, workbench
        from kam.registry import HomePanel, JobSpec, MenuEntry, MenuGroup, registry

        # The navigation's dropdowns, few enough that every role's menu fits one line.
        registry.add_menu_group(
            MenuGroup("accounts", pgettext_lazy("menu", "Customers"), order=10),
            MenuGroup("visits", pgettext_lazy("menu", "Visits"), order=20),
            MenuGroup("analysis", pgettext_lazy("menu", "Analysis and appraisal"), order=30),
            MenuGroup("admin", pgettext_lazy("menu", "Administration"), order=40),
        )
        registry.add_menu(
            MenuEntry(
                "users",
                _("Users and teams"),
                "admin:index",
                visible=roles.is_admin,
                group="admin",
                order=90,
            )
        )
        registry.add_jobs(
            JobSpec("email_digest", reminders.email_digest, hour=8, minute=0, atomic=False),
            JobSpec("exports_cleanup", reminders.exports_cleanup, hour=3, minute=20),
        )
        registry.add_work_sections(*workbench.SECTIONS)
        registry.add_home_panel(
            HomePanel("reminders", "kam/home/reminders.html", workbench.reminders_panel, 90)
        )
        registry.add_demo(demo.build)  # users and teams, before every app's data
