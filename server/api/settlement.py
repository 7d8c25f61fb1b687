"""Contracts, scorecards and settlement statements over the JSON API: the same service the
console uses. Whose rows a caller reaches: `scope_contracts` / `scope_statements`."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from server.domain.accounts.policy import Permission
from server.domain.reports.monthly import parse_month
from server.domain.scorecards.scorecard import history as score_history
from server.domain.scorecards.scorecard import scorecard, visible_contract
from server.domain.settlement import service
from server.domain.settlement.contracts import list_contracts
from server.domain.settlement.schemas import (
    ComputeIn,
    ContractOut,
    DisputeIn,
    MonthScore,
    ResolveIn,
    ScorecardOut,
    StatementOut,
    StatementSummary,
    VerifyOut,
    contract_out,
    scorecard_out,
    statement_out,
)
from server.errors import InvalidInput
from server.web.deps import CurrentActor, DbSession
from server.web.security import requires


class SettlementController(Controller):
    tags = ["settlement"]
    guards = requires(Permission.READ_SETTLEMENT)

    @get("/contracts")
    async def contracts(self, db_session: DbSession, actor: CurrentActor) -> list[ContractOut]:
        return [contract_out(c, who) for c, who in await list_contracts(db_session, actor)]

    @get("/contracts/{contract_id:uuid}/scorecard")
    async def scorecard(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        contract_id: FromPath[uuid.UUID],
        month: FromQuery[str | None] = None,
    ) -> ScorecardOut:
        """The contract's weighted score for `month` (YYYY-MM), each indicator's value and
        the records behind it; an indicator not measured is left out of the weights."""
        contract = await visible_contract(db_session, actor, contract_id)
        return scorecard_out(await scorecard(db_session, contract, parse_month(month)))

    @get("/contracts/{contract_id:uuid}/history")
    async def history(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        contract_id: FromPath[uuid.UUID],
        month: FromQuery[str | None] = None,
        months: FromQuery[int] = 6,
    ) -> list[MonthScore]:
        """The weighted score of each of `months` (1 to 24) months up to `month`, oldest first."""
        if not 1 <= months <= 24:
            raise InvalidInput("Ask for 1 to 24 months.", field="months")
        contract = await visible_contract(db_session, actor, contract_id)
        points = await score_history(db_session, contract, parse_month(month), months)
        return [
            MonthScore(f"{first:%Y-%m}", str(score) if score is not None else None)
            for first, score in points
        ]

    @post(
        "/contracts/{contract_id:uuid}/statements",
        guards=requires(Permission.SETTLE),
        status_code=201,
    )
    async def compute(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        contract_id: FromPath[uuid.UUID],
        data: JSONBody[ComputeIn],
    ) -> StatementOut:
        """Compute (again) the month's draft statement from the records and the rules."""
        contract = await visible_contract(db_session, actor, contract_id)
        statement = await service.compute_draft(
            db_session, actor, contract, parse_month(data.month)
        )
        return statement_out(await service.view(db_session, statement))

    @get("/statements")
    async def statements(
        self, db_session: DbSession, actor: CurrentActor, month: FromQuery[str | None] = None
    ) -> list[StatementSummary]:
        chosen = parse_month(month) if month else None
        return [
            StatementSummary(
                s.id, c.code, s.contractor_id, f"{s.month:%Y-%m}", s.status.value,
                s.deductions_cents, s.payable_cents,
            )
            for s, c in await service.list_statements(db_session, actor, chosen)
        ]  # fmt: skip

    @get("/statements/{statement_id:uuid}")
    async def statement(
        self, db_session: DbSession, actor: CurrentActor, statement_id: FromPath[uuid.UUID]
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        return statement_out(await service.view(db_session, found))

    @get("/statements/{statement_id:uuid}/verify")
    async def verify(
        self, db_session: DbSession, actor: CurrentActor, statement_id: FromPath[uuid.UUID]
    ) -> VerifyOut:
        """Whether the statement's rows still hash to the SHA-256 stored when it was frozen."""
        found = await service.visible_statement(db_session, actor, statement_id)
        return VerifyOut(found.frozen_hash, await service.verify(db_session, found))

    @post(
        "/statements/{statement_id:uuid}/issue", guards=requires(Permission.SETTLE), status_code=200
    )
    async def issue(
        self, db_session: DbSession, actor: CurrentActor, statement_id: FromPath[uuid.UUID]
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        await service.issue(db_session, actor, found)
        return statement_out(await service.view(db_session, found))

    @post(
        "/statements/{statement_id:uuid}/accept",
        guards=requires(Permission.RESPOND_STATEMENT),
        status_code=200,
    )
    async def accept(
        self, db_session: DbSession, actor: CurrentActor, statement_id: FromPath[uuid.UUID]
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        await service.accept(db_session, actor, found)
        return statement_out(await service.view(db_session, found))

    @post(
        "/statements/{statement_id:uuid}/lines/{line_id:uuid}/dispute",
        guards=requires(Permission.RESPOND_STATEMENT),
        status_code=201,
    )
    async def dispute(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        statement_id: FromPath[uuid.UUID],
        line_id: FromPath[uuid.UUID],
        data: JSONBody[DisputeIn],
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        await service.dispute(db_session, actor, found, line_id, data.comment)
        return statement_out(await service.view(db_session, found))

    @post(
        "/statements/{statement_id:uuid}/disputes/{dispute_id:uuid}/resolve",
        guards=requires(Permission.SETTLE),
        status_code=200,
    )
    async def resolve(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        statement_id: FromPath[uuid.UUID],
        dispute_id: FromPath[uuid.UUID],
        data: JSONBody[ResolveIn],
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        await service.resolve(
            db_session, actor, found, dispute_id, service.outcome_of(data.outcome), data.reason,
            data.new_amount_cents,
        )  # fmt: skip
        return statement_out(await service.view(db_session, found))

    @post(
        "/statements/{statement_id:uuid}/freeze",
        guards=requires(Permission.SETTLE),
        status_code=200,
    )
    async def freeze(
        self, db_session: DbSession, actor: CurrentActor, statement_id: FromPath[uuid.UUID]
    ) -> StatementOut:
        found = await service.visible_statement(db_session, actor, statement_id)
        await service.freeze(db_session, actor, found)
        return statement_out(await service.view(db_session, found))
