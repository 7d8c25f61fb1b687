"""Names of the app-level dependencies, for handler signatures.

Handlers write `db_session: DbSession`, `actor: CurrentActor`, `settings: AppSettings`,
`blob_store: Blobs`.
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts.actor import Actor
from server.domain.blobs.storage import BlobStore
from server.settings import Settings

DbSession: TypeAlias = NamedDependency[AsyncSession]
CurrentActor: TypeAlias = NamedDependency[Actor]
AppSettings: TypeAlias = NamedDependency[Settings]
Blobs: TypeAlias = NamedDependency[BlobStore]
