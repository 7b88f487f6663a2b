from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analysis")

    def ready(self):
        # What the analysis plugs into the shell (kam/registry.py).
        from analysis import demo, reminders, views, workbench
        from kam import roles
        from kam.registry import AccountPanel, HomePanel, JobSpec, MenuEntry, registry

        registry.add_menu(
            MenuEntry(
                "churn",
                _("Accounts at risk"),
                "analysis:churn",
                visible=roles.can_see_churn,
                group="analysis",
                order=20,
            ),
            MenuEntry(
                "tier-review",
                _("Tier review"),
                "analysis:tiers",
                visible=roles.can_see_tier_review,
                group="analysis",
                order=30,
            ),
        )
        registry.add_jobs(
            JobSpec(
                "tier_review",
                reminders.tier_review,
                hour=6,
                minute=30,
                cron={"month_of_year": 1, "day_of_month": 2},
            )
        )
        registry.add_notification_kinds({"tier_review": _("Tier reviews")})
        registry.add_account_panel(
            AccountPanel(
                "sales-figures",
                "analysis/sales_figures.html",
                views.sales_figures_panel,
                order=10,
                column="main",
            )
        )
        registry.add_workbench(workbench.items)
        registry.add_home_panel(
            HomePanel("at-risk", "analysis/home/at_risk.html", workbench.at_risk_panel, 15)
        )
        registry.add_demo(demo.build)
