"""Periods as people say them (kam/periods.py and its template filters), in both languages.
The Chinese wording is what users read on every page; the English one is the second language."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from kam import periods

D = dt.date

CASES = [
    # (function, arguments, Chinese, English)
    (periods.month_label, (D(2027, 1, 15),), "2027年1月", "January 2027"),
    (periods.month_label, (D(2026, 12, 1),), "2026年12月", "December 2026"),
    (periods.month_name, (D(2027, 3, 1),), "3月", "March"),
    (periods.quarter_label, (2027, 1), "2027年第一季度", "Q1 2027"),
    (periods.quarter_label, (2026, 4), "2026年第四季度", "Q4 2026"),
    (periods.quarter_name, (3,), "第三季度", "Q3"),
    (periods.half_label, (2027, 1), "2027年上半年", "H1 2027"),
    (periods.half_label, (2027, 2), "2027年下半年", "H2 2027"),
    (periods.half_name, (2,), "下半年", "H2"),
    (periods.year_label, (2027,), "2027年度", "2027"),
    (periods.months_label, (D(2027, 5, 1), D(2027, 6, 1)), "2027年5月–6月", "May–June 2027"),
    (
        periods.months_label,
        (D(2026, 12, 1), D(2027, 1, 1)),
        "2026年12月 – 2027年1月",
        "December 2026 – January 2027",
    ),
    (periods.months_label, (D(2027, 5, 1), D(2027, 5, 31)), "2027年5月", "May 2027"),
]


@pytest.mark.parametrize(("func", "args", "zh", "en"), CASES)
def test_labels_in_both_languages(func, args, zh, en):
    with translation.override("zh-hans"):
        assert func(*args) == zh
    with translation.override("en"):
        assert func(*args) == en


@pytest.mark.parametrize(
    ("kind", "start", "zh", "en"),
    [
        ("month", D(2027, 7, 1), "2027年7月", "July 2027"),
        ("two_months", D(2027, 11, 1), "2027年11月–12月", "November–December 2027"),
        ("quarter", D(2027, 4, 1), "2027年第二季度", "Q2 2027"),
        ("half_year", D(2027, 7, 1), "2027年下半年", "H2 2027"),
        ("year", D(2027, 1, 1), "2027年度", "2027"),
        ("year_end", D(2027, 12, 1), "2027年12月", "December 2027"),
    ],
)
def test_period_label_by_kind(kind, start, zh, en):
    with translation.override("zh-hans"):
        assert periods.period_label(kind, start) == zh
    with translation.override("en"):
        assert periods.period_label(kind, start) == en


def test_quarter_and_half_of_a_day():
    assert [periods.quarter_of(D(2027, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    assert (periods.half_of(D(2027, 6, 30)), periods.half_of(D(2027, 7, 1))) == (1, 2)


def test_template_filters():
    template = Template(
        "{% load periods %}{{ d|month_label }}|{{ d|quarter_label }}|{{ d|half_label }}|"
        "{{ d|year_label }}|{{ d|period_label:'quarter' }}|{{ none|month_label }}"
    )
    context = Context({"d": D(2027, 8, 9), "none": None})
    with translation.override("zh-hans"):
        zh = "2027年8月|2027年第三季度|2027年下半年|2027年度|2027年第三季度|"
        assert template.render(context) == zh
    with translation.override("en"):
        assert template.render(context) == "August 2027|Q3 2027|H2 2027|2027|Q3 2027|"
