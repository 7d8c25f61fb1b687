"""What every importable kind provides, so the service runs them all the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.imports.validation import Record, RowError, Spec


@dataclass
class Plan:
    """What a file would do: its errors, new rows as column values, loaded rows given new
    values (which only a commit makes real), and how many rows are already as the file says."""

    errors: list[RowError] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    unchanged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # what a kind writes besides its rows

    def merge(self, row: Any, wanted: dict[str, Any]) -> None:
        """Set on a loaded row the values that differ; count it as changed or unchanged."""
        differs = {name: value for name, value in wanted.items() if getattr(row, name) != value}
        for name, value in differs.items():
            setattr(row, name, value)
        if differs:
            self.changed.append(row)
        else:
            self.unchanged += 1


@dataclass(frozen=True)
class Kind:
    spec: Spec
    date_columns: frozenset[str]
    plan: Callable[[AsyncSession, list[Record]], Awaitable[Plan]]
    apply: Callable[[AsyncSession, Plan], Awaitable[None]]
    export: Callable[[AsyncSession], Awaitable[list[list[str]]]]
