"""The demo company on a fixed day, for the browser checks of whole pages (phone layouts,
accessibility): pages full of believable data show what a hand-made row or two would not
(long names, many lines, every status).

27 November 2026, 10:00 in Shanghai: next month's plans are being written (some returned,
some drafts), October's records are in for review and October's spot checks are made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from kam.demo import DEMO_PASSWORD, build_demo

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SH)
PASSWORD = DEMO_PASSWORD


@dataclass
class DemoDay:
    """Who and what the checks open: found in the data, not assumed from the loader's
    internals."""

    kam: object  # a KAM whose December plan she may still edit
    plan: object  # that plan
    account: object  # one of her accounts with contacts
    manager: object  # her sales manager
    record: object  # an October record of his team, waiting for his review
    sales_vp: object


@contextmanager
def demo_day() -> Iterator[DemoDay]:
    """Build the demo with the clock on DAY (running, so sessions and timestamps behave)."""
    from accounts.models import KeyAccount
    from kam.models import User
    from kam.roles import Role
    from visits.models import VisitPlan, VisitRecord
    from visits.models.plans import PlanStatus
    from visits.models.records import RecordStatus

    with time_machine.travel(DAY, tick=True):
        build_demo()
        plan = (
            VisitPlan.objects.filter(
                month=dt.date(2026, 12, 1), status__in=[PlanStatus.RETURNED, PlanStatus.DRAFT]
            )
            .select_related("kam", "kam__team")
            # "returned" sorts after "draft": a returned plan, which has lines, when there is one
            .order_by("status", "pk")
            .last()
        )
        kam = plan.kam
        manager = kam.team.manager
        record = (
            VisitRecord.objects.filter(
                month=dt.date(2026, 10, 1),
                status=RecordStatus.SUBMITTED,
                kam__team__manager=manager,
            )
            .order_by("pk")
            .first()
        )
        account = (
            KeyAccount.objects.filter(owner=kam, contacts__phone__gt="")
            .distinct()
            .order_by("pk")
            .first()
        )
        yield DemoDay(
            kam=kam,
            plan=plan,
            account=account,
            manager=manager,
            record=record,
            sales_vp=User.objects.filter(role=Role.SALES_VP).order_by("pk").first(),
        )
