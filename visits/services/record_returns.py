"""A month's record returned to its KAM (§14.2): her sales manager or the sales VP sends a
submitted record back with what to correct; she revises her visits and submits it again
(visits.services.records.record_submit). The comment is kept, shown to her and notified."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam import roles
from kam.messages import Month, message
from kam.models import User
from kam.services import notify, save_with_history
from visits.models import VisitRecord
from visits.models.records import RecordStatus
from visits.services.records import record_transition


@transaction.atomic
def record_return(*, record: VisitRecord, by: User, comment: str) -> VisitRecord:
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")})
    record = (
        VisitRecord.objects.select_for_update(of=("self",))
        .select_related("kam__team")
        .get(pk=record.pk)
    )
    if not roles.can_return_record(by, record.kam):
        raise PermissionDenied
    if record.status != RecordStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted record can be returned."))
    record_transition(record=record, to=RecordStatus.RETURNED, by=by, comment=comment)
    record.status = RecordStatus.RETURNED
    record.comment = comment
    save_with_history(record, by, update_fields=["status", "comment"])
    notify(
        recipients=[record.kam],
        kind="record_returned",
        key=f"record_returned:{record.pk}:{record.transitions.count()}",
        title=message(
            gettext_lazy("%(who)s returned your visit record for %(month)s for revision"),
            who=by,
            month=Month(record.month),
        ),
        body=comment,
        url=reverse("visits:record_detail", args=[record.pk]),
    )
    return record
