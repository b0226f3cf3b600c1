"""Logos of organizations and projects: an upload checked by its content, re-encoded, stored.

An upload is trusted for nothing: not its name, not its declared type. Pillow reads it; only
PNG, JPEG and WebP within HUB_LOGO_MAX_BYTES and HUB_LOGO_MAX_PIXELS pass (no SVG, which can
carry script; no GIF). What is stored is a new WebP that Pillow drew from the pixels alone
(no metadata, no EXIF location), at most HUB_LOGO_SIZE pixels a side, named by the hash of its
content. A listing without a logo shows a monogram instead (`monogram`).
"""

import colorsys
import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's names; MPO is how it names the JPEG files of many phone cameras.
ACCEPTED_FORMATS = {"PNG", "JPEG", "MPO", "WEBP"}
STORED_FORMAT = "WEBP"
STORED_EXTENSION = "webp"
WEBP_QUALITY = 90
NOT_AN_IMAGE = gettext_lazy(
    "This file is not a PNG, JPEG or WebP image. Upload the logo as one of these."
)


@dataclass(frozen=True)
class PreparedLogo:
    """A logo ready to store: the re-encoded bytes and their size in pixels."""

    content: bytes
    width: int
    height: int

    @property
    def file_name(self) -> str:
        return f"{hashlib.sha256(self.content).hexdigest()[:24]}.{STORED_EXTENSION}"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"logo": message})


def _file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def _open(data: bytes) -> Image.Image:
    """The image Pillow finds in `data`, its header read and its pixels not yet decoded;
    a decompression bomb is refused before anything is decoded."""
    max_pixels = settings.HUB_LOGO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice that; here both refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The image has far too many pixels for a logo.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(NOT_AN_IMAGE) from None
    if image.format not in ACCEPTED_FORMATS:
        raise _refuse(
            _("The logo is a %(format)s image; upload it as PNG, JPEG or WebP instead.")
            % {"format": image.format}
        )
    if image.width * image.height > max_pixels:
        raise _refuse(
            _(
                "The image is %(width)s×%(height)s pixels; a logo may have at most "
                "%(max)s pixels (for example 4000×4000 is too large, 1000×1000 is plenty)."
            )
            % {
                "width": image.width,
                "height": image.height,
                "max": number_format(max_pixels, force_grouping=True),
            }
        )
    return image


def logo_prepare(upload) -> PreparedLogo:
    """The re-encoded logo of an uploaded file, or ValidationError({"logo": why not})."""
    max_bytes = settings.HUB_LOGO_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise _refuse(
            _("The file is %(size)s; a logo may be at most %(limit)s.")
            % {"size": _file_size(upload.size), "limit": _file_size(max_bytes)}
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            _("The file is larger than %(limit)s, the limit for a logo.")
            % {"limit": _file_size(max_bytes)}
        )
    try:
        _open(data).verify()
        image = _open(data)
        image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("The image file is damaged or incomplete. Export it again.")) from None
    return _reencode(image)


def _reencode(image: Image.Image) -> PreparedLogo:
    image = ImageOps.exif_transpose(image)  # a photo's rotation, before EXIF is dropped
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    side = settings.HUB_LOGO_SIZE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # Only the pixels: no exif=, icc_profile= or xmp= is passed, so none is written.
    image.save(buffer, format=STORED_FORMAT, quality=WEBP_QUALITY, method=4)
    return PreparedLogo(content=buffer.getvalue(), width=image.width, height=image.height)


def logo_store(upload, *, model) -> str:
    """Check and re-encode `upload`, store it for `model`'s logo field, and return the
    stored name; the same picture uploaded twice is stored once."""
    logo = logo_prepare(upload)
    field = model._meta.get_field("logo")
    name = field.generate_filename(None, logo.file_name)
    if not field.storage.exists(name):
        name = field.storage.save(name, ContentFile(logo.content))
    return name


# --- Monograms: a listing without a logo ------------------------------------------------------

# Words that make poor initials ("The Baltimore Data Lab" reads as "BD", not "TB").
SMALL_WORDS = {"the", "of", "and", "for", "a", "an", "de", "la", "le", "du"}
MONOGRAM_SATURATION = 0.55
# Dark enough that white initials keep a contrast above 4.5:1 on every hue (tested).
MONOGRAM_LIGHTNESS = 0.28
MONOGRAM_TEXT = "#ffffff"


@dataclass(frozen=True)
class Monogram:
    initials: str
    background: str
    text: str = MONOGRAM_TEXT


def monogram_background(hue: int) -> str:
    """The monogram's colour for a hue in degrees: dark, so white initials stay legible."""
    red, green, blue = colorsys.hls_to_rgb(hue / 360, MONOGRAM_LIGHTNESS, MONOGRAM_SATURATION)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def monogram(name: str) -> Monogram:
    """Up to two initials of `name` on a colour of its own: the same name always gets the
    same colour, different names mostly different ones."""
    words = re.findall(r"\w+", name, re.UNICODE)
    significant = [w for w in words if w.lower() not in SMALL_WORDS] or words
    initials = "".join(word[0] for word in significant[:2]).upper() or "?"
    hue = int(hashlib.sha256(name.strip().lower().encode()).hexdigest()[:8], 16) % 360
    return Monogram(initials=initials, background=monogram_background(hue))
