"""The reference data screens of the administration console: campuses, buildings,
floors, locations, departments, teams, contractors, assets and items, each a list (search, pages), a
detail with its change history, and a form. Reading needs `READ_ADMINISTRATION`,
changing `ADMINISTER`; the changes go through server/domain/admin/reference.py.

- `GET /desk/admin/<kind>` (q, page), `GET .../new`, `POST /desk/admin/<kind>`
- `GET|POST /desk/admin/<kind>/{id}` for kind in sites, buildings, floors, locations,
  departments, teams, contractors, assets, items
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.console.admin_forms import Outcome, form_values, submit_form
from server.console.forms import Pager, list_url, page_window
from server.console.pages import render, render_page_or_partial
from server.db.models import (
    Asset,
    AssetStatus,
    Building,
    Contractor,
    Department,
    Floor,
    Location,
    LocationKind,
    Site,
    Team,
)
from server.domain.accounts.policy import Permission
from server.domain.admin import audit, reference
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

BASE = "/desk/admin"
WRITE = requires(Permission.ADMINISTER)

# The form of each kind: (field, what it is: "text", "number" or "select:<options>").
FORMS: dict[str, tuple[tuple[str, str], ...]] = {
    "sites": (("code", "text"), ("name", "text"), ("address", "text"), ("timezone", "text")),
    "buildings": (("site_id", "select:sites"), ("code", "text"), ("name", "text")),
    "floors": (("building_id", "select:buildings"), ("level", "number"), ("name", "text")),
    "locations": (
        ("building_id", "select:buildings"),
        ("floor_id", "select:floors"),
        ("parent_code", "text"),
        ("department_id", "select:departments"),
        ("kind", "select:kinds"),
        ("code", "text"),
        ("name", "text"),
    ),
    "departments": (("code", "text"), ("name", "text"), ("cost_centre", "text")),
    "teams": (("code", "text"), ("name", "text"), ("trade", "text")),
    "contractors": (("code", "text"), ("name", "text"), ("service", "text")),
    "assets": (
        ("tag_code", "text"),
        ("name", "text"),
        ("category", "text"),
        ("manufacturer", "text"),
        ("model", "text"),
        ("serial", "text"),
        ("building_id", "select:buildings"),
        ("location_code", "text"),
        ("department_id", "select:departments"),
        ("team_id", "select:teams"),
        ("contractor_id", "select:contractors"),
        ("warranty_end", "date"),
        ("next_inspection", "date"),
        ("status", "select:statuses"),
    ),
    "items": (
        ("code", "text"),
        ("name", "text"),
        ("unit", "text"),
        ("abc_class", "select:abc"),
        ("safety_stock", "number"),
        ("reorder_point", "number"),
    ),
}
# The list's columns of each kind; ids are shown by the label of what they point at.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sites": ("code", "name", "timezone"),
    "buildings": ("code", "name", "site_id"),
    "floors": ("name", "level", "building_id"),
    "locations": ("code", "name", "kind", "building_id", "department_id"),
    "departments": ("code", "name", "cost_centre"),
    "teams": ("code", "name", "trade"),
    "contractors": ("code", "name", "service"),
    "assets": ("tag_code", "name", "category", "site_id", "status"),
    "items": ("code", "name", "unit", "abc_class", "reorder_point"),
}


async def _options(session: AsyncSession) -> dict[str, list[tuple[str, str]]]:
    """Every choice a form offers, and the labels the lists show for ids."""
    sites = (await session.scalars(select(Site).order_by(col(Site.code)))).all()
    site_code = {s.id: s.code for s in sites}
    buildings = (await session.scalars(select(Building).order_by(col(Building.code)))).all()
    building_code = {b.id: f"{site_code.get(b.site_id, '?')}/{b.code}" for b in buildings}
    floors = (await session.scalars(select(Floor).order_by(col(Floor.level)))).all()
    departments = (await session.scalars(select(Department).order_by(col(Department.code)))).all()
    return {
        "sites": [(str(s.id), f"{s.code} {s.name}") for s in sites],
        "buildings": [(str(b.id), f"{building_code[b.id]} {b.name}") for b in buildings],
        "floors": [
            (str(f.id), f"{building_code.get(f.building_id, '?')} L{f.level} {f.name}")
            for f in floors
        ],
        "departments": [(str(d.id), f"{d.code} {d.name}") for d in departments],
        "kinds": [(k.value, k.value) for k in LocationKind],
        "teams": [
            (str(t.id), f"{t.code} {t.name}")
            for t in (await session.scalars(select(Team).order_by(col(Team.code)))).all()
        ],
        "contractors": [
            (str(c.id), f"{c.code} {c.name}")
            for c in (
                await session.scalars(select(Contractor).order_by(col(Contractor.code)))
            ).all()
        ],
        "statuses": [(k.value, k.value) for k in AssetStatus],
        "abc": [("A", "A"), ("B", "B"), ("C", "C")],
    }


async def _current(session: AsyncSession, plural: str, row: Any) -> dict[str, str]:
    """The form's values for a stored row; a location is shown by its code."""
    if row is None:
        return {}
    shown = {
        name: "" if getattr(row, name, None) is None else str(getattr(row, name))
        for name, _ in FORMS[plural]
    }
    if isinstance(row, Location):
        parent = await session.get(Location, row.parent_id) if row.parent_id else None
        shown["parent_code"] = parent.code if parent else ""
    if isinstance(row, Asset):
        place = await session.get(Location, row.location_id)
        shown["building_id"] = str(place.building_id) if place else ""
        shown["location_code"] = place.code if place else ""
    return shown


class ReferenceController(Controller):
    """One kind of reference data; a subclass per kind names it (`plural`) and its address."""

    plural: ClassVar[str] = "sites"
    guards = requires(Permission.READ_ADMINISTRATION)

    @property
    def kind(self) -> reference.ReferenceKind:
        return reference.KINDS[self.plural]

    @get("/")
    async def rows(
        self,
        *,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        base = f"{BASE}/{self.plural}"
        params = {"q": q.strip()}
        number = max(1, page)
        found, total = await reference.search(db_session, actor, self.kind, page_window(number), q)
        options = await _options(db_session)
        return render_page_or_partial(
            request,
            "admin/reference.html",
            "admin/partials/reference_table.html",
            push_url=list_url(base, params, number),
            plural=self.plural,
            rows=found,
            columns=COLUMNS[self.plural],
            labels={value: text for choices in options.values() for value, text in choices},
            filters=params,
            pager=Pager(number, total),
            previous_url=list_url(base, params, number - 1),
            next_url=list_url(base, params, number + 1),
        )

    async def _form(
        self, request: HTMXRequest, db_session: DbSession, row: Any, **extra: Any
    ) -> Template:
        return render(
            request, "admin/reference_form.html", **await self._context(db_session, row), **extra
        )

    async def _context(self, db_session: DbSession, row: Any) -> dict[str, Any]:
        return {
            "plural": self.plural,
            "row": row,
            "fields": FORMS[self.plural],
            "options": await _options(db_session),
            "current": await _current(db_session, self.plural, row),
            "history": await audit.history(db_session, self.kind.name, row.id) if row else [],
        }

    @get("/new", guards=WRITE)
    async def new(self, request: HTMXRequest, db_session: DbSession) -> Template:
        return await self._form(request, db_session, None, values={})

    @get("/{row_id:uuid}")
    async def detail(
        self,
        request: HTMXRequest,
        row_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Template:
        row = await reference.load(db_session, actor, self.kind, row_id)
        return await self._form(request, db_session, row, values={})

    @post("/", guards=WRITE)
    async def create(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Response[Any]:
        return await self._save(request, None, actor, db_session)

    @post("/{row_id:uuid}", guards=WRITE)
    async def edit(
        self,
        request: HTMXRequest,
        row_id: FromPath[uuid.UUID],
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        return await self._save(request, row_id, actor, db_session)

    async def _save(
        self,
        request: HTMXRequest,
        row_id: uuid.UUID | None,
        actor: CurrentActor,
        db_session: DbSession,
    ) -> Response[Any]:
        values, _ = await form_values(request)

        async def action() -> Outcome:
            saved = await reference.save(db_session, actor, self.kind, row_id, values)
            return f"{BASE}/{self.plural}/{saved.id}"

        async def context() -> dict[str, Any]:
            await db_session.rollback()  # show the row as stored, not half-edited
            row = await reference.load(db_session, actor, self.kind, row_id) if row_id else None
            return await self._context(db_session, row)

        return await submit_form(
            request, action, page="admin/reference_form.html", context=context, values=values
        )


def _controller(plural: str) -> type[ReferenceController]:
    return type(
        f"Admin{plural.title()}Controller",
        (ReferenceController,),
        {"path": f"/admin/{plural}", "plural": plural},
    )


REFERENCE_CONTROLLERS = [_controller(plural) for plural in FORMS]
