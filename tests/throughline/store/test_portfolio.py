"""The portfolio's reads give the same answers on SQLite and PostgreSQL:
throughline/store/portfolio.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState, ChangeStatus
from models.gate import ActOutcome
from models.intake import AlignmentArea, Prioritisation, RatedNote, Rating
from models.outcomes import OutcomesQuery
from models.portfolio import Candidate
from models.practice import AreaReadiness, GroundOverride, PrioritisationRecord, ReadinessStatus
from models.projection import ProjectionBatch
from models.transitions.opening import open_change
from tests.factories import T0, decide, new_change, pass_gate
from throughline.store import portfolio
from throughline.store.projection import project

DAY = timedelta(days=1)
NOW = datetime.now(UTC)


def _change(service: str, **intake: Any) -> ChangeState:
    state, _ = open_change(new_change(service=service, **intake), T0)
    return state


async def _store(session: AsyncSession, *states: ChangeState) -> None:
    for state in states:
        await project(session, ProjectionBatch(workflow_id="wf", state=state, events=[]), NOW)


def _rated(capacity: Rating) -> Prioritisation:
    high = RatedNote(rating=Rating.HIGH)
    return Prioritisation(
        senior_interest=high, operational_capacity=RatedNote(rating=capacity), capability=high
    )


def _practised(service: str) -> ChangeState:
    """A change with a later assessment, the owner's override and one area's readiness."""
    state = _change(service, prioritisation=_rated(Rating.HIGH).model_dump())
    state.prioritisation = PrioritisationRecord(
        assessment=_rated(Rating.LOW), assessed_by="dev", assessed_at=T0
    )
    state.ground_override = GroundOverride(
        reason="Agreed at board",
        gate_name="design approved",
        missing=["operational willingness and capacity"],
        overridden_by="owner",
        overridden_at=T0,
    )
    state.readiness = {
        AlignmentArea.SKILLS: AreaReadiness(
            area=AlignmentArea.SKILLS,
            status=ReadinessStatus.READY,
            owner="ops-a",
            updated_by="dev",
            updated_at=T0,
        )
    }
    return state


async def test_candidates_carry_what_the_ranking_reads(rollback_session: AsyncSession) -> None:
    service = f"Portfolio {uuid.uuid4().hex[:8]}"
    practised, plain = _practised(service), _change(service)
    await _store(rollback_session, practised, plain)

    found = await portfolio.candidates(rollback_session, service, ChangeStatus.ACTIVE)

    by_id = {c.change_id: c for c in found}
    assert set(by_id) == {practised.change_id, plain.change_id}
    assert by_id[practised.change_id] == Candidate.of(practised)
    assert by_id[plain.change_id] == Candidate.of(plain)
    assert by_id[practised.change_id].prioritisation == _rated(Rating.LOW)
    assert by_id[plain.change_id].readiness == {}


async def test_candidates_are_only_of_the_service_and_status_asked_for(
    rollback_session: AsyncSession,
) -> None:
    ours, theirs = f"Ours {uuid.uuid4().hex[:8]}", f"Theirs {uuid.uuid4().hex[:8]}"
    active, closed, elsewhere = _change(ours), _change(ours), _change(theirs)
    closed.status = ChangeStatus.WITHDRAWN
    await _store(rollback_session, active, closed, elsewhere)

    found = await portfolio.candidates(rollback_session, ours, ChangeStatus.ACTIVE)
    withdrawn = await portfolio.candidates(rollback_session, ours, ChangeStatus.WITHDRAWN)

    assert [c.change_id for c in found] == [active.change_id]
    assert [c.change_id for c in withdrawn] == [closed.change_id]


def _decided(service: str, days: int) -> ChangeState:
    state = _change(service)
    while state.stage != "act":
        pass_gate(state, T0 + days * DAY)
    decide(state, ActOutcome.ADOPT, T0 + days * DAY)
    return state


async def test_the_changes_decided_in_a_range_are_found_by_their_decisions(
    rollback_session: AsyncSession,
) -> None:
    service = f"Outcomes {uuid.uuid4().hex[:8]}"
    early, late, undecided = _decided(service, 3), _decided(service, 30), _change(service)
    await _store(rollback_session, early, late, undecided)

    in_range = OutcomesQuery(service=service, since=T0 + 10 * DAY, until=T0 + 40 * DAY)
    found = await portfolio.decided_in(rollback_session, in_range)
    every = await portfolio.decided_in(rollback_session, OutcomesQuery(service=service))

    assert [s.change_id for s in found] == [late.change_id]
    assert found[0] == late
    assert sorted(s.change_id for s in every) == sorted([early.change_id, late.change_id])
