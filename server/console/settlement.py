"""Contracts, scorecards and settlement statements in the console. Every query goes through
the domain services, which scope by `scope_contracts` / `scope_statements`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy import select

from server.console.i18n import pick_language, translator
from server.console.pages import render
from server.console.patrol_forms import as_date, as_int, done
from server.console.settlement_charts import score_chart
from server.db.models import Contractor, RuleKind
from server.domain.accounts.actor import Actor
from server.domain.accounts.policy import Permission, scope_contractors
from server.domain.reports.monthly import parse_month
from server.domain.scorecards.scorecard import (
    contract_indicators,
    history,
    scorecard,
    visible_contract,
)
from server.domain.settlement import contracts as edit
from server.domain.settlement import service
from server.domain.settlement.export import statement_pdf, statement_xlsx
from server.domain.settlement.rules import money
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ContractForm(msgspec.Struct):
    code: str = ""
    contractor_id: str = ""
    service: str = ""
    starts_on: str = ""
    fee: str = ""


class IndicatorForm(msgspec.Struct):
    code: str = ""
    weight: str = "1"
    target: str = ""


class TeamForm(msgspec.Struct):
    team_id: str = ""


class RuleForm(msgspec.Struct):
    kind: str = ""
    indicator_code: str = ""
    amount: str = ""
    percent: str = ""
    threshold: str = ""


class ComputeForm(msgspec.Struct):
    contract_id: str = ""
    month: str = ""


class DisputeForm(msgspec.Struct):
    comment: str = ""


class ResolveForm(msgspec.Struct):
    outcome: str = ""
    reason: str = ""
    new_amount: str = ""


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except InvalidInput:  # a stray value in the address shows this month, not an error
        return parse_month(None)


def _uuid(text: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise InvalidInput("Choose one from the list.", field=field) from None


async def _attempt(
    request: HTMXRequest,
    action: Callable[[], Awaitable[str]],
    page: Callable[[dict[str, Any]], Awaitable[Template]],
    values: dict[str, Any],
) -> Response[Any]:
    """Run `action` (it returns where to go); refused input shows the page again, with the
    message beside the form, status 422."""
    try:
        return done(request, await action())
    except InvalidInput as refused:
        return await page(
            {"error": refused.message, "error_field": refused.extra.get("field", ""),
             "values": values}
        )  # fmt: skip


class SettlementConsoleController(Controller):
    guards = requires(Permission.READ_SETTLEMENT)

    # Contracts -----------------------------------------------------------------------

    async def _contracts_page(
        self, request: HTMXRequest, db: DbSession, actor: Actor, extra: dict[str, Any]
    ) -> Template:
        companies = (await db.scalars(scope_contractors(actor, select(Contractor)))).all()
        return render(
            request,
            "settlement/contracts.html",
            status=422 if extra.get("error") else 200,
            contracts=await edit.list_contracts(db, actor),
            contractors=sorted(companies, key=lambda c: c.code),
            money=money,
            **extra,
        )

    @get("/contracts")
    async def contracts(
        self, request: HTMXRequest, actor: CurrentActor, db_session: DbSession
    ) -> Template:
        return await self._contracts_page(request, db_session, actor, {})

    @post("/contracts", guards=requires(Permission.MANAGE_CONTRACTS))
    async def create_contract(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        data: URLEncodedBody[ContractForm],
    ) -> Response[Any]:
        async def action() -> str:
            starts = as_date(data.starts_on, "starts_on")
            assert starts is not None
            contract = await edit.create_contract(
                db_session, data.code, _uuid(data.contractor_id, "contractor_id"), data.service,
                starts, edit.cents_of(data.fee, "fee"),
            )  # fmt: skip
            return f"/desk/contracts/{contract.id}"

        async def page(extra: dict[str, Any]) -> Template:
            return await self._contracts_page(request, db_session, actor, extra)

        return await _attempt(request, action, page, msgspec.structs.asdict(data))

    async def _contract_page(
        self,
        request: HTMXRequest,
        db: DbSession,
        actor: Actor,
        contract_id: uuid.UUID,
        extra: dict[str, Any],
    ) -> Template:
        contract = await visible_contract(db, actor, contract_id)
        return render(
            request,
            "settlement/contract.html",
            status=422 if extra.get("error") else 200,
            contract=contract,
            contractor=await db.get(Contractor, contract.contractor_id),
            indicators=sorted(await contract_indicators(db, contract.id), key=lambda i: i.code),
            rules=await edit.rules_of(db, contract.id),
            kinds=list(RuleKind),
            teams=await edit.contractor_teams(db, contract.contractor_id),
            other_teams=[t for t in await edit.all_teams(db) if t.contractor_id is None],
            money=money,
            **extra,
        )

    @get("/contracts/{contract_id:uuid}")
    async def contract(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
    ) -> Template:
        return await self._contract_page(request, db_session, actor, contract_id, {})

    async def _edit_contract(
        self,
        request: HTMXRequest,
        db: DbSession,
        actor: Actor,
        contract_id: uuid.UUID,
        change: Callable[[Any], Awaitable[None]],
        values: dict[str, Any],
        form: str,
    ) -> Response[Any]:
        async def action() -> str:
            contract = await visible_contract(db, actor, contract_id)
            await change(contract)
            return f"/desk/contracts/{contract_id}"

        async def page(extra: dict[str, Any]) -> Template:
            return await self._contract_page(
                request, db, actor, contract_id, {**extra, "form": form}
            )

        return await _attempt(request, action, page, values)

    @post("/contracts/{contract_id:uuid}/indicators", guards=requires(Permission.MANAGE_CONTRACTS))
    async def set_indicator(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        data: URLEncodedBody[IndicatorForm],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            await edit.set_indicator(
                db_session, contract, data.code, as_int(data.weight, "weight"), data.target
            )

        values = msgspec.structs.asdict(data)
        return await self._edit_contract(
            request, db_session, actor, contract_id, change, values, "indicators"
        )

    @post(
        "/contracts/{contract_id:uuid}/indicators/{indicator_id:uuid}/delete",
        guards=requires(Permission.MANAGE_CONTRACTS),
    )
    async def remove_indicator(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        indicator_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            await edit.remove_indicator(db_session, contract, indicator_id)

        return await self._edit_contract(
            request, db_session, actor, contract_id, change, {}, "indicators"
        )

    @post("/contracts/{contract_id:uuid}/rules", guards=requires(Permission.MANAGE_CONTRACTS))
    async def add_rule(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        data: URLEncodedBody[RuleForm],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            try:
                kind = RuleKind(data.kind)
            except ValueError:
                raise InvalidInput("Choose the kind of rule.", field="kind") from None
            await edit.add_rule(
                db_session, contract, kind, data.indicator_code,
                edit.cents_of(data.amount, "amount") if data.amount.strip() else None,
                edit.decimal_text(data.percent, "percent", optional=True),
                edit.decimal_text(data.threshold, "threshold", optional=True),
            )  # fmt: skip

        values = msgspec.structs.asdict(data)
        return await self._edit_contract(
            request, db_session, actor, contract_id, change, values, "rules"
        )

    @post(
        "/contracts/{contract_id:uuid}/rules/{rule_id:uuid}/delete",
        guards=requires(Permission.MANAGE_CONTRACTS),
    )
    async def remove_rule(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        rule_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            await edit.remove_rule(db_session, contract, rule_id)

        return await self._edit_contract(
            request, db_session, actor, contract_id, change, {}, "rules"
        )

    @post("/contracts/{contract_id:uuid}/teams", guards=requires(Permission.MANAGE_CONTRACTS))
    async def link_team(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        data: URLEncodedBody[TeamForm],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            await edit.link_team(db_session, contract, _uuid(data.team_id, "team_id"), True)

        values = msgspec.structs.asdict(data)
        return await self._edit_contract(
            request, db_session, actor, contract_id, change, values, "teams"
        )

    @post(
        "/contracts/{contract_id:uuid}/teams/{team_id:uuid}/unlink",
        guards=requires(Permission.MANAGE_CONTRACTS),
    )
    async def unlink_team(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        contract_id: FromPath[uuid.UUID],
        team_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(contract: Any) -> None:
            await edit.link_team(db_session, contract, team_id, False)

        return await self._edit_contract(
            request, db_session, actor, contract_id, change, {}, "teams"
        )

    # Scorecards ----------------------------------------------------------------------

    @get("/scorecards")
    async def scorecards(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
    ) -> Template:
        chosen = _month(month)
        t = translator(pick_language(request))
        cards = []
        for contract, contractor in await edit.list_contracts(db_session, actor):
            card = await scorecard(db_session, contract, chosen)
            points = await history(db_session, contract, chosen)
            chart = score_chart(
                f"{t('settle.history')} {contract.code}", points, t("settle.not_measured")
            )
            cards.append((card, contractor, chart))
        return render(request, "settlement/scorecards.html", month=f"{chosen:%Y-%m}", cards=cards)

    # Statements ----------------------------------------------------------------------

    async def _statements_page(
        self,
        request: HTMXRequest,
        db: DbSession,
        actor: Actor,
        month: date,
        extra: dict[str, Any],
    ) -> Template:
        return render(
            request,
            "settlement/statements.html",
            status=422 if extra.get("error") else 200,
            month=f"{month:%Y-%m}",
            statements=await service.list_statements(db, actor, month),
            contracts=await edit.list_contracts(db, actor),
            money=money,
            **extra,
        )

    @get("/statements")
    async def statements(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        month: FromQuery[str] = "",
    ) -> Template:
        return await self._statements_page(request, db_session, actor, _month(month), {})

    @post("/statements", guards=requires(Permission.SETTLE))
    async def compute(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        data: URLEncodedBody[ComputeForm],
    ) -> Response[Any]:
        async def action() -> str:
            contract = await visible_contract(
                db_session, actor, _uuid(data.contract_id, "contract_id")
            )
            statement = await service.compute_draft(
                db_session, actor, contract, parse_month(data.month)
            )
            return f"/desk/statements/{statement.id}"

        async def page(extra: dict[str, Any]) -> Template:
            return await self._statements_page(
                request, db_session, actor, _month(data.month), extra
            )

        return await _attempt(request, action, page, msgspec.structs.asdict(data))

    async def _statement_page(
        self,
        request: HTMXRequest,
        db: DbSession,
        actor: Actor,
        statement_id: uuid.UUID,
        extra: dict[str, Any],
    ) -> Template:
        found = await service.visible_statement(db, actor, statement_id)
        shown = await service.view(db, found)
        return render(
            request,
            "settlement/statement.html",
            status=422 if extra.get("error") else 200,
            view=shown,
            statement=found,
            contractor=await db.get(Contractor, found.contractor_id),
            verified=await service.verify(db, found) if found.frozen_hash else None,
            money=money,
            **{"form": "", **extra},
        )

    @get("/statements/{statement_id:uuid}")
    async def statement(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
    ) -> Template:
        return await self._statement_page(request, db_session, actor, statement_id, {})

    async def _act(
        self,
        request: HTMXRequest,
        db: DbSession,
        actor: Actor,
        statement_id: uuid.UUID,
        change: Callable[[Any], Awaitable[Any]],
        values: dict[str, Any],
        form: str = "",
    ) -> Response[Any]:
        async def action() -> str:
            found = await service.visible_statement(db, actor, statement_id)
            await change(found)
            return f"/desk/statements/{statement_id}"

        async def page(extra: dict[str, Any]) -> Template:
            return await self._statement_page(
                request, db, actor, statement_id, {**extra, "form": form}
            )

        return await _attempt(request, action, page, values)

    @post("/statements/{statement_id:uuid}/issue", guards=requires(Permission.SETTLE))
    async def issue(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(found: Any) -> None:
            await service.issue(db_session, actor, found)

        return await self._act(request, db_session, actor, statement_id, change, {})

    @post("/statements/{statement_id:uuid}/accept", guards=requires(Permission.RESPOND_STATEMENT))
    async def accept(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(found: Any) -> None:
            await service.accept(db_session, actor, found)

        return await self._act(request, db_session, actor, statement_id, change, {})

    @post(
        "/statements/{statement_id:uuid}/lines/{line_id:uuid}/dispute",
        guards=requires(Permission.RESPOND_STATEMENT),
    )
    async def dispute(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
        line_id: FromPath[uuid.UUID],
        data: URLEncodedBody[DisputeForm],
    ) -> Response[Any]:
        async def change(found: Any) -> None:
            await service.dispute(db_session, actor, found, line_id, data.comment)

        values = {"comment": data.comment}
        return await self._act(
            request, db_session, actor, statement_id, change, values, f"line-{line_id}"
        )

    @post(
        "/statements/{statement_id:uuid}/disputes/{dispute_id:uuid}/resolve",
        guards=requires(Permission.SETTLE),
    )
    async def resolve(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
        dispute_id: FromPath[uuid.UUID],
        data: URLEncodedBody[ResolveForm],
    ) -> Response[Any]:
        async def change(found: Any) -> None:
            amount = edit.cents_of(data.new_amount, "amount") if data.new_amount.strip() else None
            await service.resolve(
                db_session, actor, found, dispute_id, service.outcome_of(data.outcome), data.reason,
                amount,
            )  # fmt: skip

        values = msgspec.structs.asdict(data)
        return await self._act(
            request, db_session, actor, statement_id, change, values, f"dispute-{dispute_id}"
        )

    @post("/statements/{statement_id:uuid}/freeze", guards=requires(Permission.SETTLE))
    async def freeze(
        self,
        request: HTMXRequest,
        actor: CurrentActor,
        db_session: DbSession,
        statement_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        async def change(found: Any) -> None:
            await service.freeze(db_session, actor, found)

        return await self._act(request, db_session, actor, statement_id, change, {})

    async def _download(
        self, db: DbSession, actor: Actor, statement_id: uuid.UUID, kind: str
    ) -> Response[bytes]:
        found = await service.visible_statement(db, actor, statement_id)
        shown = await service.view(db, found)
        contractor = await db.get(Contractor, found.contractor_id)
        assert contractor is not None
        name = f"statement-{shown.contract.code}-{found.month:%Y-%m}.{kind}"
        if kind == "pdf":
            body, media = await statement_pdf(shown, contractor), "application/pdf"
        else:
            body, media = statement_xlsx(shown, contractor), XLSX
        return Response(
            content=body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/statements/{statement_id:uuid}/statement.pdf")
    async def pdf(
        self, actor: CurrentActor, db_session: DbSession, statement_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        return await self._download(db_session, actor, statement_id, "pdf")

    @get("/statements/{statement_id:uuid}/statement.xlsx")
    async def xlsx(
        self, actor: CurrentActor, db_session: DbSession, statement_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        return await self._download(db_session, actor, statement_id, "xlsx")
