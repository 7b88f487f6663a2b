"""Texts translated when they are read, not when they are written.

A notification is written while its author's language is active (a Chinese-speaking KAM
submits a plan) but read by someone else (an English-speaking manager). So its title and body
are stored as the message's source text and parameters, and translated in the reader's
language when shown.

    message(gettext_lazy("%(kam)s submitted the visit plan for %(month)s"),
            kam=str(by), month=Month(plan.month))

The source text is given as Django's lazy string (gettext_lazy, pgettext_lazy, ngettext_lazy
with a named count), so makemessages finds it as before and the catalogs need no new entry.
A parameter is a plain value, another lazy string (a label, translated too), a message, a
period (`Month`, `Quarter`, `Year`) or a list of those; `joined` strings such parts together.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from kam.periods import month_label, quarter_label, year_label

log = logging.getLogger(__name__)

_FUNCS = {f.__name__: f for f in (gettext, pgettext, ngettext, npgettext)}


class Month(NamedTuple):
    """A month parameter, named in the reader's language (2026年11月 / November 2026)."""

    day: dt.date


class Quarter(NamedTuple):
    """2027年第一季度 / Q1 2027."""

    year: int
    quarter: int


class Year(NamedTuple):
    """2027年度 / 2027."""

    year: int


@dataclass(frozen=True)
class Message:
    """A lazy string's translation function and arguments, plus the % parameters."""

    func: str  # gettext, pgettext, ngettext or npgettext
    args: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.as_json())

    def as_json(self) -> dict:
        return {"func": self.func, "args": self.args, "params": self.params}


def message(text: Promise, /, **params) -> Message:
    func, args = _source(text)
    return Message(func, args, {k: _param(v) for k, v in params.items()})


def joined(items, sep: str) -> Message:
    """Several parameters, each translated, joined by `sep`: lines of a body, or a label and
    its count ("Sales manager 1") where no sentence holds them."""
    return Message("join", {"sep": sep}, {"items": _param(list(items))})


def _source(text: Promise) -> tuple[str, dict]:
    """What a lazy string will call, read through the pickling protocol Django supports."""
    if not isinstance(text, Promise):
        raise TypeError("message() needs gettext_lazy, pgettext_lazy or ngettext_lazy")
    _unpickle, (func, *rest) = text.__reduce__()
    name = func.__name__
    if name not in _FUNCS:
        raise TypeError(name)
    if name in ("ngettext", "npgettext") and isinstance(rest[1], str):
        kw = dict(rest[2])  # ngettext_lazy(singular, plural, "n"): the count is a parameter
        return name, {**kw, "number": rest[1]}
    args, kw = rest[0], rest[1]
    positional = {"gettext": ["message"], "pgettext": ["context", "message"]}.get(name, [])
    if name == "npgettext":
        positional = ["context", "singular", "plural", "number"]
    elif name == "ngettext":
        positional = ["singular", "plural", "number"]
    return name, {**dict(zip(positional, args, strict=False)), **kw}


def _param(value):
    if isinstance(value, Message):
        return {"message": value.as_json()}
    if isinstance(value, Promise):
        return {"message": message(value).as_json()}
    if isinstance(value, Month):
        return {"month": value.day.isoformat()}
    if isinstance(value, Quarter):
        return {"quarter": [value.year, value.quarter]}
    if isinstance(value, Year):
        return {"year": value.year}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return {"list": [_param(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _value(value):
    if isinstance(value, dict) and "message" in value:
        return render(value["message"])
    if isinstance(value, dict) and "month" in value:
        return month_label(dt.date.fromisoformat(value["month"]))
    if isinstance(value, dict) and "quarter" in value:
        return quarter_label(*value["quarter"])
    if isinstance(value, dict) and "year" in value:
        return year_label(value["year"])
    if isinstance(value, dict) and "list" in value:
        return [_value(v) for v in value["list"]]
    return value


def render(spec: dict) -> str:
    """The message in the active language."""
    params = {k: _value(v) for k, v in (spec.get("params") or {}).items()}
    args = dict(spec["args"])
    if spec["func"] == "join":
        return args["sep"].join(str(item) for item in params["items"])
    if isinstance(args.get("number"), str):  # a named count: its value is a parameter
        args["number"] = params[args["number"]]
    text = _FUNCS[spec["func"]](**args)
    return text % params if params or "%(" in text else text


def render_or(spec: dict | None, fallback: str) -> str:
    """The stored message in the active language; the text stored beside it when there is
    none (rows written before messages were stored) or it no longer renders."""
    if not spec:
        return fallback
    try:
        return render(spec)
    except (KeyError, TypeError, ValueError):
        log.warning("notification text does not render: %r", spec)
        return fallback
