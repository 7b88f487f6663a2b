"""The styled rows of kam/exporting.py's fast path read back as the values and styles given."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Border, Font, Side

from kam.exporting import Sheet, new_workbook

THIN = Border(left=Side(style="thin"))


def _written(build) -> openpyxl.worksheet.worksheet.Worksheet:
    wb = new_workbook()
    sheet = Sheet(wb, "t", [10, 10, 10, 10])
    build(sheet)
    target = io.BytesIO()
    wb.save(target)
    target.seek(0)
    return openpyxl.load_workbook(target).active


def test_styled_rows_keep_values_text_and_styles():
    def build(sheet):
        styles = sheet.styles(
            {"border": THIN}, {"number_format": "yyyy-mm-dd"}, {"font": Font(bold=True)}, {}
        )
        sheet.row(["head"])
        sheet.styled_row([1, dt.date(2026, 1, 2), "=HYPERLINK(1)", Decimal("2.5")], styles)
        sheet.styled_row([dt.date(2026, 2, 1), None, "#N/A", "a\x01b"], styles)
        sheet.styled_row([3, dt.time(9, 30), True, ""], styles)

    ws = _written(build)
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == (1, dt.datetime(2026, 1, 2), "=HYPERLINK(1)", 2.5)
    assert rows[2] == (dt.datetime(2026, 2, 1), None, "#N/A", "ab")
    assert rows[3][:3] == (3, dt.time(9, 30), True)
    # user text stays text, never a formula or an error value
    assert ws["C2"].data_type == "s" and ws["C3"].data_type == "s"
    # each column keeps its style, whatever the value before it in the row was
    assert ws["A2"].number_format == "General" and ws["A2"].border.left.style == "thin"
    assert ws["A3"].number_format == "yyyy-mm-dd" and ws["A3"].border.left.style == "thin"
    assert ws["A4"].number_format == "General"
    assert ws["B2"].number_format == "yyyy-mm-dd" and ws["B2"].border.left.style is None
    assert ws["C2"].font.b and not ws["D2"].font.b
    # an empty value in a styled column is still a styled (boxed) cell
    assert ws["B3"].number_format == "yyyy-mm-dd"
