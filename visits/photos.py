"""Check-in photos: whatever the phone's camera sends is re-encoded here before it is stored.

Re-encoding, not editing the metadata, is what strips it: a new JPEG is written from the
pixels alone, so EXIF (with the GPS position and the phone's serial), XMP, ICC comments and
anything hidden after the image data are left behind.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# A 8 MB upload can still unpack to an enormous bitmap (a "decompression bomb"); a phone's
# camera stays far below this many pixels.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85


def _too_large_message() -> str:
    mb = settings.CHECKIN_PHOTO_MAX_BYTES // (1024 * 1024)
    return _("The photo is larger than %(mb)d MB: take it again at a lower resolution.") % {
        "mb": mb
    }


def _unreadable_message() -> str:
    return _("This file is not a photo we can read: send a JPEG or PNG picture.")


def _open(upload) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_unreadable_message())
            image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(_unreadable_message()) from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(_unreadable_message()) from exc
    return image


def _on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a transparent picture is laid on white, not on black."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def reencode_photo(upload) -> bytes:
    """A clean JPEG of at most CHECKIN_PHOTO_MAX_SIDE pixels a side, upright, no metadata.
    Refuses (ValidationError with a message for the user) what is too large or unreadable."""
    if upload.size > settings.CHECKIN_PHOTO_MAX_BYTES:
        raise ValidationError(_too_large_message())
    image = _open(upload)
    # Phones store the picture sideways and say so in EXIF: turn it before EXIF is dropped.
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = _on_white(image)
    side = settings.CHECKIN_PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
