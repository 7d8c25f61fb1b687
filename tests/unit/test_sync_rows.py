"""SQLite keeps UUIDs, UTC datetimes and booleans in its own forms; read as stored, they
must reach the wire exactly as msgspec writes the values SQLAlchemy would make of them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import msgspec
import pytest
from sqlalchemy import DateTime, Uuid
from sqlalchemy.dialects import sqlite

from server.domain.sync.synced import _sqlite_utc, _sqlite_uuid

DIALECT = sqlite.dialect()


@pytest.mark.parametrize("microsecond", [0, 6, 512000, 999999])
def test_a_stored_utc_datetime_encodes_as_msgspec_writes_it(microsecond: int) -> None:
    moment = datetime(2026, 11, 23, 3, 12, 9, microsecond, tzinfo=UTC)
    store = DateTime().dialect_impl(DIALECT).bind_processor(DIALECT)
    assert store is not None
    stored = store(moment.replace(tzinfo=None))
    assert msgspec.json.encode(_sqlite_utc(stored)) == msgspec.json.encode(moment)


def test_a_datetime_stored_in_another_form_still_encodes_alike() -> None:
    moment = datetime(2026, 11, 23, 3, 12, 9, tzinfo=UTC)
    assert msgspec.json.encode(_sqlite_utc("2026-11-23 03:12:09")) == msgspec.json.encode(moment)


@pytest.mark.parametrize("value", [uuid.UUID(int=0), uuid.UUID(int=255), uuid.uuid4()])
def test_a_stored_uuid_encodes_as_msgspec_writes_it(value: uuid.UUID) -> None:
    store = Uuid().dialect_impl(DIALECT).bind_processor(DIALECT)
    assert store is not None
    stored = store(value)
    assert msgspec.json.encode(_sqlite_uuid(stored)) == msgspec.json.encode(value)
    assert _sqlite_uuid(stored.upper()) == str(value)
    assert _sqlite_uuid(str(value)) == str(value)
