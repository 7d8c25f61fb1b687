"""A fake camera for Chromium: a still picture as a Y4M video, which Chromium plays in a loop
to any page that opens the camera (--use-file-for-fake-video-capture), so the field app's
real camera path (getUserMedia, video frames, decoder) reads a barcode made by the test."""

from __future__ import annotations

from pathlib import Path

from PIL import Image


def y4m_of(picture: Image.Image, path: Path, *, size: tuple[int, int] = (640, 480)) -> Path:
    """Write the picture centred on a white frame, 4:2:0 chroma, a few identical frames."""
    frame = Image.new("RGB", size, "white")
    picture = picture.copy()
    picture.thumbnail((size[0] - 40, size[1] - 40))
    frame.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    half = (size[0] // 2, size[1] // 2)
    planes = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    header = f"YUV4MPEG2 W{size[0]} H{size[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"".join(b"FRAME\n" + planes for _ in range(5)))
    return path
