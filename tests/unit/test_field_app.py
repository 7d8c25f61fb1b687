"""The field app's generated shell list is current; its manifest and icons agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image, ImageChops, ImageDraw

from server.field_app.__main__ import main
from server.field_app.icons import ICONS, Icon, draw_icon
from server.field_app.precache import (
    MODULE_WORKER,
    OUTPUT,
    PWA_DIR,
    build,
    is_listed,
    render,
    stale,
    write,
)


def test_the_precache_list_is_current() -> None:
    assert (PWA_DIR / OUTPUT).read_text() == render(build()), "run `make pwa`"
    assert stale() == [], "run `make pwa`"


def test_the_module_worker_changes_with_anything_it_runs(tmp_path: Path) -> None:
    """Chromium updates a module worker only when its own script changed."""
    pwa = tmp_path / "pwa"
    (pwa / "src" / "sw").mkdir(parents=True)
    (pwa / "src" / "sync").mkdir()
    (pwa / "index.html").write_text("<!doctype html>")
    (pwa / "src" / "sync" / "push.js").write_text("export {};\n")
    (pwa / "src" / "sw" / "outbox.js").write_text("export {};\n")
    (pwa / MODULE_WORKER).write_text("import './src/sw/outbox.js';\n// Worker version: \n")
    write(pwa)
    assert stale(pwa) == []

    def stamp() -> str:
        return (pwa / MODULE_WORKER).read_text().splitlines()[-1]

    first = stamp()
    assert len(first.removeprefix("// Worker version: ")) == 16
    for changed in ("src/sync/push.js", "src/sw/outbox.js"):
        (pwa / changed).write_text("export const changed = true;\n")
        assert (
            stale(pwa) == [OUTPUT, MODULE_WORKER]
            if changed.startswith("src/sync")
            else [MODULE_WORKER]
        )
        write(pwa)
        assert stamp() != first, changed
        first = stamp()


@pytest.mark.parametrize(
    ("path", "listed"),
    [
        ("index.html", True),
        ("app.css", True),
        ("manifest.webmanifest", True),
        ("icons/icon-192.png", True),
        ("src/app/main.js", True),
        ("src/app/i18n/zh-CN.json", True),
        ("vendor/zxing-wasm/reader/zxing_reader.wasm", True),
        ("vendor/zxing-wasm/reader/index.js", True),
        ("sw.js", False),
        ("sw-module.js", False),
        ("src/sw/outbox.js", False),
        ("src/sw/shell.js", False),
        ("src/sw/precache.js", False),
        ("vendor/zxing-wasm/LICENSE", False),
        ("vendor/zxing-wasm/README.md", False),
        ("vendor/lib/index.js.map", False),
        ("vendor/lib/index.d.ts", False),
        (".DS_Store", False),
        ("src/.cache/x.js", False),
        ("jsconfig.json", False),
    ],
)
def test_what_belongs_in_the_shell(path: str, listed: bool) -> None:
    assert is_listed(PurePosixPath(path)) is listed


def test_the_version_follows_every_listed_byte_and_name(tmp_path: Path) -> None:
    pwa = tmp_path / "pwa"
    (pwa / "src" / "app").mkdir(parents=True)
    (pwa / "index.html").write_text("<!doctype html>")
    (pwa / "src" / "app" / "main.js").write_text("export {};\n")
    first = build(pwa)
    assert first.files == ("/app/", "/app/index.html", "/app/src/app/main.js")
    assert len(first.version) == 16
    assert int(first.version, 16) >= 0

    (pwa / "sw.js").write_text("// the worker is not in its own list")
    assert build(pwa) == first
    (pwa / "src" / "app" / "main.js").write_text("export {}; \n")
    changed = build(pwa)
    assert changed.version != first.version
    (pwa / "src" / "app" / "main.js").rename(pwa / "src" / "app" / "start.js")
    assert build(pwa).version != changed.version


def test_the_command_writes_then_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pwa = tmp_path / "pwa"
    pwa.mkdir()
    (pwa / "index.html").write_text("<!doctype html>")
    assert main(["precache", "--check", "--pwa-dir", str(pwa)]) == 1
    assert main(["--pwa-dir", str(pwa)]) == 0
    assert main(["precache", "--check", "--pwa-dir", str(pwa)]) == 0
    (pwa / "index.html").write_text("<!doctype html><title>changed</title>")
    assert main(["precache", "--check", "--pwa-dir", str(pwa)]) == 1
    assert "run `make pwa`" in capsys.readouterr().out


def test_the_written_list_is_a_classic_script_setting_self_precache(tmp_path: Path) -> None:
    pwa = tmp_path / "pwa"
    shutil.copytree(PWA_DIR / "icons", pwa / "icons")
    target, precache = write(pwa)
    text = target.read_text()
    assert "import " not in text
    assert "export " not in text
    body = text.split("self.PRECACHE = ", 1)[1].rstrip().removesuffix(";")
    assert json.loads(body) == {"version": precache.version, "files": list(precache.files)}


def test_the_manifest_names_the_app_and_its_icons() -> None:
    manifest = json.loads((PWA_DIR / "manifest.webmanifest").read_text())
    assert manifest["name"] == "Rounds"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/app/",
        "/app/",
        "standalone",
    )
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    shell = build().files
    purposes = set()
    for icon in manifest["icons"]:
        assert icon["src"] in shell
        width, height = map(int, icon["sizes"].split("x"))
        with Image.open(PWA_DIR / icon["src"].removeprefix("/app/")) as image:
            assert image.size == (width, height)
            assert image.format == "PNG"
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    with Image.open(PWA_DIR / "icons" / "apple-touch-icon.png") as apple:
        assert apple.size == (180, 180)
        assert apple.mode == "RGB"  # iOS shows transparency as black


@pytest.mark.parametrize("icon", ICONS, ids=lambda icon: icon.name)
def test_the_icon_generator_draws_what_is_committed(icon: Icon) -> None:
    drawn = draw_icon(icon)
    with Image.open(PWA_DIR / "icons" / icon.name) as committed:
        assert committed.size == drawn.size == (icon.size, icon.size)
        assert committed.mode == drawn.mode
    if icon.full_bleed:
        assert drawn.getpixel((1, 1)) == (11, 79, 92)  # teal to the edge
    # The white mark stays inside the circle a maskable icon may be cut to (80 % wide).
    red, green, blue = drawn.convert("RGB").split()
    white = ImageChops.darker(ImageChops.darker(red, green), blue).point(
        lambda v: 255 if v >= 250 else 0
    )
    assert white.getbbox() is not None
    outside = Image.new("L", drawn.size, 255)
    radius = 0.4 * icon.size
    centre = icon.size / 2
    ImageDraw.Draw(outside).ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius), fill=0
    )
    assert ImageChops.multiply(white, outside).getbbox() is None
