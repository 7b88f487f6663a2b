"""Demo key accounts with contacts, events, reports, reviews and a loan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import (
    AccountEvent,
    ArchiveLoan,
    ArchiveReview,
    Contact,
    FinancialReport,
    KeyAccount,
    MajorMatter,
    TimelineEntry,
)
from accounts.models.access import LoanStatus
from accounts.models.archive import ContactLevel, EventKind, Status, Tier
from accounts.validators import CHARSET, credit_code_check_char

CITIES = [
    "无锡",
    "苏州",
    "常州",
    "南京",
    "上海",
    "杭州",
    "宁波",
    "天津",
    "青岛",
    "合肥",
    "济南",
    "北京",
]
WORDS = [
    "华润",
    "恒达",
    "新元",
    "远航",
    "金桥",
    "中科",
    "东方",
    "瑞丰",
    "宏图",
    "天成",
    "联创",
    "凯盛",
    "博远",
    "同力",
    "海川",
    "永信",
    "精工",
    "鼎盛",
    "隆基",
    "正泰",
]
KINDS = [
    ("精密机械", "机械制造"),
    ("电子科技", "电子"),
    ("汽车零部件", "汽车"),
    ("医疗器械", "医疗"),
    ("新能源", "能源"),
    ("化工", "化工"),
    ("智能装备", "装备制造"),
    ("物流", "物流"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
]
TITLES = {
    ContactLevel.OPERATIONAL: ["采购专员", "计划员"],
    ContactLevel.OPERATIONAL_HEAD: ["采购主管", "供应链主管"],
    ContactLevel.BUSINESS_HEAD: ["采购部经理", "办公室主任", "副总经理"],
    ContactLevel.DECISION_MAKER: ["总经理", "董事长"],
}


def credit_code(rng) -> str:
    body = "91" + f"{rng.randint(110000, 659999)}" + "".join(rng.choice(CHARSET) for _ in range(9))
    return body + credit_code_check_char(body)


def person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _account(rng, i: int, owner, today: dt.date) -> KeyAccount:
    city, word = rng.choice(CITIES), WORDS[i % len(WORDS)]
    kind, industry = KINDS[(i // len(WORDS)) % len(KINDS)]
    tier = Tier.STRATEGIC if i % 4 == 0 else Tier.IMPORTANT if i % 6 else Tier.POTENTIAL
    status = Status.DEVELOPING if tier == Tier.POTENTIAL else Status.ACTIVE
    lost = i % 29 == 7
    return KeyAccount(
        name=f"{city}{word}{kind}有限公司" + (f"{i // 160 + 1}厂" if i >= 160 else ""),
        credit_code=credit_code(rng),
        legal_representative=person(rng),
        address=f"{city}市新区{rng.randint(1, 300)}号",
        postcode=f"{rng.randint(100000, 299999)}",
        phone=f"0510-{rng.randint(80000000, 89999999)}",
        fax=f"0510-{rng.randint(80000000, 89999999)}" if rng.random() < 0.7 else "",
        business_scope=f"{kind}产品的研发、生产与销售",
        registered_capital=Decimal(rng.choice([500, 1000, 3000, 5000, 20000])) * 10000,
        industry_position=rng.choice(["行业前三", "区域龙头", "细分领域领先", ""]),
        industry=industry,
        tier=tier,
        # Two new accounts whose KAM proposes a tier: the demo's tier review holds them.
        proposed_tier=Tier.IMPORTANT if i in (30, 42) else "",
        status=Status.LOST if lost else status,
        lost_on=today - dt.timedelta(days=40) if lost else None,
        lost_reason="转向竞争对手采购" if lost else "",
        owner=owner,
        cooperation_since=today - dt.timedelta(days=rng.randint(60, 3000)),
    )


def build(ctx) -> None:
    rng, today = ctx.rng, timezone.localdate()
    count = ctx.scale or 60
    accounts = [_account(rng, i, ctx.kams[i % len(ctx.kams)], today) for i in range(count)]
    KeyAccount.objects.bulk_create(accounts, batch_size=2000)
    # The archives predate the system: semiannual reviews are due on the older ones.
    KeyAccount.objects.update(
        created_at=timezone.now() - dt.timedelta(days=400),
        tier_since=today - dt.timedelta(days=400),
    )
    accounts = list(KeyAccount.objects.order_by("pk"))
    _contacts(rng, accounts)
    _events(rng, accounts, today)
    if ctx.scale:
        ctx.log.append(f"{len(accounts)} accounts for {len(ctx.kams)} KAMs")
        return
    _reports(rng, accounts, ctx.users["kam1"])
    _reviews(rng, accounts, today)
    _history_and_timeline(accounts)
    _matters_and_loans(ctx, accounts, today)


def _contacts(rng, accounts) -> None:
    rows = []
    for a in accounts:
        for level in rng.sample(list(ContactLevel), k=rng.randint(2, 4)):
            rows.append(
                Contact(
                    account=a,
                    name=person(rng),
                    level=level,
                    title=rng.choice(TITLES[level]),
                    phone=f"13{rng.randint(100000000, 999999999)}",
                    email=f"c{rng.randint(1000, 99999)}@example.cn",
                )
            )
    Contact.objects.bulk_create(rows, batch_size=5000)


def _events(rng, accounts, today) -> None:
    rows = []
    for a in accounts[::2]:
        rows.append(
            AccountEvent(
                account=a,
                kind=EventKind.ANNIVERSARY,
                title="公司成立周年",
                date=a.cooperation_since.replace(year=2005)
                if a.cooperation_since.month != 2
                else dt.date(2005, 3, 1),
                yearly=True,
            )
        )
    for a in accounts[::7]:
        rows.append(
            AccountEvent(
                account=a,
                kind=EventKind.HONOUR,
                title="获评省级专精特新企业",
                date=today - dt.timedelta(days=rng.randint(10, 300)),
            )
        )
    AccountEvent.objects.bulk_create(rows, batch_size=5000)


def _reports(rng, accounts, by) -> None:
    rows = []
    for a in accounts[:30]:
        for year in (2024, 2025):
            revenue = Decimal(rng.randint(5_000, 90_000)) * 10000
            rows.append(
                FinancialReport(
                    account=a,
                    period=str(year),
                    revenue=revenue,
                    net_profit=(revenue * Decimal("0.08")).quantize(Decimal("0.01")),
                    summary="经营稳定，现金流良好",
                    uploaded_by=a.owner,
                )
            )
    FinancialReport.objects.bulk_create(rows)


def _reviews(rng, accounts, today) -> None:
    rows = []
    for i, a in enumerate(accounts):
        if i % 5 == 0:
            continue  # these show up as overdue
        latest = today - dt.timedelta(days=rng.randint(10, 150))
        # The half-year before too, so older appraisal periods see reviews kept on time.
        # (no draw from rng: the rest of the demo keeps its numbers)
        for day in (latest - dt.timedelta(days=150 + i % 30), latest):
            rows.append(
                ArchiveReview(
                    account=a,
                    reviewer=a.owner,
                    reviewed_on=day,
                    changed=i % 3 == 0 and day == latest,
                    notes="采购负责人更换" if i % 3 == 0 and day == latest else "",
                )
            )
    ArchiveReview.objects.bulk_create(rows)


def _history_and_timeline(accounts) -> None:
    """bulk_create skips history; give every demo archive its creation row and timeline line."""
    now = timezone.now()

    KeyAccount.history.bulk_history_create(accounts, default_user=None, default_date=now)
    Contact.history.bulk_history_create(list(Contact.objects.all()), default_date=now)
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(account=a, at=now, kind="created", summary=a.name, actor=a.owner)
            for a in accounts
        ]
    )


def _matters_and_loans(ctx, accounts, today) -> None:
    finance, tech = ctx.users["finance1"], ctx.users["tech1"]
    MajorMatter.objects.create(
        account=accounts[0],
        reported_by=finance,
        occurred_on=today - dt.timedelta(days=3),
        subject="对方财务总监来访对账",
        content="对方提出下季度账期延长至90天的要求。",
    )
    ArchiveLoan.objects.create(
        account=accounts[0],
        requester=tech,
        reason="准备技术交流方案，需要了解客户产线情况",
        until=today + dt.timedelta(days=10),
        status=LoanStatus.APPROVED,
        decided_by=accounts[0].owner,
        decided_at=timezone.now(),
    )
    ArchiveLoan.objects.create(
        account=accounts[1],
        requester=finance,
        reason="核对客户开票信息",
        until=today + dt.timedelta(days=5),
    )
