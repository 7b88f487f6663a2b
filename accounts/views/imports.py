from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import imports
from accounts.forms import ImportForm
from kam import roles
from kam.exporting import attachment, file_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_template(request):
    if not roles.can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = attachment(file_name(_("Account import template")))
    imports.template_workbook().save(response)
    return response


@login_required
def import_accounts(request):
    if not roles.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        result = imports.import_accounts(form.cleaned_data["file"], by=request.user)
        if not result.errors:
            messages.success(
                request,
                _("Imported %(a)d accounts and %(c)d contacts.")
                % {"a": result.accounts, "c": result.contacts},
            )
            return redirect("accounts:list")
        errors = result.errors
        messages.error(request, _("Nothing was imported: correct the cells below and try again."))
    return render(request, "accounts/import.html", {"form": form, "errors": errors})
