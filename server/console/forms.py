"""Reading list filters from a query string, and writing them back into links.

Filter selects send an empty string for "all", which is not a UUID; these helpers turn
what a browser sends into typed values without failing the whole page on a stray value.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from server.domain.paging import PageRequest

PAGE_SIZE = 50


def uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Pager:
    """Page `number` (from 1) of `total` rows, `PAGE_SIZE` rows a page."""

    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_row(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.offset + self.size < self.total


def page_window(number: int) -> PageRequest:
    """The rows of page `number` (from 1; anything lower is page 1)."""
    number = max(1, number)
    return PageRequest(limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)


def list_url(path: str, params: Mapping[str, str], page: int = 1) -> str:
    """The address of a filtered list page, leaving out empty filters and page 1."""
    kept = {key: value for key, value in params.items() if value}
    if page > 1:
        kept["page"] = str(page)
    return f"{path}?{urlencode(kept)}" if kept else path
