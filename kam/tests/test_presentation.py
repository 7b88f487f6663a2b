"""Presentation is decided in Python and laid out in templates: tones of statuses, the marked
navigation link, date formats, and templates that stay readable and hold no rule of their own.
Several checks read the template sources, the way test_layers reads the code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from kam.tones import TONES, ToneOf, tone_of, toned

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def template_lines():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in {".html", ".txt"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
                yield path.relative_to(TEMPLATES), number, line


# Tones ---------------------------------------------------------------------------------------


def toned_fields():
    """Every (model, field, choices) a model shows with a tone (`ToneOf`)."""
    for model in apps.get_models():
        for attr in vars(model).values():
            if isinstance(attr, ToneOf):
                yield model, model._meta.get_field(attr.field), attr.choices


def test_every_status_tier_and_result_shown_as_a_badge_has_a_tone():
    seen = list(toned_fields())
    assert len(seen) >= 10  # tiers, plan/record/complaint/period statuses, results, reviews
    for model, field, choices in seen:
        values = {value for value, _label in field.flatchoices}
        assert values <= set(choices.tones), (model.__name__, field.name)  # a rule's tiers: two
        assert set(choices.tones) == set(choices.values), choices.__name__
        assert set(choices.tones.values()) <= TONES, (model.__name__, field.name)


def test_a_choice_without_a_tone_fails_at_import():
    from django.db import models

    with pytest.raises(ValueError, match="tones for"):

        @toned(open="primary")
        class Half(models.TextChoices):
            OPEN = "open", "Open"
            SHUT = "shut", "Shut"

    with pytest.raises(ValueError, match="unknown tones"):

        @toned(open="crimson")
        class Odd(models.TextChoices):
            OPEN = "open", "Open"


def test_a_model_reads_the_tone_of_its_value():
    from django.db import models

    @toned(open="primary", shut="light")
    class Door(models.TextChoices):
        OPEN = "open", "Open"
        SHUT = "shut", "Shut"

    class Row:
        tone = ToneOf("state", Door)

        def __init__(self, state):
            self.state = state

    assert (Row("open").tone, Row("shut").tone, Row("gone").tone) == (
        "primary",
        "light",
        "secondary",
    )
    assert tone_of(Door, Door.SHUT) == "light"


# What templates may not decide ---------------------------------------------------------------

# A status, tier, severity, result, review or state compared with a literal: the comparison
# belongs to a model property or a tone (`plan.is_returned`, `text-bg-{{ plan.status_tone }}`).
STATUS_LITERAL = re.compile(
    r"\b(status|tier|severity|result|review|state)\s*(==|!=)\s*['\"]"
    r"|['\"]\s*(==|!=)\s*[\w.]*\b(status|tier|severity|result|review|state)\b"
)


def test_no_template_compares_a_status_to_a_literal():
    found = [f"{p}:{n}" for p, n, line in template_lines() if STATUS_LITERAL.search(line)]
    assert found == []


def test_no_template_holds_a_threshold_or_a_plan_verdict():
    """Risk colours (analysis.churn.risk_tone) and a plan's verdict (AccountNeed.verdict) are
    judged in Python; a template compares no score with a number."""
    pattern = re.compile(r"\b(risk|planned|min_count|max_count)\s*[<>]=?\s*\S")
    found = [f"{p}:{n}" for p, n, line in template_lines() if pattern.search(line)]
    assert found == []


def test_the_change_history_is_one_partial():
    loops = {str(p) for p, _n, line in template_lines() if "for h in history" in line}
    assert loops == {"partials/history.html"}
    users = {str(p) for p, _n, line in template_lines() if '"partials/history.html"' in line}
    assert users == {"accounts/detail.html", "receivables/contract.html", "complaints/detail.html"}


def test_the_navbar_marks_the_current_link_in_one_place():
    marks = [f"{p}:{n}" for p, n, line in template_lines() if 'aria-current="page"' in line]
    navbar = [m for m in marks if m.startswith("partials/")]
    assert [m.split(":")[0] for m in navbar] == ["partials/nav_link.html"]
    navbar_source = (TEMPLATES / "partials" / "navbar.html").read_text()
    assert "resolver_match" not in navbar_source and "view_name" not in navbar_source


# Translatable text cannot wrap without changing its msgid (and the catalogs), so a message's
# own words do not count; everything else on a line does.
MESSAGES = [
    re.compile(r"\{% blocktrans(late)?\b.*?%\}.*?\{% endblocktrans(late)? %\}"),
    re.compile(r"""(\{% trans(late)? |_\()(["'])(.*?)\3"""),
]
LONGEST = 200


def without_messages(line: str) -> str:
    line = MESSAGES[0].sub("{% blocktranslate %}{% endblocktranslate %}", line)
    return MESSAGES[1].sub(lambda m: m.group(1) + m.group(3) * 2, line)


def test_template_lines_stay_readable():
    long = [
        f"{p}:{n} ({len(line)})"
        for p, n, line in template_lines()
        if len(without_messages(line)) > LONGEST
    ]
    assert long == []
    assert without_messages('<p>{% translate "' + "x" * 300 + '" %}</p>') == (
        '<p>{% translate "" %}</p>'
    )


# Dates ---------------------------------------------------------------------------------------


def test_templates_name_no_date_pattern_of_their_own():
    """Pages show dates through the SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT settings
    (kam/formats/), not a pattern repeated in every template."""
    pattern = re.compile(r"""\|date:["'](Y-m-d|Y-m-d H:i)["']""")
    found = [f"{p}:{n}" for p, n, line in template_lines() if pattern.search(line)]
    assert found == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_short_formats_read_the_same_in_both_languages(language):
    at = timezone.make_aware(dt.datetime(2026, 3, 5, 14, 30))
    page = Template(
        '{{ d|date:"SHORT_DATE_FORMAT" }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}|{{ d|date }}'
    )
    with translation.override(language):
        text = page.render(Context({"d": dt.date(2026, 3, 5), "at": at}))
    short, long_, default = text.split("|")
    assert (short, long_) == ("2026-03-05", "2026-03-05 14:30")
    assert default == ("2026年3月5日" if language == "zh-hans" else "March 5, 2026")


# The navigation bar on real pages -------------------------------------------------------------


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "marked"),
    [
        ("accounts:list", "nav-account-list"),
        ("visits:plans", "nav-plans"),
        ("inbox", "inbox-link"),
        ("analysis:churn", "nav-churn"),
    ],
)
def test_exactly_one_link_is_the_current_page(client, cast, url_name, marked):
    client.force_login(cast.owner)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    nav = _nav(response.content.decode())
    assert nav.count('aria-current="page"') == 1
    link = re.search(r'<a class="([^"]*)"[^>]*id="([^"]+)" aria-current="page"', nav)
    assert link.group(2) == marked and " active" in link.group(1)


@pytest.mark.django_db
def test_the_home_page_marks_no_link(client, cast):
    client.force_login(cast.owner)
    nav = _nav(client.get(reverse("home")).content.decode())
    assert 'aria-current="page"' not in nav and " active" not in nav
