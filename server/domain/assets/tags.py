"""Asset tag codes: the identifier printed in an asset's QR label."""

from __future__ import annotations

import secrets

_CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tag_code() -> str:
    """A random 10-character Crockford base32 code (50 bits) drawn from `secrets`.

    It says nothing about the asset and a neighbour's code does not help to guess it, so
    the public asset card cannot be walked by trying codes. The alphabet leaves out I, L,
    O and U, which are easily misread when a label is typed in by hand.
    """
    return "".join(secrets.choice(_CROCKFORD_BASE32) for _ in range(10))
