"""A change's row names the roles of its waiting rows, written with them, and a list
filtered by role reads that on the row, finding each role by its whole name, on SQLite
and PostgreSQL: throughline/store/waiting.py (roles_text, waits_on_role)."""

from __future__ import annotations

import random
import uuid

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.roles import Role
from models.tables import ChangeRow, ChangeWaiting
from tests.throughline.store.test_change_pages import _row
from tests.throughline.store.test_projection import NOW, _people_in_the_directory, _two_batches
from throughline.store.projection import project, restore
from throughline.store.sql import insert_missing
from throughline.store.waiting import roles_text, waits_on_role


async def _roles_on_row_and_in_rows(session: AsyncSession, change_id: str) -> tuple[str, str]:
    row = await session.get(ChangeRow, change_id, populate_existing=True)
    assert row is not None
    rows = select(ChangeWaiting.role).where(col(ChangeWaiting.change_id) == change_id)
    return row.waiting_roles, roles_text((await session.exec(rows)).all())


async def test_the_row_names_the_roles_its_waiting_rows_hold(
    rollback_session: AsyncSession,
) -> None:
    opened, submitted = _two_batches()
    await _people_in_the_directory(rollback_session, opened.state)
    await project(rollback_session, opened, NOW)
    on_row, in_rows = await _roles_on_row_and_in_rows(rollback_session, opened.state.change_id)
    assert on_row == in_rows == " digital "
    await project(rollback_session, submitted, NOW)
    on_row, in_rows = await _roles_on_row_and_in_rows(rollback_session, opened.state.change_id)
    assert on_row == in_rows == " digital operations policy "


async def test_an_older_snapshot_leaves_the_newer_ones_waits_alone(
    rollback_session: AsyncSession,
) -> None:
    """A rebuild that found only the change's opening while SQL holds its submission (the
    change moved on meanwhile) rewrites neither its row nor its waiting rows."""
    opened, submitted = _two_batches()
    await _people_in_the_directory(rollback_session, opened.state)
    await project(rollback_session, submitted, NOW)
    await restore(rollback_session, [opened], NOW)
    on_row, in_rows = await _roles_on_row_and_in_rows(rollback_session, opened.state.change_id)
    assert on_row == in_rows == " digital operations policy "


async def test_a_stuck_change_names_the_roles_of_whoever_can_fix_it(
    rollback_session: AsyncSession,
) -> None:
    """Nobody the change names is in the directory: it is stuck in the role it waits on,
    on the admins if the directory has any (other tests may have added some), else on
    nobody."""
    opened, _ = _two_batches()
    await project(rollback_session, opened, NOW)
    change_id = opened.state.change_id
    on_row, in_rows = await _roles_on_row_and_in_rows(rollback_session, change_id)
    assert on_row == in_rows
    assert set(on_row.split()) <= {Role.DIGITAL.value}
    for role in Role:
        statement = select(ChangeRow.id).where(ChangeRow.id == change_id, waits_on_role(role))
        found = (await rollback_session.exec(statement)).all()
        assert found == ([change_id] if role.value in on_row.split() else [])


def test_roles_are_written_once_each_in_order_between_spaces() -> None:
    assert roles_text(["policy", "digital", "policy"]) == " digital policy "
    assert roles_text([]) == ""


async def test_a_role_filter_finds_exactly_the_changes_waiting_in_that_role(
    rollback_session: AsyncSession,
) -> None:
    """service_owner holds LIKE's one-character wildcard: a look-alike must not match."""
    subsets = [{Role.SERVICE_OWNER}, {Role.POLICY, Role.OPERATIONS}, {Role.ADMIN}, set()]
    subsets += [{Role.DIGITAL, Role.ASSESSOR}, set(Role)]
    rng = random.Random(7)
    rows = []
    for index, roles in enumerate(subsets):
        row = _row(f"roles-{uuid.uuid4().hex[:6]}", index, rng)
        rows.append({**row, "waiting_roles": roles_text(r.value for r in roles)})
    look_alike = _row(f"roles-{uuid.uuid4().hex[:6]}", 99, rng)
    rows.append({**look_alike, "waiting_roles": " service-owner serviceXowner "})
    await insert_missing(rollback_session, ChangeRow, rows)
    ids = [row["id"] for row in rows]
    for role in Role:
        statement = select(ChangeRow.id).where(col(ChangeRow.id).in_(ids), waits_on_role(role))
        found = set((await rollback_session.exec(statement)).all())
        assert found == {ids[i] for i, roles in enumerate(subsets) if role in roles}, role
