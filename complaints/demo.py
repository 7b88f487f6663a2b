"""Demo complaints at every stage (open, resolved, closed after the follow-up call), so the
complaint pages have something to show. `--scale` gives every third account one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import Status, Tier
from complaints.models import (
    DEFAULT_DEADLINE_DAYS,
    Channel,
    Complaint,
    ComplaintStatus,
    Satisfaction,
    Severity,
)

COMPLAINTS = [
    ("交货延迟三天，影响客户产线排产", Severity.SERIOUS),
    ("一批轴承外圈尺寸超差", Severity.SERIOUS),
    ("发票抬头开错，需重开", Severity.MINOR),
    ("包装破损，部分零件生锈", Severity.ORDINARY),
    ("售后工程师响应慢", Severity.ORDINARY),
    ("对账单金额与客户系统不一致", Severity.MINOR),
]


def _complain(rng, account: KeyAccount, today: dt.date, n: int) -> tuple[Complaint, TimelineEntry]:
    subject, severity = rng.choice(COMPLAINTS)
    received = today - dt.timedelta(days=rng.randint(1, 120))
    due = received + dt.timedelta(days=DEFAULT_DEADLINE_DAYS[severity])
    complaint = Complaint(
        account=account,
        received_on=received,
        channel=rng.choice(list(Channel)[:4]),
        subject=subject,
        content=f"{subject}。客户要求尽快给出处理方案。",
        severity=severity,
        handler=account.owner,
        due_on=due,
        created_by=account.owner,
    )
    stage = n % 4
    if stage >= 1 and received + dt.timedelta(days=2) <= today:
        complaint.status = ComplaintStatus.RESOLVED
        complaint.resolved_on = min(today, received + dt.timedelta(days=rng.randint(1, 20)))
        complaint.resolution = "已补发合格品并派工程师现场确认。"
    if stage >= 2 and complaint.resolved_on and complaint.resolved_on < today:
        complaint.status = ComplaintStatus.CLOSED
        complaint.follow_up_on = min(today, complaint.resolved_on + dt.timedelta(days=3))
        complaint.follow_up_by = account.owner
        complaint.satisfaction = rng.choice(list(Satisfaction)[2:])
        complaint.follow_up_notes = "客户对处理结果表示认可。"
    at = timezone.make_aware(dt.datetime.combine(received, dt.time(10, 0)))
    summary = f"{complaint.get_severity_display()} · {subject}"
    note = TimelineEntry(
        account=account, at=at, kind="complaint", summary=summary, actor=account.owner
    )
    return complaint, note


def build(ctx) -> None:
    rng, today = ctx.rng, timezone.localdate()
    working = (
        KeyAccount.objects.select_related("owner")
        .exclude(tier=Tier.POTENTIAL)
        .exclude(status=Status.LOST)
        .order_by("pk")
    )
    made = [_complain(rng, a, today, n) for n, a in enumerate(working) if n % 3 == 1]
    complaints = [c for c, _note in made]
    Complaint.objects.bulk_create(complaints, batch_size=2000)
    if not ctx.scale:
        Complaint.history.bulk_history_create(complaints, default_date=timezone.now())
        TimelineEntry.objects.bulk_create([note for _c, note in made], batch_size=5000)
    ctx.log.append(f"{len(complaints)} complaints")
