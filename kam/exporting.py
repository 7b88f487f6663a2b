"""Spreadsheet exports, after pretix's exporters (DESIGN "Long exports").

Each kind of export is an `Exporter`, added in its app's `AppConfig.ready()`: who may start
it, the name of its file, and a function that writes rows into an
`openpyxl.Workbook(write_only=True)`, reporting progress now and then. `export_start` records
an `Export` and hands it to the Celery task `kam.tasks.run_export`, which calls `export_run`:
the file is written to a temporary file and stored in one go, so a failure leaves the export
failed and no half file behind, and a retry starts from scratch. The page polls the export
and then offers the download to its owner.

Every cell goes through `cell()`, which keeps text as text: a customer named
`=HYPERLINK(...)` stays a name, never a formula.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kam.models import Export, ExportStatus

if TYPE_CHECKING:
    from kam.models import User

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_TYPES = (dt.date, dt.time, dt.timedelta)  # datetime is a date
PLAIN_NUMBERS = frozenset({int, float})  # exactly these types: bool is an int subclass
MAX_TEXT = 32767  # characters Excel keeps in a cell
# What Windows and macOS refuse in a file name; an account's name may hold any of them.
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(title: str, extension: str = "xlsx") -> str:
    """A download's name from its title in the user's language ("拜访记录表 陈静 2026-10"):
    people keep these files, and a name they can read is one they can find again."""
    stem = UNSAFE_IN_FILE_NAME.sub("_", str(title)).strip(" ._") or "export"
    return f"{stem[:120]}.{extension}"


def attachment(filename: str) -> str:
    """The Content-Disposition of a download, its name encoded for any browser (RFC 6266)."""
    return content_disposition_header(True, filename)


PROGRESS_EVERY = 500  # rows between two progress reports

Progress = Callable[[float], None]
T = TypeVar("T")


# Cells ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """What a cell may hold: lazy translations as text, text without the control characters
    XML cannot carry, aware datetimes as local time (Excel knows no time zones)."""
    if isinstance(value, Promise):
        return ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def cell(ws: WriteOnlyWorksheet, value: Any, **style) -> Cell:
    """A write-only cell whose text stays text. openpyxl reads a string starting with "=" as a
    formula (and "#N/A" as an error); forcing the string type writes it as an inline string,
    exactly as typed, with no quote in front. `style`: font, fill, border, alignment,
    number_format."""
    value = _plain(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"
    style = {name: setting for name, setting in style.items() if setting is not None}
    if style:
        if c.is_date and "number_format" not in style:
            style["number_format"] = c.number_format  # the one openpyxl chose for the value
        c._style = StyleArray(_style_of(ws, style))
    return c


def _style_of(ws: WriteOnlyWorksheet, style: dict) -> StyleArray:
    """openpyxl hashes a font, fill or border every time one is set on a cell, which costs
    more than writing the cell; each combination is set once per workbook and its indices
    copied after. The cache keeps the style objects, so their ids stay theirs."""
    cache = ws.parent.__dict__.setdefault("_kam_styles", {})
    key = tuple(sorted((name, id(setting)) for name, setting in style.items()))
    found = cache.get(key)
    if found is None:
        proto = WriteOnlyCell(ws)
        for name, setting in style.items():
            setattr(proto, name, setting)
        found = cache[key] = (proto._style, tuple(style.values()))
    return found[0]


class StyledValues(list):
    """A row of plain values with one ready style per column (`Sheet.styles`)."""

    __slots__ = ("styles",)

    def __init__(self, values: Iterable[Any], styles: Sequence[tuple[StyleArray, int]]):
        super().__init__(values)
        self.styles = styles


class _ReusedCell(Cell):
    """The one cell a `_FastSheet` writes every styled value through; its style's index in
    the workbook is looked up once per column (`Sheet.styles`), not hashed for every value."""

    __slots__ = ("style_index",)

    @property
    def style_id(self) -> int:
        return self.style_index


class _FastSheet(WriteOnlyWorksheet):
    """A write-only worksheet that writes a `StyledValues` row through one reused cell, the way
    openpyxl writes a row of plain values, instead of a new styled cell per value: a long table
    in the paper form's boxed layout then costs what openpyxl's own plain `append` costs (the
    visit record export ran at 1,380 rows/s with a cell per value; `make bench` compares it
    with openpyxl's floor). Relies on openpyxl's write-only internals (`_values_to_row`), which
    is why openpyxl is pinned; the export tests read every file back."""

    def _values_to_row(self, values, row_idx):
        if not isinstance(values, StyledValues):
            yield from super()._values_to_row(values, row_idx)
            return
        cell = _ReusedCell(self)
        cell.row = row_idx
        for col_idx, (value, (style, index)) in enumerate(
            zip(values, values.styles, strict=True), 1
        ):
            kind = type(value)
            if kind is str:
                # Text stays text, as in cell(), without what XML cannot hold.
                cell._value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
                cell.data_type = "s"
            elif kind in PLAIN_NUMBERS or value is None:
                cell._value, cell.data_type = value, "n"  # what binding would do, cheaper
            else:
                value = _plain(value)
                if isinstance(value, str):
                    cell._value, cell.data_type = value[:MAX_TEXT], "s"
                elif isinstance(value, DATE_TYPES):
                    style, index = self._dated(style, index, value)
                    cell._value, cell.data_type = value, "d"
                else:
                    cell.value = value  # a bool, a Decimal: binding leaves styles alone
            cell.column = col_idx
            cell._style, cell.style_index = style, index
            yield cell  # written at once, before the next value rebinds the cell

    def _dated(self, style: StyleArray, index: int, value) -> tuple[StyleArray, int]:
        """The column's style with a number format that shows `value` as a date or time:
        its own when it has one, else the one openpyxl gives such a value (made once)."""
        made = self.__dict__.setdefault("_dated_styles", {})
        key = (index, type(value))
        if key not in made:
            probe = WriteOnlyCell(self)
            probe._style = StyleArray(style)  # a copy: binding may set a number format
            probe.value = value
            made[key] = (probe._style, self.parent._cell_styles.add(probe._style))
        return made[key]


class Sheet:
    """A write-only worksheet that counts its rows, for layouts that merge or refer to cells
    by position. Column widths, frozen rows and the page setup must be set before the first
    row: a write-only sheet writes them at its top."""

    def __init__(self, wb: Workbook, title: str, widths: Iterable[float]):
        self.ws = _FastSheet(parent=wb, title=_sheet_title(title))
        wb._add_sheet(self.ws)
        self.rows = 0
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def print_landscape(self, *, title_rows: str | None = None) -> None:
        """Landscape, A4, one page wide and as many pages long as it takes."""
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if title_rows:
            ws.print_title_rows = title_rows

    def freeze_below(self, row: int) -> None:
        self.ws.freeze_panes = f"A{row + 1}"

    def row(self, values: Iterable[Any] = (), *, height: float | None = None, **style) -> int:
        """Append a row (values or ready cells); returns its number."""
        self.rows += 1
        if height is not None:
            self.ws.row_dimensions[self.rows].height = height
        self.ws.append([v if isinstance(v, Cell) else cell(self.ws, v, **style) for v in values])
        return self.rows

    def styles(self, *styles: dict) -> tuple[tuple[StyleArray, int], ...]:
        """One ready style per column, for `styled_row`: each a dict of font, fill, border,
        alignment and number_format as `cell()` takes them."""
        ready = []
        for style in styles:
            style = {name: setting for name, setting in style.items() if setting is not None}
            array = StyleArray(_style_of(self.ws, style)) if style else StyleArray()
            ready.append((array, self.ws.parent._cell_styles.add(array)))
        return tuple(ready)

    def styled_row(self, values: Iterable[Any], styles: Sequence[tuple[StyleArray, int]]) -> int:
        """Append a row of plain values styled column by column; the fast way for long tables."""
        self.rows += 1
        self.ws.append(StyledValues(values, styles))
        return self.rows

    def merge(self, row: int, first: int, last: int, *, to_row: int | None = None) -> None:
        """Merge columns `first`..`last` of `row` (down to `to_row`)."""
        end = f"{get_column_letter(last)}{to_row or row}"
        self.ws.merged_cells.add(f"{get_column_letter(first)}{row}:{end}")

    def cell(self, value: Any, **style) -> Cell:
        return cell(self.ws, value, **style)


def _sheet_title(title: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(title)).translate(str.maketrans("", "", "[]:*?/\\"))[
        :31
    ]


def new_workbook() -> Workbook:
    """A write-only workbook; its sheets are added with `Sheet` (it starts with none)."""
    return Workbook(write_only=True)


def report_every(
    items: Iterable[T], total: int, progress: Progress, every: int = PROGRESS_EVERY
) -> Iterator[T]:
    """Yield the items, reporting the fraction done every `every` items."""
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0 and total:
            progress(min(done / total, 1.0))


# The registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exporter:
    kind: str
    allowed: Callable[[User, dict], bool]  # may this user export with these params?
    filename: Callable[[dict], str]
    write: Callable[[Workbook, dict, Progress], None]


EXPORTERS: dict[str, Exporter] = {}


def add_exporters(*exporters: Exporter) -> None:
    """Called from each app's `AppConfig.ready()`, like the entries of kam/registry.py."""
    for e in exporters:
        EXPORTERS[e.kind] = e


def exporter_for(kind: str) -> Exporter:
    try:
        return EXPORTERS[kind]
    except KeyError:
        raise ValueError(f"no exporter of kind {kind!r}") from None


def write_workbook(kind: str, params: dict, target, progress: Progress | None = None) -> None:
    """Write an export to `target` (a path or a binary file) in this process; what the task
    does, without the Export row. Tests and the bench call it directly."""
    wb = new_workbook()
    try:
        exporter_for(kind).write(wb, params, progress or (lambda fraction: None))
        if not wb.worksheets:
            wb.create_sheet()
        wb.save(target)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """Close the sheets of a workbook that will not be saved and remove their temporary
    files (a write-only sheet streams its rows to one)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


# Service and task body ------------------------------------------------------------------------


def export_start(*, kind: str, params: dict, by: User) -> Export:
    """Record an export and have a worker write it. Without a broker (or with Redis down) it
    is written in this process instead, so the user still gets her file."""
    from kam.tasks import enqueue, run_export

    exporter = exporter_for(kind)
    if not exporter.allowed(by, params):
        raise PermissionDenied
    export = Export.objects.create(
        owner=by,
        kind=kind,
        params=params,
        filename=exporter.filename(params),
        language=translation.get_language() or "",
    )
    enqueue(run_export, export.pk, fallback=lambda: export_run(export.pk))
    return export


def _reporter(export_id: int) -> Progress:
    """At most one UPDATE per whole percent, and never 100 before the file is stored."""
    last = -1

    def progress(fraction: float) -> None:
        nonlocal last
        percent = max(0, min(99, int(fraction * 100)))
        if percent > last:
            Export.objects.filter(pk=export_id).update(progress=percent)
            last = percent

    return progress


def export_run(export_id: int) -> None:
    """Write and store one export. Done exports are left alone, so a repeated task is
    harmless; anything else starts again from an empty file."""
    export = Export.objects.filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.DONE:
        return
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.RUNNING, progress=0, error="", finished_at=None
    )
    storage = export.file.storage
    name = f"exports/export-{export.pk}.xlsx"
    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
            with translation.override(export.language or settings.LANGUAGE_CODE):
                write_workbook(export.kind, export.params, tmp, _reporter(export.pk))
            tmp.seek(0)
            if storage.exists(name):  # left by an attempt that died before it finished
                storage.delete(name)
            name = storage.save(name, File(tmp, name=name))
    except Exception as exc:
        log.exception("export %s (%s) failed", export.pk, export.kind)
        if storage.exists(name):
            storage.delete(name)
        Export.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    Export.objects.filter(pk=export_id).update(
        status=ExportStatus.DONE, progress=100, file=name, finished_at=timezone.now()
    )
