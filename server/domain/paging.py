"""Bounded pages for every list: no endpoint returns an unbounded number of rows."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PAGE = 200


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", max(1, min(self.limit, MAX_PAGE)))
        object.__setattr__(self, "offset", max(0, self.offset))
