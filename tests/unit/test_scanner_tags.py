"""Reading a scanned asset tag: bare codes and card URLs in, a normalised code or None out."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scanners.labels
import scanners.tags
from scanners.tags import CROCKFORD_ALPHABET, TAG_LENGTH, tag_from_scan

CODE = "7K3M9Q2XWD"


@pytest.mark.parametrize(
    "scan",
    [
        CODE,
        CODE.lower(),
        f"  {CODE}\n",
        f"\t{CODE.lower()} ",
        f"https://rounds.example.org/a/{CODE}",
        f"http://127.0.0.1:8000/a/{CODE.lower()}",
        f"https://rounds.example.org/a/{CODE}/",
        f"https://rounds.example.org/a/{CODE}?src=label",
        f"https://rounds.example.org/a/{CODE}/?src=label#top",
        f"HTTPS://ROUNDS.EXAMPLE.ORG/a/{CODE}",
        f" https://rounds.example.org/a/{CODE} ",
    ],
)
def test_accepts_codes_and_card_urls(scan: str) -> None:
    assert tag_from_scan(scan) == CODE


@pytest.mark.parametrize(
    "scan",
    [
        "",
        "   ",
        CODE[:-1],  # too short
        CODE + "0",  # too long
        "7K3M9Q2XWU",  # U is not in Crockford's alphabet
        "7K3M9Q2XWI",  # nor I, L, O
        "7K3M-9Q2XW",
        f"https://rounds.example.org/b/{CODE}",
        f"https://rounds.example.org/x/a/{CODE}",  # /a/ must be the whole path
        f"https://rounds.example.org/a/{CODE}/extra",
        f"https://rounds.example.org/a/{CODE[:-1]}",
        f"ftp://rounds.example.org/a/{CODE}",
        f"rounds.example.org/a/{CODE}",  # no scheme: not a URL
        f"/a/{CODE}",
        "https:///a/" + CODE,  # no host
        "]Q1" + CODE,  # a scanner's symbology prefix is not stripped here
        "(01)09506000134352",  # a GS1 string is not an asset tag
    ],
)
def test_rejects_everything_else(scan: str) -> None:
    assert tag_from_scan(scan) is None


@given(st.text(alphabet=CROCKFORD_ALPHABET, min_size=TAG_LENGTH, max_size=TAG_LENGTH))
def test_every_valid_code_round_trips_bare_and_in_a_url(code: str) -> None:
    assert tag_from_scan(code.lower()) == code
    assert tag_from_scan(f"https://h.example/a/{code}/") == code


@given(st.text(max_size=40))
def test_never_raises_and_answers_only_valid_codes(text: str) -> None:
    result = tag_from_scan(text)
    assert result is None or (len(result) == TAG_LENGTH and set(result) <= set(CROCKFORD_ALPHABET))


@pytest.mark.parametrize("module", [scanners.tags, scanners.labels])
def test_doctests_pass(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
