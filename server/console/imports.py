"""Import and export pages (admin only).

- `GET /desk/imports`: the upload form, template and export links, recent imports.
- `POST /desk/imports/check`: a file (multipart, at most `MAX_IMPORT_BYTES`) checked as a
  dry run; the page lists every error by line and column, or offers "Apply". The file is
  kept under the state directory by its SHA-256, so "Apply" sends no file again.
- `POST /desk/imports/apply`: imports the kept file for real (all or nothing).
- `GET /desk/imports/{kind}/template/{csv|xlsx}`, `GET /desk/imports/{kind}/export/{csv|xlsx}`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, URLEncodedBody
from litestar.response import Template

from server.console.pages import render
from server.domain.accounts.policy import Permission
from server.domain.imports import service as imports
from server.domain.imports.files import CSV_TYPE, XLSX_TYPE
from server.domain.imports.reading import file_kind
from server.errors import InvalidInput, NotFound
from server.web.deps import AppSettings, CurrentActor, DbSession
from server.web.security import requires

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a 50,000-row register is about 6 MB as CSV
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
_KEPT_NAME = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx)$")


@dataclass
class UploadForm:
    kind: str
    file: UploadFile


@dataclass
class ApplyForm:
    kind: str
    kept: str
    file_name: str


def _kept_dir(state_dir: Path) -> Path:
    directory = state_dir / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _download(data: bytes, name: str, file_format: str) -> Response[bytes]:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type=FORMATS[file_format], headers=headers)


def _format(file_format: str) -> str:
    if file_format not in FORMATS:
        raise NotFound("Files come as .csv or .xlsx.", format=file_format)
    return file_format


class ImportConsoleController(Controller):
    path = "/imports"
    guards = requires(Permission.IMPORT_DATA)

    async def _page(
        self, request: Request[Any, Any, Any], db_session: DbSession, **context: Any
    ) -> Template:
        return render(
            request,
            "imports/page.html",
            kinds=sorted(imports.SPECS),
            runs=await imports.recent_runs(db_session),
            max_mb=MAX_IMPORT_BYTES // (1024 * 1024),
            **context,
        )

    @get("/")
    async def page(self, request: Request[Any, Any, Any], db_session: DbSession) -> Template:
        return await self._page(request, db_session)

    @post("/check", request_max_body_size=MAX_IMPORT_BYTES + 64 * 1024)
    async def check(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        db_session: DbSession,
        settings: AppSettings,
    ) -> Template:
        try:
            content = await data.file.read()
        finally:
            await data.file.close()  # the upload's spooled temporary file
        imports.spec_for(data.kind)
        name = Path(data.file.filename or "upload").name
        extension = file_kind(name)
        if not content:
            raise InvalidInput("The file is empty.", filename=name)
        kept = f"{hashlib.sha256(content).hexdigest()}.{extension}"
        (_kept_dir(settings.state_dir) / kept).write_bytes(content)
        result = await imports.run_import(
            db_session, data.kind, content, name, dry_run=True, user_id=None
        )
        return await self._page(request, db_session, result=result, kept=kept)

    @post("/apply")
    async def apply(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[ApplyForm],
        actor: CurrentActor,
        db_session: DbSession,
        settings: AppSettings,
    ) -> Template:
        if not _KEPT_NAME.match(data.kept):
            raise InvalidInput("Check the file again before applying it.")
        path = _kept_dir(settings.state_dir) / data.kept
        if not path.exists():
            raise NotFound("The checked file is no longer kept; check it again.")
        result = await imports.run_import(
            db_session,
            data.kind,
            path.read_bytes(),
            Path(data.file_name).name or data.kept,
            dry_run=False,
            user_id=actor.user_id,
        )
        if result.applied:
            path.unlink(missing_ok=True)
        return await self._page(request, db_session, result=result, kept=data.kept)

    @get("/{kind:str}/template/{file_format:str}")
    async def template(self, kind: FromPath[str], file_format: FromPath[str]) -> Response[bytes]:
        chosen = _format(file_format)
        return _download(imports.template_file(kind, chosen), f"{kind}-template.{chosen}", chosen)

    @get("/{kind:str}/export/{file_format:str}")
    async def export(
        self, kind: FromPath[str], file_format: FromPath[str], db_session: DbSession
    ) -> Response[bytes]:
        chosen = _format(file_format)
        data = await imports.export_file(db_session, kind, chosen)
        return _download(data, f"{kind}.{chosen}", chosen)
