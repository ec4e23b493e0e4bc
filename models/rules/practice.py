"""The improvement practice's rules: who may assess where to start and when, who may let a
change go on without a missing condition, who records an area's readiness, and what a
gate needs before it can be approved: the ground prepared, its areas ready, and its
measures observed from live data for long enough."""

from __future__ import annotations

from datetime import datetime

from models.change import ChangeState
from models.commands import OverrideGround, Prioritise, SetReadiness
from models.errors import (
    AreasNotReady,
    Conflict,
    GroundNotPrepared,
    NotEligible,
    ObservationTooShort,
    WrongStage,
)
from models.focus import missing_conditions
from models.gate import GateStatus
from models.live_data import observation_shortfalls
from models.playbook import GateDef, Playbook
from models.practice import AREA_NAMES, ReadinessStatus
from models.rules.common import require_active


def ground_gate(playbook: Playbook) -> GateDef:
    """The gate by which the ground must be prepared: the first that requires it, else the
    second stage's gate (design, in plan-do-check-act), else the only one."""
    gates = [stage.gate for stage in playbook.stages]
    marked = [gate for gate in gates if gate.requires_ground]
    return marked[0] if marked else gates[min(1, len(gates) - 1)]


def ground_gate_passed(state: ChangeState) -> bool:
    name = ground_gate(state.playbook).name
    return any(
        g.name == name and g.status is GateStatus.PASSED and g.iteration == state.iteration
        for g in state.past_gates
    )


def check_prioritise(state: ChangeState, cmd: Prioritise) -> None:
    require_active(state)
    allowed = {*state.team_members(), *state.intake.people.service_owner}
    if cmd.actor not in allowed:
        raise NotEligible(
            "only the proposer, the named digital people or the service owner may assess "
            f"where to start; {cmd.actor} is none of them"
        )
    _require_before_ground_gate(state, "a prioritisation assessment is made")
    _require_owner_to_clear(state, cmd)


def _require_owner_to_clear(state: ChangeState, cmd: Prioritise) -> None:
    """A team cannot rate away a missing condition itself: rating one up from low is the
    service owner's call, as an override would be."""
    before = {m.condition for m in missing_conditions(state.where_to_start())}
    after = {m.condition for m in missing_conditions(cmd)}
    cleared = sorted(before - after)
    if cleared and cmd.actor not in state.intake.people.service_owner:
        raise NotEligible(
            f"only the service owner may rate up a condition that was missing: {', '.join(cleared)}"
        )


def check_override_ground(state: ChangeState, cmd: OverrideGround) -> None:
    require_active(state)
    if cmd.actor not in state.intake.people.service_owner:
        raise NotEligible(f"only the change's service owner may override; {cmd.actor} is not")
    if not any(stage.gate.requires_ground for stage in state.playbook.stages):
        raise Conflict(f"no gate of the {state.playbook.name} playbook waits for the ground")
    _require_before_ground_gate(state, "the ground is overridden")
    if not missing_conditions(state.where_to_start()):
        raise Conflict("nothing to override: no condition for starting is rated missing")


def check_set_readiness(state: ChangeState, cmd: SetReadiness) -> None:
    require_active(state)
    if cmd.actor not in {state.proposer, *state.intake.people.everyone()}:
        raise NotEligible(
            f"only people named on the change may record an area's readiness; {cmd.actor} is not"
        )
    if cmd.status is ReadinessStatus.READY:
        _require_owner_to_mark_ready(state, cmd)


def _require_owner_to_mark_ready(state: ChangeState, cmd: SetReadiness) -> None:
    """Only the area's owner says it is ready; an area changes hands with another status
    first, so nobody takes it over and marks it ready in one step."""
    current = state.readiness.get(cmd.area)
    owner = current.owner if current else cmd.owner
    if cmd.actor != owner or cmd.owner != owner:
        raise NotEligible(
            f"an area is marked ready by its owner, {owner}; to hand it to someone else, "
            "record it with another status first"
        )


def _require_before_ground_gate(state: ChangeState, what: str) -> None:
    if ground_gate_passed(state):
        name = ground_gate(state.playbook).name
        raise WrongStage(f"{what} before gate {name!r} passes, and it has passed in this cycle")


def check_gate_may_pass(state: ChangeState) -> None:
    """What the current gate needs before it can be approved or assessed as met."""
    gate = state.playbook.stage(state.gate.stage).gate
    if gate.requires_ground:
        _check_ground(state, gate)
    if gate.requires_ready:
        _check_areas(state, gate)


def why_gate_may_not_pass(state: ChangeState) -> str | None:
    """The practice's reason the current gate may not pass now, or None."""
    try:
        check_gate_may_pass(state)
    except Conflict as refusal:
        return refusal.message
    return None


def _check_ground(state: ChangeState, gate: GateDef) -> None:
    missing = missing_conditions(state.where_to_start())
    if not missing or state.ground_override is not None:
        return
    needs = "; ".join(f"{m.condition} is rated low ({m.action})" for m in missing)
    raise GroundNotPrepared(
        f"gate {gate.name!r} cannot pass until the ground is prepared: {needs}; or the "
        "service owner overrides with a reason"
    )


def _check_areas(state: ChangeState, gate: GateDef) -> None:
    problems = []
    for area in gate.requires_ready:
        readiness = state.readiness.get(area)
        if readiness is None:
            problems.append(f"{AREA_NAMES[area]} (not recorded yet)")
        elif readiness.status is not ReadinessStatus.READY:
            status = readiness.status.value.replace("_", " ")
            problems.append(f"{AREA_NAMES[area]} ({status}, owned by {readiness.owner})")
    if problems:
        raise AreasNotReady(f"gate {gate.name!r} needs these areas ready: {'; '.join(problems)}")


def check_observed(
    state: ChangeState, first_observed: dict[str, datetime] | None, now: datetime
) -> None:
    """A gate with a minimum observation period needs every success measure observed
    from live data for at least that many days, counted from when Throughline first
    received its data (points dated earlier do not shorten the wait)."""
    days = state.playbook.stage(state.gate.stage).gate.min_observation_days
    metrics = [m.metric for m in state.intake.success_measures]
    short = observation_shortfalls(metrics, first_observed or {}, days, now)
    if short:
        raise ObservationTooShort(f"gate {state.gate.name!r} cannot pass yet: " + "; ".join(short))
