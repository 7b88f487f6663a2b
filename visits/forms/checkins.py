"""Forms of the check-in pages: a position posted by static/js/checkin.js, and a photo."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kam.inputs import InputRulesMixin
from visits.models import LocationStatus
from visits.services.checkins import Fix


class LocationForm(InputRulesMixin, forms.Form):
    """Hidden fields that the script fills from navigator.geolocation. Posted empty (no
    JavaScript, no fix) they mean "location unavailable", which is recorded as such."""

    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    accuracy = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    location_status = forms.ChoiceField(
        required=False,
        choices=[("", ""), *LocationStatus.choices],
        widget=forms.HiddenInput,
    )

    def fix(self) -> Fix | None:
        data = self.cleaned_data
        if data.get("latitude") is None or data.get("longitude") is None:
            return None
        return Fix(data["latitude"], data["longitude"], data.get("accuracy"))

    def reported_status(self) -> str:
        return self.cleaned_data.get("location_status") or ""


class PhotoForm(InputRulesMixin, forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean_photo(self):
        # Checked again when it is re-encoded; here so the refusal comes before any work.
        photo = self.cleaned_data["photo"]
        if photo.size > settings.CHECKIN_PHOTO_MAX_BYTES:
            mb = settings.CHECKIN_PHOTO_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("The photo is larger than %(mb)d MB: take it again at a lower resolution."),
                params={"mb": mb},
            )
        return photo
