"""Label sheets and photo decoding, each against a baseline measured in the same run.

- labels: 1,000 labels (asset QR, item Code 128, GS1 DataMatrix) laid out on L7160 sheets
  and written as one PDF, against the same 1,000 symbols made as bare images; the ratio
  is the bare symbols' time over the sheets' (1.0: the sheet would cost nothing more).
- decode: a generated photo corpus (QR, DataMatrix, Code 128, EAN-13 at varying size,
  rotation, blur, glare, noise, JPEG quality, up to 12-megapixel frames) read through the
  downscaled path (with its full-resolution fallback) and at full resolution only; the
  ratio is the full-resolution time over the downscaled one, with both hit rates.
"""

from __future__ import annotations

import random
import time
from datetime import date

from bench.common import Line
from scanners import symbols
from scanners.decode import DEFAULT_MAX_SIDE, decode_photo
from scanners.label_art import AssetLabel, Gs1Label, ItemLabel, Label
from scanners.sheet_pdf import pdf_bytes, sheet_pages
from scanners.sheets import PRESETS
from tests.photos import GS1_RAW, GS1_TEXT, GTIN, Shot, photograph, symbol_image

LABELS_AIM = 0.25  # sheets within four times the bare symbols
DECODE_AIM = 4.0  # the goal: the downscaled path at least 4x faster
LABELS, QUICK_LABELS = 1000, 200
PHOTOS, QUICK_PHOTOS = 240, 60


def _labels(count: int) -> list[Label]:
    made: list[Label] = []
    for n in range(count):
        tag = f"7K3M9Q{n:04d}"
        kind = n % 3
        if kind == 0:
            made.append(AssetLabel(tag, f"https://rounds.example.org/a/{tag}", f"Asset {n}"))
        elif kind == 1:
            made.append(ItemLabel(f"ELE-{n:05d}", f"Spare part {n}"))
        else:
            made.append(Gs1Label(GTIN, lot=f"L{n}", expiry=date(2027, 1, 1), matrix=True))
    return made


def _bare(label: Label) -> None:
    if isinstance(label, AssetLabel):
        symbols.qr(label.url).image(8)
    elif isinstance(label, ItemLabel):
        symbols.code128(label.code).image(3, 200)
    elif isinstance(label, Gs1Label):
        symbols.gs1_datamatrix(label.element_string).image(8)


def run_labels(quick: bool) -> Line:
    labels = _labels(QUICK_LABELS if quick else LABELS)
    started = time.perf_counter()
    for label in labels:
        _bare(label)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    pdf = pdf_bytes(sheet_pages(PRESETS["L7160"], labels))
    sheets = time.perf_counter() - started
    rate = len(labels) / sheets
    text = (
        f"labels: {len(labels):,} labels on L7160 sheets as a {len(pdf) / 1e6:.1f} MB PDF in "
        f"{sheets:.2f} s ({rate:,.0f} labels/s); the bare symbols took {bare:.2f} s"
    )
    print(text, flush=True)
    return Line("labels", "-", f"{rate:,.0f} labels/s", f"{len(labels) / bare:,.0f} symbols/s",
                bare / sheets, LABELS_AIM, text)  # fmt: skip


def _corpus(count: int) -> list[tuple[bytes, str]]:
    rng = random.Random(7)  # noqa: S311 (a reproducible corpus, not a secret)
    kinds = [
        ("QRCode", "https://rounds.example.org/a/7K3M9Q2XWD", "https://rounds.example.org/a/7K3M9Q2XWD"),
        ("DataMatrix", GS1_TEXT, GS1_RAW),
        ("Code128", "ELE-00042", "ELE-00042"),
        ("EAN13", GTIN, GTIN),
    ]  # fmt: skip
    images = {kind: symbol_image(kind, content) for kind, content, _ in kinds}
    corpus = []
    for n in range(count):
        kind, _, expected = kinds[n % len(kinds)]
        linear = kind in {"Code128", "EAN13"}
        shot = Shot(
            frame=rng.choice([(4000, 3000), (3264, 2448), (1920, 1080)]),
            symbol_share=rng.uniform(0.08, 0.5),
            angle=rng.choice([0, 90, 180, 270]) + rng.uniform(-6, 6) * (1 if linear else 7),
            blur=rng.choice([0, 0, 0.8, 1.5]),
            noise=rng.choice([0, 20, 40]),
            glare=rng.random() < 0.25,
            quality=rng.choice([40, 60, 85, 95]),
        )  # fmt: skip
        corpus.append((photograph(images[kind], shot, seed=n), expected))
    return corpus


def _pass(corpus: list[tuple[bytes, str]], max_side: int | None) -> tuple[float, float]:
    hits = 0
    started = time.perf_counter()
    for photo, expected in corpus:
        hits += any(found.text == expected for found in decode_photo(photo, max_side=max_side))
    return hits / len(corpus), time.perf_counter() - started


def run_decode(quick: bool) -> Line:
    corpus = _corpus(QUICK_PHOTOS if quick else PHOTOS)
    small_rate, small_s = _pass(corpus, DEFAULT_MAX_SIDE)
    full_rate, full_s = _pass(corpus, None)
    per = 1000 / len(corpus)
    verdict = "the same hit rate" if small_rate >= full_rate else "a LOWER hit rate"
    text = (
        f"decode: {len(corpus)} photos; downscaled ({DEFAULT_MAX_SIDE} px, full-resolution "
        "fallback) "
        f"{small_rate:.1%} hits, {small_s * per:.0f} ms/photo; full resolution "
        f"{full_rate:.1%} hits, {full_s * per:.0f} ms/photo; {full_s / small_s:.1f}x faster "
        f"at {verdict}"
    )
    print(text, flush=True)
    rounds = f"{small_rate:.1%} in {small_s * per:.0f} ms"
    baseline = f"{full_rate:.1%} in {full_s * per:.0f} ms"
    return Line("decode", "-", rounds, baseline, full_s / small_s, DECODE_AIM, text)


def run(quick: bool) -> list[Line]:
    return [run_labels(quick), run_decode(quick)]
