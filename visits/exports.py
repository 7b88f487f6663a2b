"""Excel in the layout of the paper forms (SPEC §5 "Excel"): 月拜访计划表 and 月度客户拜访记录表.

Title, company, KAM and month on top, the form's columns, totals, signature lines at the
foot; printed landscape on one page width. Both are written by kam/exporting.py's write-only
writer, whose cells keep user text as text. A plan is short and downloads at once; a month's
record can be long, so it is an export with progress (kind "visit_record").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from kam.exporting import (
    XLSX,
    Progress,
    Sheet,
    attachment,
    file_name,
    new_workbook,
    report_every,
)
from kam.periods import month_label
from visits.models import PlanLine, VisitPlan, VisitRecord
from visits.models.choices import Purpose
from visits.models.records import SpotResult
from visits.selectors import records as record_selectors

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)
DATE = "yyyy-mm-dd"
HEADER_ROW = 4  # title, facts, a blank line, then the columns


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    workbook.save(response)
    return response


def purposes_text(codes: Iterable[str]) -> str:
    labels = dict(Purpose.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


def month_text(month) -> str:
    return month_label(month)


def _form(wb: Workbook, title: str, columns: Sequence[tuple[str, int]], facts) -> Sheet:
    """A sheet with the form's heading, its line of facts and its column header."""
    sheet = Sheet(wb, title, [width for _label, width in columns])
    sheet.print_landscape(title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.freeze_below(HEADER_ROW)
    width = len(columns)
    row = sheet.row([sheet.cell(title, font=Font(bold=True, size=16), alignment=CENTER)], height=30)
    sheet.merge(row, 1, width)
    text = "    ".join(f"{label}：{value}" for label, value in facts)
    row = sheet.row([text], alignment=Alignment(vertical="center"))
    sheet.merge(row, 1, width)
    sheet.row()
    labels = [label for label, _width in columns]
    sheet.row(labels, font=BOLD, fill=HEAD_FILL, border=BOX, alignment=CENTER)
    return sheet


def _line(sheet: Sheet, values: Sequence, dates: Iterable[int] = ()) -> int:
    """A row of the form's table, boxed; `dates` are the 0-based columns holding dates."""
    return sheet.styled_row(values, _boxed(sheet, len(values), frozenset(dates)))


def _boxed(sheet: Sheet, width: int, dates: frozenset[int]):
    """The table's cell styles, made once per sheet and layout rather than once per cell."""
    made = sheet.__dict__.setdefault("_boxed", {})
    key = (width, dates)
    if key not in made:
        made[key] = sheet.styles(
            *(
                {"border": BOX, "alignment": WRAP, "number_format": DATE if i in dates else None}
                for i in range(width)
            )
        )
    return made[key]


def _signatures(sheet: Sheet, width: int, lines: Sequence[str]) -> None:
    """Paper forms are signed: one line per signer, with room for the date."""
    for offset, who in enumerate(lines):
        if offset:
            sheet.row()
        row = sheet.row([f"{who}：____________________    {_('Date')}：______________"], height=24)
        sheet.merge(row, 1, width)


def _changes_text(changes) -> str:
    return "\n".join(
        f"{c.what_changed}（{c.reason}）" + (f" {c.hours}h" if c.hours is not None else "")
        for c in changes
    )


def _translated(columns) -> list[tuple[str, int]]:
    return [
        (str(label) if isinstance(label, Promise) else _(label), width) for label, width in columns
    ]


PLAN_COLUMNS = (
    (gettext_noop("No."), 6),
    (gettext_noop("Customer name"), 30),
    (gettext_noop("Tier"), 8),
    (gettext_noop("Planned date"), 12),
    (gettext_noop("Weekday"), 8),
    (gettext_noop("Contact"), 14),
    (gettext_noop("Job title"), 14),
    (gettext_noop("Purposes"), 26),
    (gettext_noop("Expected hours"), 10),
    (gettext_noop("Notes"), 24),
    (gettext_noop("Itinerary changes"), 28),
)


def plan_workbook(plan: VisitPlan, lines: Sequence[PlanLine]) -> Workbook:
    columns = _translated(PLAN_COLUMNS)
    facts = [
        (_("Company"), settings.COMPANY_NAME),
        (_("Key account manager"), str(plan.kam)),
        (_("Month"), month_text(plan.month)),
        (_("Status"), str(plan.get_status_display())),
        (_("Due on"), plan.due_on.isoformat()),
    ]
    wb = new_workbook()
    sheet = _form(wb, _("Monthly visit plan"), columns, facts)
    weekdays = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    for number, line in enumerate(lines, start=1):
        contact = line.contact
        values = [
            number,
            line.account.name,
            str(line.account.get_tier_display()),
            line.planned_on,
            weekdays[line.planned_on.weekday()],
            contact.name if contact else "",
            contact.title if contact else "",
            purposes_text(line.purposes),
            float(line.expected_hours),
            line.notes,
            _changes_text(line.changes.all()),
        ]
        _line(sheet, values, dates=[3])
    hours = float(sum(line.expected_hours for line in lines))
    total = [sheet.cell(_("Total"), font=BOLD), _("%(n)d visits") % {"n": len(lines)}]
    sheet.row([*total, *[None] * 6, hours])
    sheet.row()
    if plan.comment:
        row = sheet.row(
            [sheet.cell(_("Review comments"), font=BOLD), sheet.cell(plan.comment, alignment=WRAP)]
        )
        sheet.merge(row, 2, len(columns))
    else:
        sheet.row()
    sheet.row()
    _signatures(
        sheet,
        len(columns),
        [_("Key account manager (signature)"), _("Sales VP, reviewed (signature)")],
    )
    return wb


RECORD_COLUMNS = (
    (gettext_noop("No."), 6),
    (gettext_noop("Date"), 12),
    (gettext_noop("Customer name"), 28),
    (gettext_noop("Time in"), 8),
    (gettext_noop("Time out"), 8),
    (gettext_noop("Hours stayed"), 8),
    (pgettext_lazy("people", "Met"), 18),  # the people met, not a rule met
    (gettext_noop("Purposes"), 22),
    (gettext_noop("Outcome"), 30),
    (gettext_noop("Competitor news"), 24),
    (gettext_noop("Next steps"), 24),
    (gettext_noop("Planned"), 16),
    (gettext_noop("Itinerary changes"), 26),
    (gettext_noop("Spot check"), 14),
)


def _record_allowed(user, params: dict) -> bool:
    return record_selectors.records_visible_to(user).filter(pk=params.get("record")).exists()


def _record_filename(params: dict) -> str:
    record = VisitRecord.objects.select_related("kam").get(pk=params["record"])
    return file_name(
        _("Visit record %(kam)s %(month)s") % {"kam": record.kam, "month": f"{record.month:%Y-%m}"}
    )


def _record_facts(record: VisitRecord) -> list[tuple[str, str]]:
    facts = [
        (_("Company"), settings.COMPANY_NAME),
        (_("Key account manager"), str(record.kam)),
        (_("Month"), month_text(record.month)),
        (_("Due on"), record.due_on.isoformat()),
    ]
    if record.submitted_at:
        submitted = timezone.localtime(record.submitted_at).strftime("%Y-%m-%d %H:%M")
        late = f" ({_('late')})" if record.is_late else ""
        facts.append((_("Submitted"), submitted + late))
    return facts


def write_record(wb: Workbook, params: dict, progress: Progress) -> None:
    """One KAM's month as the record page shows it, the visits streamed a chunk at a time so
    that a month of any length is written in constant memory."""
    record = VisitRecord.objects.select_related("kam").get(pk=params["record"])
    kam, month = record.kam, record.month
    columns = _translated(RECORD_COLUMNS)
    sheet = _form(wb, _("Monthly visit record"), columns, _record_facts(record))
    count, hours = record_selectors.month_visit_totals(kam, month)
    rows = record_selectors.month_visit_rows(kam, month)
    cells = _visit_cells_maker()
    for number, row in enumerate(report_every(rows, count, progress), start=1):
        _line(sheet, cells(number, row), dates=[1])
    total = [sheet.cell(_("Total"), font=BOLD), None, _("%(n)d visits") % {"n": count}]
    sheet.row([*total, None, None, float(hours)])
    sheet.row()
    missed = list(record_selectors.unvisited_lines(kam, month))
    if missed:
        sheet.row([sheet.cell(_("Planned but not visited"), font=BOLD)])
        for line in missed:
            values = ["", line.planned_on, line.account.name, "", "", "", "", "", line.review_note]
            _line(sheet, values, dates=[1])
        sheet.row()
    _signatures(
        sheet,
        len(columns),
        [
            _("Key account manager (signature)"),
            _("Sales manager, reviewed (signature)"),
            _("Sales VP (signature)"),
        ],
    )


def _visit_cells_maker():
    """A function from a visit's row (record_selectors.VisitRow) to its cells, with the labels
    and wordings looked up once per export rather than once per visit."""
    purposes = {code: str(label) for code, label in Purpose.choices}
    results = {code: str(label) for code, label in SpotResult.choices}
    planned_for, unplanned = _("Planned for %(date)s"), _("Unplanned")

    def cells(number: int, row) -> list:
        check = row.spot_result
        return [
            number,
            row.visited_on,
            row.account_name,
            row.time_in.strftime("%H:%M") if row.time_in else "",
            row.time_out.strftime("%H:%M") if row.time_out else "",
            float(row.hours) if row.hours is not None else "",
            "、".join(row.met),
            "、".join(purposes.get(code, code) for code in row.purposes),
            row.outcome,
            row.competitor_news,
            row.next_steps,
            planned_for % {"date": row.planned_on.isoformat()} if row.planned_on else unplanned,
            _changes_text(row.changes),
            # A check still to be made is not written: the file goes to the KAM too, who
            # must not learn which visits are picked (spot_check_shown).
            "" if check is None or check == SpotResult.PENDING else results[check],
        ]

    return cells
