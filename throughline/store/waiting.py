"""What each change waits on, as lists and inboxes read it, kept true against today's
directory: written with every projection of a change, and written again whenever the
directory changes for someone the change names, so a handoff nobody can take shows
as stuck at once, and stops showing so once someone can."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, delete, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.handoff import Handoff, HandoffKind
from models.read.stuck import waiting_today
from models.read.waiting import WaitingOn, WaitKind, next_actors
from models.roles import Role
from models.tables import ChangePerson, ChangeRow, ChangeWaiting
from throughline.store import directory
from throughline.store.sql import insert_missing


async def write_waiting(
    session: AsyncSession, state: ChangeState, now: datetime
) -> WaitingOn | None:
    """Store what the change waits on now, on whom and why, for its row and its inbox rows;
    None, with nothing written, when the stored row holds a newer snapshot than this one.

    The row is updated first: its lock makes a concurrent writer of the same change wait,
    and only the writer whose snapshot is stored goes on to rewrite the inbox rows, so
    they and the row's waiting_roles always describe the same snapshot."""
    reading = await directory.reading_for(session, state, now)
    wait = waiting_today(state, state.updated_at, reading)
    rows = [*waiting_rows(state, wait), *escalation_rows(state, reading.admins)]
    values = {
        "waiting_roles": roles_text(row["role"] for row in rows),
        "waiting_kind": wait.kind.value,
        "waiting_since": wait.since,
        "waiting_reason": wait.reason,
    }
    statement = update(ChangeRow).where(
        col(ChangeRow.id) == state.change_id, col(ChangeRow.last_seq) == state.seq
    )
    if (await session.exec(statement.values(**values))).rowcount == 0:
        return None
    await session.exec(delete(ChangeWaiting).where(col(ChangeWaiting.change_id) == state.change_id))
    await insert_missing(session, ChangeWaiting, rows)
    return wait


def roles_text(roles: Iterable[str]) -> str:
    """The roles a change's waiting rows hold, as its row keeps them: each once, in order,
    between spaces, so `waits_on_role` finds a role by a match of its whole name."""
    found = sorted(set(roles))
    return f" {' '.join(found)} " if found else ""


def waits_on_role(role: Role) -> ColumnElement[bool]:
    """Changes with a waiting row in this role, read on the change's own row: a deep page
    tests it in the index that orders the page, not with a lookup for each row it skips."""
    return col(ChangeRow.waiting_roles).contains(f" {role.value} ", autoescape=True)


def waiting_rows(state: ChangeState, wait: WaitingOn) -> list[dict[str, Any]]:
    """One row per person and role the change waits on. A stuck role waits on whoever
    can fix it (its kind says so); the other roles keep the people who can act."""
    stuck = set(wait.roles) if wait.kind is WaitKind.STUCK else set()
    escalation = state.open_escalation
    acting = [
        (k, r, p) for k, r, p in next_actors(state) if r not in stuck or k is WaitKind.CHALLENGE
    ]
    fixing = [(WaitKind.STUCK, role, person) for role in stuck for person in wait.people]
    main = state.open_handoff
    rows = [
        {
            "change_id": state.change_id,
            "person_id": person,
            "role": role.value,
            "kind": kind.value,
            "since": escalation.opened_at
            if kind is WaitKind.CHALLENGE and escalation
            else wait.since,
            **_due_of(kind, main, escalation, wait),
        }
        for kind, role, person in [*acting, *fixing]
    ]
    return [r for r in rows if r["since"] is not None]


def _due_of(
    kind: WaitKind, main: Handoff | None, escalation: Handoff | None, wait: WaitingOn
) -> dict[str, datetime | None]:
    """The due time of what the row waits for, and when the change's clock marked it
    overdue (the clock that counts)."""
    turn = escalation if kind is WaitKind.CHALLENGE else main
    if kind is WaitKind.STUCK or turn is None:
        return {"due_at": None if kind is WaitKind.STUCK else wait.due_at, "overdue_at": None}
    return {"due_at": turn.due_at, "overdue_at": turn.overdue_at}


def escalation_rows(state: ChangeState, admins: list[str]) -> list[dict[str, Any]]:
    """One row for each person an overdue turn or condition was escalated to."""
    rows = []
    for handoff in state.handoffs:
        if handoff.kind is not HandoffKind.OVERDUE or handoff.closed_at is not None:
            continue
        for role in handoff.roles:
            people = admins if role is Role.ADMIN else state.intake.people.for_role(role)
            rows += [
                {
                    "change_id": state.change_id,
                    "person_id": person,
                    "role": role.value,
                    "kind": WaitKind.ESCALATED.value,
                    "since": handoff.opened_at,
                    "due_at": None,
                    "overdue_at": None,
                }
                for person in people
            ]
    return rows


def people_rows(state: ChangeState) -> list[dict[str, Any]]:
    named = {state.proposer, *state.intake.people.everyone()}
    return [{"change_id": state.change_id, "person_id": person} for person in sorted(named)]


@dataclass(frozen=True)
class Rewritten:
    """A change whose wait was written again, and what it waits for now."""

    workflow_id: str
    state: ChangeState
    kind: WaitKind


async def refresh_for(
    session: AsyncSession, people: set[str], stuck_too: bool, now: datetime
) -> list[Rewritten]:
    """Write again what open changes naming these people wait on; with stuck_too, also
    every change that is stuck now, whose list of whom to ask may have changed."""
    named = select(ChangePerson.change_id).where(col(ChangePerson.person_id).in_(people))
    conditions: list[ColumnElement[bool]] = [col(ChangeRow.id).in_(named)]
    if stuck_too:
        conditions.append(col(ChangeRow.waiting_kind) == WaitKind.STUCK.value)
    statement = select(ChangeRow).where(
        or_(*conditions), col(ChangeRow.waiting_kind) != WaitKind.NOTHING.value
    )
    rewritten = []
    for row in (await session.exec(statement)).all():
        state = ChangeState.model_validate(row.snapshot)
        wait = await write_waiting(session, state, now)
        if wait is not None:  # else a projection stored a newer snapshot meanwhile
            rewritten.append(Rewritten(row.workflow_id, state, wait.kind))
    return rewritten
