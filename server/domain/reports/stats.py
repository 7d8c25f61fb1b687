"""Percentiles by the nearest-rank method, the one a reader can check by hand.

For `n` sorted values the p-th percentile is the value at rank ceil(p / 100 * n)
(ranks count from 1). It is always one of the observed values, never an
interpolation. The median is the 50th percentile by the same rule, so for an even
count it is the lower of the two middle values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The `percent`-th percentile of `values` (None when there are none)."""
    if not values:
        return None
    if not 0 < percent <= 100:
        raise ValueError("percent is in (0, 100]")
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    """`part / whole` rounded to four places, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None
