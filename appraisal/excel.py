"""The appraisal sheet of a period (SPEC §5 "Excel"), built from what the rollup stored.

Sheet 1, the appraisal sheet (考核表): a row per KAM in rank order with each dimension's
figure, score (the adjusted one where a sales manager adjusted it, shaded) and weight, the
total and the reasons for adjustments. Sheet 2: each account's figures behind them. Both are
formatted for printing: landscape, one page wide, header rows repeated and frozen.

Registered as the export kind "appraisal" (params {"period": id}); kam/exporting.py writes it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from appraisal.models import AccountLine, Adjustment, Dimension, Period, Row, Score
from kam import roles
from kam.exporting import Progress, Sheet, file_name, report_every

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F2")
ADJUSTED_FILL = PatternFill("solid", fgColor="FFF2CC")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
MONEY = "#,##0.00"
ONE_DECIMAL = "0.0"
WHOLE = "0"

LEAD = 3  # rank, KAM, team
HEADER_ROW = 4  # title, facts, a blank line, then two header rows


def _allowed(user, params: dict) -> bool:
    return roles.can_export_appraisal(user)


def _filename(params: dict) -> str:
    period = Period.objects.get(pk=params["period"])
    return file_name(_("Appraisal sheet %(period)s") % {"period": period.label})


def write_appraisal(wb: Workbook, params: dict, progress: Progress) -> None:
    period = Period.objects.select_related("finalised_by").get(pk=params["period"])
    rows = (
        Row.objects.filter(period=period)
        .select_related("kam", "team")
        .order_by(F("rank").asc(nulls_last=True), "kam__name", "pk")
    )
    lines = (
        AccountLine.objects.filter(period=period)
        .select_related("account", "kam")
        .order_by("kam__name", "account__name", "pk")
    )
    total = rows.count() + lines.count()
    done = _appraisal_sheet(wb, period, rows, lambda n: progress(n / total if total else 1))
    _details_sheet(wb, period, lines, lambda f: progress((done + f * (total - done)) / total))


# Sheet 1 ---------------------------------------------------------------------------------------


def _facts(period: Period) -> str:
    status = str(period.get_status_display())
    if period.is_final and period.finalised_at:
        status += " " + _("(finalised %(date)s by %(who)s)") % {
            "date": timezone.localtime(period.finalised_at).strftime("%Y-%m-%d"),
            "who": str(period.finalised_by or ""),
        }
    facts = [
        (_("Company"), getattr(settings, "COMPANY_NAME", "")),
        (_("Period"), f"{period.label} ({period.starts_on:%Y-%m-%d} – {period.ends_on:%Y-%m-%d})"),
        (_("Status"), status),
        (_("Printed on"), timezone.localdate().isoformat()),
    ]
    return "    ".join(f"{label}：{value}" for label, value in facts)


def _appraisal_sheet(wb: Workbook, period: Period, rows, progress) -> int:
    dimensions = list(Dimension)
    width = LEAD + 3 * len(dimensions) + 2
    widths = [6, 12, 10, *[9, 7, 7] * len(dimensions), 8, 44]
    sheet = Sheet(wb, _("Appraisal sheet"), widths)
    sheet.print_landscape(title_rows=f"{HEADER_ROW}:{HEADER_ROW + 1}")
    sheet.ws.freeze_panes = f"D{HEADER_ROW + 2}"  # the header and the KAM's name stay in view
    title = _("Appraisal sheet %(period)s") % {"period": period.label}
    row = sheet.row([sheet.cell(title, font=Font(bold=True, size=16), alignment=CENTER)], height=30)
    sheet.merge(row, 1, width)
    row = sheet.row([_facts(period)], alignment=Alignment(vertical="center", wrap_text=True))
    sheet.merge(row, 1, width)
    sheet.row([_("Shaded scores were adjusted; the reasons are in the last column.")])
    _appraisal_header(sheet, dimensions)
    scores, reasons = _scores_and_reasons(period)
    count = 0
    for count, r in enumerate(rows, start=1):
        sheet.row(_kam_cells(sheet, r, dimensions, scores[r.pk], reasons[r.pk]))
        progress(count)
    return count


def _head(sheet: Sheet, value) -> object:
    return sheet.cell(value, font=BOLD, fill=HEAD_FILL, border=BOX, alignment=CENTER)


def _appraisal_header(sheet: Sheet, dimensions) -> None:
    """Two rows: each dimension's name over its figure, score and weight."""
    lead = [_("Rank"), _("Key account manager"), _("Team")]
    tail = [_("Total"), _("Reasons for adjustments")]
    top = [*lead, *[d.label for d in dimensions for _n in range(3)], *tail]
    sub = ["", "", "", *[h for _d in dimensions for h in _triple()], "", ""]
    first = sheet.row([_head(sheet, v) for v in top], height=48)
    sheet.row([_head(sheet, v) for v in sub])
    for column in (*range(1, LEAD + 1), len(top) - 1, len(top)):
        sheet.merge(first, column, column, to_row=first + 1)
    for index in range(len(dimensions)):
        start = LEAD + 1 + 3 * index
        sheet.merge(first, start, start + 2)


def _triple() -> list[str]:
    return [_("Figure"), pgettext("appraisal", "Score"), _("Weight (%)")]


def _scores_and_reasons(period: Period):
    scores: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.objects.filter(row__period=period):
        scores[score.row_id][score.dimension] = score
    reasons: dict[int, list[str]] = defaultdict(list)
    adjustments = Adjustment.objects.filter(score__row__period=period).select_related("score")
    for a in adjustments.order_by("at", "pk"):
        what = f"{a.score.get_dimension_display()} {_number_text(a.before)}→{_number_text(a.after)}"
        reasons[a.score.row_id].append(f"{a.reason}（{what}）")
    return scores, reasons


def _number_text(value) -> str:
    return "–" if value is None else f"{value}"


def _kam_cells(sheet: Sheet, row: Row, dimensions, scores, reasons) -> list:
    def number(value, fmt, **style):
        return sheet.cell(value, number_format=fmt, border=BOX, **style)

    cells = [
        number(row.rank, WHOLE),
        sheet.cell(str(row.kam), border=BOX),
        sheet.cell(str(row.team) if row.team else "", border=BOX),
    ]
    for dimension in dimensions:
        score = scores.get(dimension)
        if score is None:
            cells += [number(None, None) for _n in range(3)]
            continue
        figure_format = WHOLE if dimension == Dimension.LOST_ACCOUNTS else ONE_DECIMAL
        adjusted = {"fill": ADJUSTED_FILL} if score.adjusted is not None else {}
        cells += [
            number(score.figure, figure_format),
            number(score.final, ONE_DECIMAL, **adjusted),
            number(score.weight, ONE_DECIMAL),
        ]
    cells += [
        number(row.total, ONE_DECIMAL, font=BOLD),
        sheet.cell("\n".join(reasons), border=BOX, alignment=WRAP),
    ]
    return cells


# Sheet 2 ---------------------------------------------------------------------------------------

# (heading, width, kind, name in AccountLine.figures — appraisal/metrics.account_figures).
# Read with .get(): a figure a rollup left out is a blank cell, not an error.
DETAILS = (
    (gettext_lazy("Invoiced"), 14, "money", "invoiced"),
    (gettext_lazy("Collected"), 14, "money", "collected"),
    (gettext_lazy("Falling due"), 14, "money", "falling_due"),
    (gettext_lazy("Outstanding"), 14, "money", "outstanding"),
    (gettext_lazy("Overdue"), 14, "money", "overdue"),
    (gettext_lazy("New?"), 7, "yes", "is_new"),
    (gettext_lazy("Lost?"), 7, "yes", "is_lost"),
    (pgettext_lazy("count", "Visits"), 8, "count", "visits"),
    (gettext_lazy("Complaints"), 9, "count", "complaints"),
    (gettext_lazy("Complaints handled on time"), 11, "count", "complaints_on_time"),
    (gettext_lazy("Archive completeness (%)"), 12, "percent", "completeness"),
    (gettext_lazy("Review on time?"), 9, "yes", "review_on_time"),
)
FORMATS = {"money": MONEY, "count": WHOLE, "percent": ONE_DECIMAL}


def _details_sheet(wb: Workbook, period: Period, lines, progress: Progress) -> None:
    lead = [(_("Customer name"), 30), (_("Key account manager"), 12), (_("Tier"), 8)]
    columns = [*lead, *[(str(label), width) for label, width, _k, _n in DETAILS]]
    sheet = Sheet(wb, _("Account details"), [width for _label, width in columns])
    sheet.print_landscape(title_rows="3:3")
    sheet.ws.freeze_panes = "B4"
    title = _("Account details %(period)s") % {"period": period.label}
    row = sheet.row([sheet.cell(title, font=Font(bold=True, size=14))], height=24)
    sheet.merge(row, 1, len(columns))
    sheet.row()
    sheet.row([_head(sheet, label) for label, _width in columns], height=36)
    total = lines.count()
    for line in report_every(lines.iterator(chunk_size=2000), total, progress):
        sheet.row(_line_cells(sheet, line))


def _line_cells(sheet: Sheet, line: AccountLine) -> list:
    figures = line.figures or {}
    cells = [
        sheet.cell(line.account.name, border=BOX),
        sheet.cell(str(line.kam) if line.kam else "", border=BOX),
        sheet.cell(str(line.account.get_tier_display()), border=BOX),
    ]
    for _label, _width, kind, name in DETAILS:
        value = figures.get(name)
        if kind == "yes":
            text = "" if value is None else (_("Yes") if _truthy(value) else _("No"))
            cells.append(sheet.cell(text, border=BOX, alignment=CENTER))
        else:
            cells.append(sheet.cell(_decimal(value), border=BOX, number_format=FORMATS[kind]))
    return cells


def _decimal(value) -> Decimal | None:
    """JSON keeps money as text (every cent); anything unreadable is left blank."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _truthy(value) -> bool:
    number = _decimal(value)
    return bool(value) if number is None else number != 0
