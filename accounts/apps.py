from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Key accounts")

    def ready(self):
        # What the archives plug into the shell (kam/registry.py).
        from accounts import demo, reminders, services, workbench
        from kam import roles
        from kam.registry import HomePanel, JobSpec, MenuEntry, NavSearch, registry

        registry.add_menu(
            MenuEntry(
                "account-list",
                _("Account list"),
                "accounts:list",
                visible=roles.can_use_list,
                group="accounts",
                order=10,
                active_on=("accounts:list", "accounts:create"),
            ),
            MenuEntry("lookup", _("Look up"), "accounts:lookup", group="accounts", order=20),
            MenuEntry(
                "loans",
                _("Loans"),
                "accounts:loans",
                group="accounts",
                order=30,
                active_on=("accounts:loans", "accounts:loan_new"),
            ),
            MenuEntry(
                "reviews-due",
                _("Reviews due"),
                "accounts:reviews_overdue",
                visible=roles.can_use_list,
                group="accounts",
                order=40,
            ),
            MenuEntry(
                "access-log",
                _("Access log"),
                "accounts:access_log",
                visible=roles.can_read_access_log,
                group="admin",
                order=10,
            ),
            MenuEntry(
                "handover",
                _("Hand-over"),
                "accounts:handover",
                visible=roles.can_hand_over,
                group="admin",
                order=20,
                active_on=("accounts:handover", "accounts:handover_detail"),
            ),
            MenuEntry(
                "import",
                _("Import accounts"),
                "accounts:import",
                visible=roles.can_import,
                group="admin",
                order=30,
            ),
        )
        # The lookup shows each user only what she may see (accounts.selectors).
        registry.add_search(
            NavSearch("accounts", "accounts:lookup", _("Search accounts"), _("Customer name"))
        )
        registry.add_jobs(
            JobSpec("review_reminders", reminders.review_reminders),
            JobSpec("event_reminders", reminders.event_reminders),
        )
        registry.add_notification_kinds(
            {
                "major_matter": _("Major matters"),
                "loan_request": _("Loan requests"),
                "loan_approved": _("Loans approved"),
                "loan_refused": _("Loans refused"),
                "handover": _("Hand-overs"),
                "review_due": _("Semiannual reviews"),
                "account_event": _("Account events"),
            }
        )
        # The accounts move first: every later step finds them with their successors.
        registry.add_handover_step(
            services._move_accounts, order=0, kinds={"account": _("Key account")}
        )
        registry.add_workbench(workbench.items)
        registry.add_home_panel(
            HomePanel("summary", "accounts/home/summary.html", workbench.summary_panel, 10),
            HomePanel("team", "accounts/home/team.html", workbench.team_panel, 20),
            HomePanel("matters", "accounts/home/matters.html", workbench.matters_panel, 30),
            HomePanel("my-loans", "accounts/home/loans.html", workbench.loans_panel, 50),
        )
        registry.add_demo(demo.build)
