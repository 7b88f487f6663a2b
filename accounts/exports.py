"""Excel output of one archive, on the exporter's text-keeping cells (kam/exporting.py): a
customer named `=HYPERLINK(...)` comes back as that name, never as a formula."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.forms import ACCOUNT_FIELDS
from accounts.models import Contact, KeyAccount
from kam.exporting import cell, new_workbook

BOLD = Font(bold=True)


def _display(account: KeyAccount, field: str):
    value = getattr(account, field)
    f = KeyAccount._meta.get_field(field)
    if f.choices:
        return str(getattr(account, f"get_{field}_display")())
    return value if value not in (None, "") else ""


def archive_workbook(account: KeyAccount) -> Workbook:
    wb = new_workbook()
    sheet = wb.create_sheet(str(_("Archive"))[:31])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    fields = [*ACCOUNT_FIELDS[:1], "owner", *ACCOUNT_FIELDS[1:]]
    for field in fields:
        label = KeyAccount._meta.get_field(field).verbose_name
        value = str(account.owner) if field == "owner" else _display(account, field)
        sheet.append([cell(sheet, label, font=BOLD), cell(sheet, value)])

    contacts = wb.create_sheet(str(_("Contacts"))[:31])
    labels = ["name", "title", "level", "phone", "email"]
    contacts.append([cell(contacts, Contact._meta.get_field(f).verbose_name) for f in labels])
    for c in account.contacts.filter(is_active=True):
        values = (c.name, c.title, c.get_level_display(), c.phone, c.email)
        contacts.append([cell(contacts, v) for v in values])
    return wb
