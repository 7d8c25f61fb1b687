"""Reading back the label PDFs: each page's MediaBox and its one full-page image.

The pages are bilevel images stored CCITT G4; wrapping a stream in a minimal TIFF lets
Pillow (libtiff) decode it to the page exactly as a PDF viewer would draw it.
"""

from __future__ import annotations

import io
import re
import struct

from PIL import Image

_MEDIABOX = re.compile(rb"/MediaBox \[ ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) \]")
_IMAGE = re.compile(
    rb"/Width (\d+)\s*/Height (\d+)\s*/Filter \[ /CCITTFaxDecode \].*?/Length (\d+)\s*>>stream\n",
    re.S,
)


def media_boxes(pdf: bytes) -> list[tuple[float, ...]]:
    return [tuple(float(n) for n in box) for box in _MEDIABOX.findall(pdf)]


def _tiff(width: int, height: int, g4: bytes) -> bytes:
    entries = [
        (256, 4, width),  # ImageWidth
        (257, 4, height),  # ImageLength
        (258, 3, 1),  # BitsPerSample
        (259, 3, 4),  # Compression: CCITT G4
        (262, 3, 1),  # BlackIsZero: as the PDF maps its BlackIs1 bits onto DeviceGray
        (273, 4, 0),  # StripOffsets, filled in below
        (278, 4, height),  # RowsPerStrip
        (279, 4, len(g4)),  # StripByteCounts
    ]
    header_size = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, given in entries:
        value = header_size if tag == 273 else given
        packed = struct.pack("<HHI", tag, kind, 1)
        packed += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + g4


def page_images(pdf: bytes) -> list[Image.Image]:
    pages = []
    for match in _IMAGE.finditer(pdf):
        width, height, length = (int(n) for n in match.groups())
        stream = pdf[match.end() : match.end() + length]
        pages.append(Image.open(io.BytesIO(_tiff(width, height, stream))).convert("L"))
    return pages
