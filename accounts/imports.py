"""Excel import of accounts and contacts (administrators): every row validated, all or nothing."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from accounts.forms import AccountForm, ContactForm
from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Status, Tier
from accounts.services import timeline_add
from kam.models import User
from kam.registry import registry
from kam.roles import Role
from kam.services import save_with_history

ACCOUNT_COLUMNS = [
    ("name", gettext_lazy("Customer name")),
    ("credit_code", gettext_lazy("Unified social credit code")),
    ("tier", gettext_lazy("Tier")),
    ("status", gettext_lazy("Status")),
    ("owner", gettext_lazy("Owner KAM (login name)")),
    ("legal_representative", gettext_lazy("Legal representative")),
    ("registered_capital", gettext_lazy("Registered capital (yuan)")),
    ("industry", gettext_lazy("Industry")),
    ("industry_position", gettext_lazy("Industry position")),
    ("business_scope", gettext_lazy("Business scope")),
    ("address", gettext_lazy("Address")),
    ("postcode", gettext_lazy("Postcode")),
    ("phone", gettext_lazy("Phone")),
    ("fax", gettext_lazy("Fax")),
    ("website", gettext_lazy("Website")),
]
CONTACT_COLUMNS = [
    ("account", gettext_lazy("Customer name")),
    ("name", gettext_lazy("Contact name")),
    ("title", gettext_lazy("Job title")),
    ("level", gettext_lazy("Level")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
]
# The sheets' codes; the template names them in the user's language (SHEET_LABELS), and an
# import finds them under either language's name or the code.
ACCOUNTS_SHEET = "accounts"
CONTACTS_SHEET = "contacts"
SHEET_LABELS = {
    ACCOUNTS_SHEET: pgettext_lazy("sheet", "Accounts"),
    CONTACTS_SHEET: pgettext_lazy("sheet", "Contacts"),
}
MAX_ROWS = 5000


def sheet_label(code: str) -> str:
    return str(SHEET_LABELS.get(code, code))


def _sheet(wb, code: str):
    """The sheet of this code in a workbook made from the template of any language."""
    names = {code}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(sheet_label(code))
    return next((wb[name] for name in wb.sheetnames if name in names), None)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # e.g. "B (Unified social credit code)"
    message: str

    @property
    def sheet_label(self) -> str:
        return sheet_label(self.sheet) if self.sheet else ""


@dataclass
class ImportResult:
    errors: list[CellError]
    accounts: int = 0
    contacts: int = 0


def template_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_label(ACCOUNTS_SHEET)
    ws.append([str(label) for _f, label in ACCOUNT_COLUMNS])
    ws2 = wb.create_sheet(sheet_label(CONTACTS_SHEET))
    ws2.append([str(label) for _f, label in CONTACT_COLUMNS])
    for sheet in (ws, ws2):
        for i in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 22
        sheet.freeze_panes = "A2"
    return wb


def _choice(value: str, choices) -> str:
    """Accept the code or the label in either language (战略客户, 战略, strategic…)."""
    text = str(value or "").strip()
    for code, label in choices:
        if text.lower() in {code, str(label).lower()} or (text and text in str(label)):
            return code
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(sheet):
    for index, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(v not in (None, "") for v in row):
            yield index, row


def _column(columns, field: str) -> str:
    for i, (name, label) in enumerate(columns, start=1):
        if name == field:
            return f"{get_column_letter(i)} ({label})"
    return ""


def _account_rows(sheet, errors, owners):
    accounts, seen_codes, names = [], set(), {}
    for row_no, row in _rows(sheet):
        raw = {f: row[i] if i < len(row) else None for i, (f, _l) in enumerate(ACCOUNT_COLUMNS)}
        data = {f: _text(v) for f, v in raw.items()}
        data["tier"] = _choice(data["tier"], Tier.choices) or Tier.POTENTIAL
        data["status"] = _choice(data["status"], Status.choices) or Status.DEVELOPING
        capital = raw["registered_capital"]
        if capital not in (None, ""):
            # a value that is not a number is left as it is, for the form to report
            with contextlib.suppress(InvalidOperation):
                data["registered_capital"] = str(Decimal(str(capital)))
        form = AccountForm(data)
        owner = owners.get(data["owner"])
        row_errors = []
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = _column(ACCOUNT_COLUMNS, field) or field
                row_errors += [CellError(ACCOUNTS_SHEET, row_no, column, m) for m in messages]
        if owner is None:
            row_errors.append(
                CellError(
                    ACCOUNTS_SHEET,
                    row_no,
                    _column(ACCOUNT_COLUMNS, "owner"),
                    _("No active key account manager has the login name “%(name)s”.")
                    % {"name": data["owner"]},
                )
            )
        code = form.cleaned_data.get("credit_code") if form.is_valid() else ""
        if code and code in seen_codes:
            row_errors.append(
                CellError(
                    ACCOUNTS_SHEET,
                    row_no,
                    _column(ACCOUNT_COLUMNS, "credit_code"),
                    _("This code appears twice in the file."),
                )
            )
        seen_codes.add(code)
        errors += row_errors
        if not row_errors:
            names[data["name"]] = len(accounts)
            accounts.append((form.cleaned_data, owner))
    return accounts, names


def _contact_rows(sheet, errors, names):
    contacts = []
    existing = {a.name: a for a in KeyAccount.objects.only("pk", "name")}
    for row_no, row in _rows(sheet):
        data = {
            f: _text(row[i] if i < len(row) else None) for i, (f, _l) in enumerate(CONTACT_COLUMNS)
        }
        data["level"] = _choice(data["level"], ContactLevel.choices)
        data["is_active"] = True
        form = ContactForm(data)
        row_errors = []
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = _column(CONTACT_COLUMNS, field) or field
                row_errors += [CellError(CONTACTS_SHEET, row_no, column, m) for m in messages]
        target = names.get(data["account"], existing.get(data["account"]))
        if target is None:
            row_errors.append(
                CellError(
                    CONTACTS_SHEET,
                    row_no,
                    _column(CONTACT_COLUMNS, "account"),
                    _("No account named “%(name)s” in this file or the system.")
                    % {"name": data["account"]},
                )
            )
        errors += row_errors
        if not row_errors:
            contacts.append((form.cleaned_data, target))
    return contacts


def import_accounts(file, *, by: User) -> ImportResult:
    """Validate every row first; write only when no cell is wrong, in one transaction."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(
            [CellError("", 0, "", _("This file is not a readable .xlsx workbook."))]
        )
    accounts_sheet, contacts_sheet = _sheet(wb, ACCOUNTS_SHEET), _sheet(wb, CONTACTS_SHEET)
    if accounts_sheet is None:
        return ImportResult(
            [
                CellError(
                    ACCOUNTS_SHEET,
                    0,
                    "",
                    _("The sheet “%(sheet)s” is missing: start from the template.")
                    % {"sheet": sheet_label(ACCOUNTS_SHEET)},
                )
            ]
        )
    owners = {u.username: u for u in User.objects.filter(role=Role.KAM, is_active=True)}
    errors: list[CellError] = []
    accounts, names = _account_rows(accounts_sheet, errors, owners)
    contacts = []
    if contacts_sheet is not None:
        contacts = _contact_rows(contacts_sheet, errors, names)
    if len(accounts) + len(contacts) > MAX_ROWS:
        errors.append(CellError("", 0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
    if errors:
        return ImportResult(errors)
    return _write(accounts, contacts, by)


@transaction.atomic
def _write(accounts, contacts, by: User) -> ImportResult:
    created = []
    for data, owner in accounts:
        account = KeyAccount(owner=owner, **data)
        save_with_history(account, by)
        timeline_add(account=account, kind="imported", summary=account.name, actor=by)
        created.append(account)
    for data, target in contacts:
        account = created[target] if isinstance(target, int) else target
        contact = Contact(account=account, **data)
        save_with_history(contact, by)
    registry.account_changed([a.pk for a in created])
    return ImportResult([], accounts=len(created), contacts=len(contacts))
