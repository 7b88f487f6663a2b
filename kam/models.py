from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kam.messages import render_or
from kam.roles import Role


class Team(models.Model):
    """A sales manager and the KAMs he leads."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    manager = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_team",
        verbose_name=_("sales manager"),
        limit_choices_to={"role": Role.SALES_MANAGER},
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One role per user; KAMs belong to one sales manager's team. Leavers are deactivated."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    department = models.CharField(_("department"), max_length=50, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The language she last chose (kam/views.py set_language): mail is written in it.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def has_perm(self, perm, obj=None) -> bool:
        # Administrators run the Django admin without per-model grants to maintain.
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    def save(self, *args, **kwargs):
        # The role is the single source of truth; `createsuperuser` makes an administrator.
        if self.is_superuser:
            self.role = Role.ADMIN
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)


class Notification(models.Model):
    """An in-app reminder. `key` makes a reminder idempotent per recipient."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=200, verbose_name=_("key"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True, verbose_name=_("link"))
    # The deadline the reminder is about, if any: the inbox words it when it shows it ("due in
    # 3 days", "overdue by 2 days"), so the title never names a date that may have passed.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))
    # The title's and body's source texts and parameters (kam/messages.py): shown in the
    # reader's language. `title` and `body` keep the text as it was worded when written, for
    # rows written before and for the admin.
    message = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language: the reader's."""
        return render_or((self.message or {}).get("title"), self.title)

    @property
    def shown_body(self) -> str:
        return render_or((self.message or {}).get("body"), self.body)


class DigestSent(models.Model):
    """One row per person and day whose e-mail digest went out (kam/reminders.py): committed
    before the mail is sent, so a retried job never mails anyone twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A spreadsheet written by a Celery task (kam/exporting.py): the page polls its progress,
    then its owner, and only she, downloads the file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(upload_to="exports/", max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_is_a_percentage"
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}

    @property
    def is_done(self) -> bool:
        return self.status == ExportStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED

    @property
    def is_queued(self) -> bool:
        return self.status == ExportStatus.QUEUED


class JobRun(models.Model):
    """The last day each periodic job ran for (kam.tasks.run_job_now): a run after a missed
    day replays the days in between first, so a reminder due that day is sent late, not never."""

    name = models.CharField(max_length=100, unique=True)
    last_day = models.DateField()
    ran_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} {self.last_day}"
