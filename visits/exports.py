"""Excel in the layout of the paper forms (SPEC §5 "Excel"): 月拜访计划表 and 月度客户拜访记录表.

Title, company, KAM and month on top, the form's columns, totals, signature lines at the
foot; printed landscape on one page width. Cells from user input never start a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.exports import safe_cell
from visits.models import PlanLine, VisitPlan
from visits.models.choices import Purpose

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


def purposes_text(codes: Iterable[str]) -> str:
    labels = dict(Purpose.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


def month_text(month) -> str:
    return _("%(year)d-%(month)02d") % {"year": month.year, "month": month.month}


def _sheet(title: str, columns: Sequence[tuple[str, int]]) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for index, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return wb, ws


def _title(ws: Worksheet, title: str, width: int, facts: Sequence[tuple[str, str]]) -> int:
    """The form's heading and its line of facts; returns the next free row."""
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    cell = ws.cell(row=1, column=1, value=title)
    cell.font, cell.alignment = Font(bold=True, size=16), CENTER
    ws.row_dimensions[1].height = 30
    text = "    ".join(f"{label}：{value}" for label, value in facts)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(row=2, column=1, value=safe_cell(text)).alignment = Alignment(vertical="center")
    return 4


def _header(ws: Worksheet, row: int, columns: Sequence[tuple[str, int]]) -> None:
    for index, (label, _width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=index, value=label)
        cell.font, cell.fill, cell.border, cell.alignment = (
            Font(bold=True),
            HEAD_FILL,
            BOX,
            CENTER,
        )
    ws.print_title_rows = f"{row}:{row}"
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _row(ws: Worksheet, row: int, values: Sequence) -> None:
    for index, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=index, value=safe_cell(value))
        cell.border, cell.alignment = BOX, WRAP


def _signatures(ws: Worksheet, row: int, width: int, lines: Sequence[str]) -> None:
    """Paper forms are signed: one line per signer, with room for the date."""
    for offset, who in enumerate(lines):
        ws.merge_cells(
            start_row=row + offset * 2, start_column=1, end_row=row + offset * 2, end_column=width
        )
        text = f"{who}：____________________    {_('Date')}：______________"
        ws.cell(row=row + offset * 2, column=1, value=text)
        ws.row_dimensions[row + offset * 2].height = 24


def _changes_text(changes) -> str:
    return "\n".join(
        f"{c.what_changed}（{c.reason}）" + (f" {c.hours}h" if c.hours is not None else "")
        for c in changes
    )


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


def _translated(columns) -> list[tuple[str, int]]:
    return [(_(label), width) for label, width in columns]


def plan_workbook(plan: VisitPlan, lines: Sequence[PlanLine]) -> Workbook:
    columns = _translated(PLAN_COLUMNS)
    wb, ws = _sheet(_("Monthly visit plan"), columns)
    facts = [
        (_("Company"), settings.COMPANY_NAME),
        (_("Key account manager"), str(plan.kam)),
        (_("Month"), month_text(plan.month)),
        (_("Status"), str(plan.get_status_display())),
        (_("Due on"), plan.due_on.isoformat()),
    ]
    row = _title(ws, _("Monthly visit plan"), len(columns), facts)
    _header(ws, row, columns)
    weekdays = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    for number, line in enumerate(lines, start=1):
        contact = line.contact
        _row(
            ws,
            row + number,
            [
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
            ],
        )
        ws.cell(row=row + number, column=4).number_format = "yyyy-mm-dd"
    total = row + len(lines) + 1
    ws.cell(row=total, column=1, value=_("Total")).font = Font(bold=True)
    ws.cell(row=total, column=2, value=_("%(n)d visits") % {"n": len(lines)})
    ws.cell(row=total, column=9, value=float(sum(line.expected_hours for line in lines)))
    if plan.comment:
        ws.cell(row=total + 2, column=1, value=_("Review comments")).font = Font(bold=True)
        ws.merge_cells(start_row=total + 2, start_column=2, end_row=total + 2, end_column=11)
        ws.cell(row=total + 2, column=2, value=safe_cell(plan.comment)).alignment = WRAP
    _signatures(
        ws,
        total + 4,
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
    (gettext_noop("Met"), 18),
    (gettext_noop("Purposes"), 22),
    (gettext_noop("Outcome"), 30),
    (gettext_noop("Competitor news"), 24),
    (gettext_noop("Next steps"), 24),
    (gettext_noop("Planned"), 16),
    (gettext_noop("Itinerary changes"), 26),
)


def record_workbook(month_record, kam_name: str) -> Workbook:
    """`month_record` is visits.selectors.records.MonthRecord: the visits and the plan lines
    of one KAM's month, as the record page shows them."""
    columns = _translated(RECORD_COLUMNS)
    wb, ws = _sheet(_("Monthly visit record"), columns)
    record = month_record.record
    facts = [
        (_("Company"), settings.COMPANY_NAME),
        (_("Key account manager"), kam_name),
        (_("Month"), month_text(month_record.month)),
    ]
    if record is not None:
        facts.append((_("Due on"), record.due_on.isoformat()))
        if record.submitted_at:
            submitted = timezone.localtime(record.submitted_at).strftime("%Y-%m-%d %H:%M")
            late = f" ({_('late')})" if record.is_late else ""
            facts.append((_("Submitted"), submitted + late))
    row = _title(ws, _("Monthly visit record"), len(columns), facts)
    _header(ws, row, columns)
    visits = month_record.visits
    for number, visit in enumerate(visits, start=1):
        _row(ws, row + number, _visit_cells(number, visit))
        ws.cell(row=row + number, column=2).number_format = "yyyy-mm-dd"
    total = row + len(visits) + 1
    ws.cell(row=total, column=1, value=_("Total")).font = Font(bold=True)
    ws.cell(row=total, column=3, value=_("%(n)d visits") % {"n": len(visits)})
    ws.cell(row=total, column=6, value=float(month_record.total_hours))
    missed = [r.line for r in month_record.rows if not r.visits]
    next_row = total + 2
    if missed:
        ws.cell(row=next_row, column=1, value=_("Planned but not visited")).font = Font(bold=True)
        for offset, line in enumerate(missed, start=1):
            _row(
                ws,
                next_row + offset,
                ["", line.planned_on, line.account.name, "", "", "", "", "", line.review_note],
            )
            ws.cell(row=next_row + offset, column=2).number_format = "yyyy-mm-dd"
        next_row += len(missed) + 2
    _signatures(
        ws,
        next_row,
        len(columns),
        [
            _("Key account manager (signature)"),
            _("Sales manager, reviewed (signature)"),
            _("Sales VP (signature)"),
        ],
    )
    return wb


def _visit_cells(number: int, visit) -> list:
    line = visit.plan_line
    planned = (
        _("Planned for %(date)s") % {"date": line.planned_on.isoformat()}
        if line
        else _("Unplanned")
    )
    return [
        number,
        visit.visited_on,
        visit.account.name,
        visit.time_in.strftime("%H:%M") if visit.time_in else "",
        visit.time_out.strftime("%H:%M") if visit.time_out else "",
        float(visit.hours) if visit.hours is not None else "",
        "、".join(c.name for c in visit.met),
        purposes_text(visit.purposes),
        visit.outcome,
        visit.competitor_news,
        visit.next_steps,
        planned,
        _changes_text(visit.change_list),
    ]
