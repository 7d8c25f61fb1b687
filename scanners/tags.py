"""Asset tags: what a scan of a Rounds QR label (or a typed code) names.

A tag code is ten characters of Crockford base32. The label's QR holds the public card
URL `<public url>/a/<code>`, so a phone's own camera opens the card; the field app and
the desk accept either the URL or the bare code, from a camera or a keyboard wedge.

>>> tag_from_scan("7k3m9q2xwd")
'7K3M9Q2XWD'
>>> tag_from_scan("  7K3M9Q2XWD\\n")
'7K3M9Q2XWD'
>>> tag_from_scan("https://rounds.example.org/a/7K3M9Q2XWD")
'7K3M9Q2XWD'
>>> tag_from_scan("http://10.0.0.5:8000/a/7k3m9q2xwd/?src=label")
'7K3M9Q2XWD'
>>> tag_from_scan("7K3M9Q2XWU") is None  # U is not a Crockford digit
True
>>> tag_from_scan("https://rounds.example.org/b/7K3M9Q2XWD") is None
True
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

CROCKFORD_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TAG_LENGTH: Final = 10

_TAG = re.compile(f"[{CROCKFORD_ALPHABET}]{{{TAG_LENGTH}}}")
# The card path, with or without the slash a browser or a label printer may add.
_CARD_PATH = re.compile(r"/a/([^/]+)/?")


def normalise_tag(text: str) -> str | None:
    """The upper-case code if `text` is exactly a tag code (spaces around it allowed).

    >>> normalise_tag(" abcdefghjk ")
    'ABCDEFGHJK'
    >>> normalise_tag("ABCDEFGHJ") is None  # one character short
    True
    """
    candidate = text.strip().upper()
    return candidate if _TAG.fullmatch(candidate) else None


def tag_from_scan(text: str) -> str | None:
    """The tag code in a scan: a bare code, or a card URL on any host; else None.

    >>> tag_from_scan("") is None
    True
    >>> tag_from_scan("https://rounds.example.org/a/") is None
    True
    >>> tag_from_scan("rounds.example.org/a/7K3M9Q2XWD") is None  # not a URL, not a code
    True
    """
    bare = normalise_tag(text)
    if bare is not None:
        return bare
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    match = _CARD_PATH.fullmatch(parts.path)
    return normalise_tag(match.group(1)) if match else None
