"""A change withdrawn before it finishes."""

from __future__ import annotations

from datetime import datetime

from models.audit import AuditEvent
from models.authority import Authorities
from models.change import ChangeState, ChangeStatus
from models.commands import Withdraw
from models.roles import Role
from models.rules.withdrawal import check_withdraw
from models.transitions.stages import close_change


def apply_withdraw(
    state: ChangeState,
    cmd: Withdraw,
    authorities: Authorities,
    now: datetime,
    require_role: bool = True,
) -> list[AuditEvent]:
    check_withdraw(state, cmd)
    role = Role.SERVICE_OWNER if cmd.actor in state.intake.people.service_owner else Role.DIGITAL
    authority = authorities.of(cmd.actor)
    if require_role:
        authority.require(role)
    elif not authority.active:
        authority.require(Role.DIGITAL)
    return close_change(state, ChangeStatus.WITHDRAWN, now, cmd.actor, role, cmd.reason)
