"""What libraries show in our admin, in our language.

django-axes (sign-in lockouts, which an administrator lifts at /admin/) ships no Chinese
catalog and names its app "Axes" in plain text. Its AppConfig is replaced by one with a
translated name, and its msgids are listed here so that `make messages` keeps them in our
catalog: LOCALE_PATHS come before an app's own catalogs, so axes's admin reads our
translations.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


# Django's own admin, whose Chinese catalog lacks this one (a column header read aloud).
ADMIN_MSGIDS = [_("Change or view list link")]

AXES_MSGIDS = [
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Path"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    # "access log" is ours too (the archive's 查阅记录), so axes' log shares that name.
    _("access logs"),
]
