"""Photos and signatures on the console's pages, behind the console's own session.

The JSON API takes bearer tokens only, so the console serves the files it shows under
/desk/ with the same rule of who may see which (`policy.may_see_blob`).
"""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import File, Stream

from server.api.blobs import Sha256
from server.domain.accounts.policy import Permission
from server.web.blob_files import blob_file
from server.web.deps import Blobs, CurrentActor, DbSession
from server.web.security import requires


class PhotoConsoleController(Controller):
    path = "/blobs"
    guards = requires(Permission.USE_CONSOLE)

    @get("/{sha256:str}")
    async def photo(
        self, sha256: Sha256, db_session: DbSession, actor: CurrentActor, blob_store: Blobs
    ) -> File | Stream:
        return await blob_file(db_session, actor, blob_store, sha256, thumbnail=False)

    @get("/{sha256:str}/thumbnail")
    async def thumbnail(
        self, sha256: Sha256, db_session: DbSession, actor: CurrentActor, blob_store: Blobs
    ) -> File | Stream:
        return await blob_file(db_session, actor, blob_store, sha256, thumbnail=True)
