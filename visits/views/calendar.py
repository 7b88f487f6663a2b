"""Calendars (SPEC §8): the month / week page of one's own visits, and the private iCalendar
subscription that phone and desktop calendar apps read without signing in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kam import roles
from visits import ical, rules
from visits.calendar_days import Day, monday_of, month_weeks, week_days
from visits.forms.lists import CalendarFilterForm
from visits.models import CalendarFeed
from visits.months import add_months, month_end
from visits.selectors.calendar import Entry, calendar_for, schedule_month_load
from visits.services.calendar import calendar_feed_create, calendar_feed_reset

# What the feed covers, in months around this one: recent history and the year ahead.
FEED_MONTHS_BACK = 2
FEED_MONTHS_AHEAD = 12
# An executive may have thousands of scheduled visits a month: the page lists the first.
SCHEDULED_SHOWN = 40
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Cell:
    day: Day
    entries: list[Entry]
    is_today: bool


def _weeks(request, today: dt.date) -> tuple[str, dt.date, list[list[Day]]]:
    """The view asked for ("month" or "week"), its anchor day and its weeks of days."""
    asked = CalendarFilterForm(request.GET, today=today).values()
    if asked["view"] == "week":
        return "week", asked["date"], [week_days(asked["date"])]
    return "month", asked["month"], month_weeks(asked["month"])


def _pager(view: str, anchor: dt.date, today: dt.date) -> dict:
    if view == "week":
        monday = monday_of(anchor)
        return {
            "prev": f"?view=week&date={monday - dt.timedelta(days=7):%Y-%m-%d}",
            "next": f"?view=week&date={monday + dt.timedelta(days=7):%Y-%m-%d}",
            "month_url": f"?month={anchor:%Y-%m}",
            "week_url": f"?view=week&date={anchor:%Y-%m-%d}",
        }
    week_of = today if today.replace(day=1) == anchor else anchor
    return {
        "prev": f"?month={add_months(anchor, -1):%Y-%m}",
        "next": f"?month={add_months(anchor, 1):%Y-%m}",
        "month_url": f"?month={anchor:%Y-%m}",
        "week_url": f"?view=week&date={week_of:%Y-%m-%d}",
    }


@login_required
def calendar_page(request):
    """A month grid (Monday first) or one week; on a phone the grid becomes a list of the
    days that hold something (static/css/calendar.css), and the week view is one tap away."""
    user = request.user
    if not roles.can_use_calendar(user):
        raise PermissionDenied
    today = timezone.localdate()
    view, anchor, weeks = _weeks(request, today)
    start, end = weeks[0][0].date, weeks[-1][-1].date
    # Schedule items have a month: the month shown, or the one or two months a week touches.
    month = anchor.replace(day=1)
    months = (start.replace(day=1), end.replace(day=1)) if view == "week" else (month, month)
    # Those with a schedule of their own see the first of it here and all of it on theirs;
    # a KAM sees every visit scheduled to her accounts (a few dozen at most).
    own = roles.has_own_schedule(user)
    shown = SCHEDULED_SHOWN if own else None
    cal = calendar_for(user, start, end, today, months=months, scheduled_limit=shown)
    grid = [[Cell(d, cal.on(d.date), d.date == today) for d in week] for week in weeks]
    return render(
        request,
        "visits/calendar.html",
        {
            "view": view,
            "anchor": anchor,
            "month": month,
            "week_start": start,
            "week_end": end,
            "grid": grid,
            "has_entries": any(c.entries for week in grid for c in week),
            "weekdays": [d.date for d in weeks[0]],
            "scheduled": cal.scheduled,
            "scheduled_more": cal.scheduled_total - len(cal.scheduled),
            "has_own_schedule": own,
            "load": schedule_month_load(user, month),
            "today": today,
            "pager": _pager(view, anchor, today),
            "can_subscribe": roles.can_subscribe_calendar(user),
            "is_kam": roles.can_write_plan(user),
            # Years on the page whose holidays nobody has published here: weekends only.
            "years_without_holidays": sorted(
                y for y in {start.year, end.year} if not rules.has_holiday_data(y)
            ),
        },
    )


def _feed_url(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("visits:calendar_feed", args=[feed.token]))


@login_required
def calendar_subscription(request):
    """Her secret address with how to add it to a calendar app; POST makes it the first
    time (a GET changes nothing)."""
    user = request.user
    if not roles.can_subscribe_calendar(user):
        raise PermissionDenied
    if request.method == "POST":
        calendar_feed_create(user=user)
        return redirect("visits:calendar_subscription")
    feed = CalendarFeed.objects.filter(user=user).first()
    url = _feed_url(request, feed) if feed else ""
    return render(
        request,
        "visits/calendar_subscription.html",
        {"feed": feed, "url": url, "webcal": re.sub(r"^https?://", "webcal://", url)},
    )


@login_required
def calendar_subscription_reset(request):
    """GET asks for confirmation; POST makes a new address and the old one dead at once."""
    user = request.user
    if not roles.can_subscribe_calendar(user):
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return redirect("visits:calendar_subscription")
    if request.method == "POST":
        calendar_feed_reset(user=user)
        messages.success(
            request,
            _(
                "Your calendar address has been changed. The old one no longer works: add the "
                "new one to your calendar apps."
            ),
        )
        return redirect("visits:calendar_subscription")
    return render(request, "visits/calendar_reset.html", {"feed": feed})


@require_safe
def calendar_feed(request, token: str):
    """The .ics file, reached by its secret token alone. An unknown or replaced token, a
    deactivated user and a role with no visits of its own all get 404, alike."""
    if not TOKEN_RE.match(token):
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not roles.can_subscribe_calendar(feed.user):
        raise Http404
    user = feed.user
    this_month = timezone.localdate().replace(day=1)
    first = add_months(this_month, -FEED_MONTHS_BACK)
    last = add_months(this_month, FEED_MONTHS_AHEAD)
    cal = calendar_for(user, first, month_end(last), timezone.localdate(), months=(first, last))
    body = ical.render(
        cal,
        name=_("Visits · %(user)s") % {"user": user},
        now=timezone.now(),
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The body is one person's diary: no shared cache may keep it, no search engine list it.
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response
