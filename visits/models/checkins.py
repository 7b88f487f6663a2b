"""签到 / 签退 (SPEC §8): where and when a KAM arrived at and left a customer, and the
customer's location that later check-ins are measured against."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import KeyAccount
from visits.models.records import Visit


class LocationStatus(models.TextChoices):
    OK = "ok", _("Located")
    DENIED = "denied", _("Location denied by the user")
    UNAVAILABLE = "unavailable", _("Location unavailable")


def _coordinate_checks(prefix: str, lat: str, lon: str, accuracy: str) -> list:
    """Coordinates come from the browser: the database keeps impossible ones out."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True}) | Q(**{f"{lat}__gte": -90, f"{lat}__lte": 90}),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lon}__isnull": True})
            | Q(**{f"{lon}__gte": -180, f"{lon}__lte": 180}),
            name=f"{prefix}_longitude_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True, f"{lon}__isnull": True})
            | Q(**{f"{lat}__isnull": False, f"{lon}__isnull": False}),
            name=f"{prefix}_lat_lon_together",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{accuracy}__isnull": True}) | Q(**{f"{accuracy}__gte": 0}),
            name=f"{prefix}_accuracy_positive",
        ),
    ]


class CheckIn(models.Model):
    """One check-in at a visit, and its check-out. The visit keeps the record (time in and
    out, hours stayed); this keeps the evidence: server times, positions, distance, photo."""

    visit = models.OneToOneField(
        Visit, on_delete=models.PROTECT, related_name="checkin", verbose_name=_("visit")
    )
    checked_in_at = models.DateTimeField(_("check-in time"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    location_status = models.CharField(_("location"), max_length=20, choices=LocationStatus.choices)
    checked_out_at = models.DateTimeField(_("check-out time"), null=True, blank=True)
    out_latitude = models.FloatField(_("latitude at check-out"), null=True, blank=True)
    out_longitude = models.FloatField(_("longitude at check-out"), null=True, blank=True)
    out_accuracy_m = models.FloatField(_("accuracy at check-out (m)"), null=True, blank=True)
    # Measured against the account's location as it was at check-in: moving the account's
    # location later must not rewrite what the manager was shown.
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    flagged = models.BooleanField(_("far from the customer"), default=False)
    photo = models.FileField(_("photo"), upload_to="checkins/", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at", "-pk"]
        constraints = [
            *_coordinate_checks("checkin", "latitude", "longitude", "accuracy_m"),
            *_coordinate_checks("checkout", "out_latitude", "out_longitude", "out_accuracy_m"),
            models.CheckConstraint(
                condition=Q(location_status="ok", latitude__isnull=False)
                | (~Q(location_status="ok") & Q(latitude__isnull=True)),
                name="checkin_status_matches_fix",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=F("checked_in_at")),
                name="checkin_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.checked_in_at:%H:%M}"

    @property
    def is_located(self) -> bool:
        return self.location_status == LocationStatus.OK


class AccountLocation(models.Model):
    """Where a customer is, as its owner KAM set it from one of her check-ins (设为客户位置).
    Kept in visits so that accounts/ needs nothing new; history keeps every earlier place."""

    account = models.OneToOneField(
        KeyAccount, on_delete=models.PROTECT, related_name="location", verbose_name=_("account")
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    set_from = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, related_name="+", verbose_name=_("set from check-in")
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer location")
        verbose_name_plural = _("customer locations")
        constraints = _coordinate_checks("account_location", "latitude", "longitude", "accuracy_m")

    def __str__(self) -> str:
        return f"{self.account} {self.latitude:.5f}, {self.longitude:.5f}"
