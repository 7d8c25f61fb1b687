"""Barcodes made here, photographed synthetically, read back by `decode_photo`."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from scanners.decode import MAX_PIXELS, PhotoTooLarge, UnreadablePhoto, decode_photo
from tests.photos import GS1_RAW, GS1_TEXT, GTIN, Shot, photograph, symbol_image

URL = "https://rounds.example.org/a/7K3M9Q2XWD"
# kind, content made, (text, format, symbology identifier, GS1) expected back
SYMBOLS = {
    "qr": ("QRCode", URL, (URL, "QRCode", "]Q1", False)),
    "gs1-datamatrix": ("DataMatrix", GS1_TEXT, (GS1_RAW, "DataMatrix", "]d2", True)),
    "datamatrix": (
        "DataMatrix",
        "BIN MAIN/A-01-03",
        ("BIN MAIN/A-01-03", "DataMatrix", "]d1", False),
    ),
    "code128": ("Code128", "ITM-000123", ("ITM-000123", "Code128", "]C0", False)),
    "gs1-128": ("GS1-128", GS1_TEXT, (GS1_RAW, "Code128", "]C1", True)),
    "ean13": ("EAN13", GTIN, (GTIN, "EAN13", "]E0", False)),
}
SHOTS = {
    "square": Shot(),
    "turned": Shot(angle=7, quality=70),
    "upside-down": Shot(angle=180),
    "small-and-blurred": Shot(symbol_share=0.2, blur=1.2),
    "noisy-glare": Shot(noise=40, glare=True, angle=-4),
    "low-quality-jpeg": Shot(quality=35, blur=1.0),
    "portrait-exif": Shot(exif_orientation=6, angle=90),
}


@pytest.mark.parametrize("shot", sorted(SHOTS))
@pytest.mark.parametrize("kind", sorted(SYMBOLS))
def test_photographed_symbols_decode_to_their_content(kind: str, shot: str) -> None:
    made_as, content, expected = SYMBOLS[kind]
    photo = photograph(symbol_image(made_as, content), SHOTS[shot], seed=len(kind))
    found = decode_photo(photo)
    assert [(d.text, d.format, d.symbology_identifier, d.gs1) for d in found] == [expected]


def test_a_large_symbol_is_found_in_the_downscaled_pass() -> None:
    photo = photograph(symbol_image("QRCode", URL), Shot(symbol_share=0.4))
    (found,) = decode_photo(photo, max_side=1000)
    assert found.scale == pytest.approx(0.25)
    (full,) = decode_photo(photo, max_side=None)
    assert full.scale == 1.0
    # Corners are in the photo's own pixels, whichever pass found the symbol.
    for near, far in zip(found.corners, full.corners, strict=True):
        assert abs(near[0] - far[0]) <= 12
        assert abs(near[1] - far[1]) <= 12


def test_a_symbol_too_small_for_the_downscaled_pass_is_found_at_full_resolution() -> None:
    photo = photograph(symbol_image("Code128", "ITM-000123"), Shot(symbol_share=0.1))
    assert decode_photo(photo, max_side=None, formats=["Code128"])[0].scale == 1.0
    (found,) = decode_photo(photo, max_side=640, formats=["Code128"])
    assert found.scale == 1.0
    assert found.text == "ITM-000123"


def test_exif_orientation_is_applied_to_the_corners() -> None:
    photo = photograph(symbol_image("QRCode", URL), Shot(exif_orientation=6))
    stored = Image.open(io.BytesIO(photo))
    assert stored.size == (3000, 4000)  # the sensor's way up: on its side
    (as_stored,) = decode_photo(stored.convert("L"))  # pixels only, no EXIF
    (upright,) = decode_photo(photo)
    # Orientation 6 turns the stored frame 90 degrees clockwise: (x, y) -> (3999 - y, x).
    turned = {(3999 - y, x) for x, y in as_stored.corners}
    for x, y in upright.corners:
        assert min(abs(x - tx) + abs(y - ty) for tx, ty in turned) <= 12


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_decode(fmt: str) -> None:
    jpeg = photograph(symbol_image("QRCode", URL), Shot(frame=(1600, 1200)))
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buffer, fmt)
    assert [d.text for d in decode_photo(buffer.getvalue())] == [URL]


def test_a_photo_without_a_barcode_finds_nothing() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (120, 130, 140)).save(buffer, "JPEG")
    assert decode_photo(buffer.getvalue()) == []


def bomb() -> bytes:
    """A small PNG that claims more pixels than any photo is allowed."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    data = bomb()
    assert len(data) < 100_000
    assert MAX_PIXELS < 8000 * 6000
    with pytest.raises(PhotoTooLarge, match="pixels"):
        decode_photo(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a not a photo", b"\xff\xd8\xff\xe0 truncated jpeg", b"%PDF-1.4\n"],
)
def test_data_that_is_not_a_readable_photo_is_a_stable_error(data: bytes) -> None:
    with pytest.raises(UnreadablePhoto) as refused:
        decode_photo(data)
    assert refused.value.code == "photo_unreadable"


def test_an_unknown_format_name_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown barcode format"):
        decode_photo(Image.new("L", (10, 10)), formats=["Morse"])
