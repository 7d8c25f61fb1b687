"""What an uploaded file is (by its bytes, never by a header) and the cleaning of photos.

A photo is decoded with Pillow's decompression-bomb guard on, turned upright from its
EXIF orientation and encoded again without any metadata (no EXIF, no GPS, no comments;
the colour profile is kept), with a JPEG thumbnail of at most `THUMBNAIL_PX` a side.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageOps

from server.errors import UnsupportedMedia

log = logging.getLogger("rounds.blobs")

# Twice a 20 MP phone photo. Pillow warns above MAX_IMAGE_PIXELS and raises above twice
# it; both are refusals here, and the size is checked again after opening.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
THUMBNAIL_PX = 320

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
OCTET_STREAM = "application/octet-stream"
# Photo formats that can carry camera metadata but that this server does not re-encode:
# kept as they are they would leak GPS positions, so they are refused.
UNCLEANABLE = frozenset({"image/heic", "image/avif", "image/tiff"})
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
SNIFF_BYTES = 16


_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
_TIFF = (b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


def sniff(head: bytes) -> str:
    """The content type of a file from its first `SNIFF_BYTES` bytes."""
    found = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
    if found is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif found is None and head[4:8] == b"ftyp":
        brand = head[8:12]
        found = "image/avif" if brand.startswith(b"avi") else None
        found = "image/heic" if brand in _HEIF_BRANDS else found
    elif found is None and head[:4] in _TIFF:
        found = "image/tiff"
    return found or OCTET_STREAM


def is_image(content_type: str) -> bool:
    return content_type in PILLOW_FORMATS


@dataclass(frozen=True)
class Rendition:
    """The cleaned image and its thumbnail, encoded."""

    content_type: str
    width: int
    height: int
    data: bytes
    thumbnail: bytes


def _check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise UnsupportedMedia(
            f"This image has {size[0]}x{size[1]} pixels; at most {MAX_PIXELS:,} are accepted."
        )


def _decode(source: Path | IO[bytes], fmt: str) -> Image.Image:
    """Open and fully decode, refusing bombs and anything Pillow cannot read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=[fmt]) as opened:
                _check_pixels(opened.size)
                opened.load()
                try:
                    upright = ImageOps.exif_transpose(opened)
                except Exception:  # unreadable EXIF: keep the image as it is stored
                    log.warning("ignoring unreadable EXIF orientation in a %s image", fmt)
                    upright = opened.copy()
    except UnsupportedMedia:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UnsupportedMedia(
            f"This image claims too many pixels (at most {MAX_PIXELS:,} are accepted)."
        ) from exc
    except Exception as exc:  # Pillow raises many kinds on broken files
        raise UnsupportedMedia(f"This image could not be decoded: {exc}") from exc
    return upright


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info


def _for_format(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG":
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if fmt == "WEBP":
        if image.mode in {"RGB", "RGBA"}:
            return image
        return image.convert("RGBA" if _has_alpha(image) else "RGB")
    if image.mode == "P" or "transparency" in image.info:
        return image.convert("RGBA")
    return image if image.mode in {"1", "L", "LA", "RGB", "RGBA"} else image.convert("RGBA")


def _thumbnail(image: Image.Image) -> Image.Image:
    """At most `THUMBNAIL_PX` a side, RGB on white (JPEG has no transparency)."""
    scale = min(1.0, THUMBNAIL_PX / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = image.resize(size, Image.Resampling.LANCZOS) if scale < 1 else image.copy()
    if not _has_alpha(small):
        return small.convert("RGB")
    rgba = small.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    image.info = {}  # encoders fall back to info for comments, profiles, transparency
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def clean_image(source: Path | IO[bytes], content_type: str) -> Rendition:
    """Decode, turn upright, strip metadata, re-encode; raises `UnsupportedMedia`."""
    fmt = PILLOW_FORMATS[content_type]
    upright = _decode(source, fmt)
    try:
        icc = upright.info.get("icc_profile")
        clean = _for_format(upright, fmt)
        params: dict[str, Any] = {"icc_profile": icc} if icc else {}
        if fmt in {"JPEG", "WEBP"}:
            params["quality"] = 85
        thumbnail = _encode(_thumbnail(clean), "JPEG", quality=80)
        width, height = clean.size
        data = _encode(clean, fmt, **params)
    except Exception as exc:  # an exotic pixel mode that does not convert
        raise UnsupportedMedia(f"This image could not be re-encoded: {exc}") from exc
    return Rendition(content_type, width, height, data, thumbnail)
