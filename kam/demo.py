"""Demo data: a believable company. Each app adds its part, a `build(ctx)` function in its
own `demo.py`, to the registry in its `AppConfig.ready()`; the command runs them lower layers
first (`registry.demo_loaders()`). This module builds the shell's part: users and teams."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

from kam.models import Team, User
from kam.registry import registry
from kam.roles import Role

DEMO_PASSWORD = "demo-2026"

PEOPLE = [
    # username, name, role, department, team key
    ("admin", "系统管理员", Role.ADMIN, "信息部", None),
    ("gm", "王建国", Role.GM, "总经理室", None),
    ("gmoffice", "何秘书", Role.GM_OFFICE, "总经理室", None),
    ("salesvp", "李明", Role.SALES_VP, "销售部", None),
    ("techvp", "郑工", Role.TECH_VP, "技术部", None),
    ("execvp", "钱总", Role.EXEC_VP, "总经理室", None),
    ("manager1", "张伟", Role.SALES_MANAGER, "大客户管理部", None),
    ("manager2", "刘洋", Role.SALES_MANAGER, "大客户管理部", None),
    ("kam1", "陈静", Role.KAM, "大客户管理部", "east"),
    ("kam2", "杨帆", Role.KAM, "大客户管理部", "east"),
    ("kam3", "赵敏", Role.KAM, "大客户管理部", "east"),
    ("kam4", "黄磊", Role.KAM, "大客户管理部", "north"),
    ("kam5", "周婷", Role.KAM, "大客户管理部", "north"),
    ("kam6", "吴刚", Role.KAM, "大客户管理部", "north"),
    ("finance1", "孙丽", Role.STAFF, "财务部", None),
    ("tech1", "马超", Role.STAFF, "技术部", None),
]
TEAMS = {"east": ("华东组", "manager1"), "north": ("华北组", "manager2")}


@dataclass
class DemoContext:
    scale: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(20261127))
    users: dict[str, User] = field(default_factory=dict)
    kams: list[User] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def build(ctx: DemoContext) -> None:
    """Users and teams."""
    for username, name, role, department, _team in PEOPLE:
        user = User(username=username, name=name, role=role, department=department)
        user.set_password(DEMO_PASSWORD)
        user.save()
        ctx.users[username] = user
    for key, (name, manager) in TEAMS.items():
        team = Team.objects.create(name=name, manager=ctx.users[manager])
        members = [u for u, *_rest, t in PEOPLE if t == key]
        User.objects.filter(username__in=members).update(team=team)
    ctx.kams = list(User.objects.filter(role=Role.KAM).select_related("team").order_by("username"))
    if ctx.scale:
        _scale_kams(ctx)


def _scale_kams(ctx: DemoContext) -> None:
    """One more KAM for every 40 generated accounts, spread over the two teams."""
    teams = list(Team.objects.order_by("pk"))
    extra = []
    for i in range(max(0, ctx.scale // 40 - len(ctx.kams))):
        user = User(
            username=f"kam_s{i}",
            name=f"经理{i}",
            role=Role.KAM,
            team=teams[i % len(teams)],
            department="大客户管理部",
        )
        user.password = ctx.users["kam1"].password
        extra.append(user)
    User.objects.bulk_create(extra, batch_size=1000)
    ctx.kams = list(User.objects.filter(role=Role.KAM).select_related("team").order_by("pk"))


@transaction.atomic
def build_demo(scale: int = 0) -> DemoContext:
    ctx = DemoContext(scale=scale)
    for build_part in registry.demo_loaders():
        build_part(ctx)
    return ctx


def logins() -> list[tuple[str, str, str]]:
    return [(u, n, str(r.label)) for u, n, r, *_rest in PEOPLE]
