"""Whether a new change names enough people, holding their roles, for every gate."""

from __future__ import annotations

from models.authority import Authorities, Authority
from models.errors import (
    InvalidRequest,
)
from models.intake import ChangeIntake
from models.playbook import GateKind, Playbook
from models.roles import Role


def check_staffing(
    intake: ChangeIntake, playbook: Playbook, directory: Authorities, proposer: str
) -> None:
    """A new change must name people who hold their roles, enough of them that every
    gate can be signed by distinct people other than the proposer (who submits)."""
    _check_panels(intake, playbook, proposer)
    for role, need in _largest_quorums(playbook).items():
        named = intake.people.for_role(role)
        if len(named) < need:
            raise InvalidRequest(
                f"the {playbook.name} playbook needs {need} {role} sign-off(s) "
                f"but the change names {len(named)} {role} people "
                f"(gate {_gate_needing(playbook, role, need)!r} needs {need} {role} approvals)"
            )
        for person in named:
            _check_named(directory.of(person), role)
    for stage in playbook.stages:
        if stage.gate.kind is GateKind.SIGN_OFF and not _can_staff(
            intake, stage.gate.quorum, proposer
        ):
            needed = ", ".join(f"{n} {r}" for r, n in stage.gate.quorum.items())
            raise InvalidRequest(
                f"gate {stage.gate.name!r} needs {needed} approvals from different people, "
                f"and the change does not name enough people besides the proposer {proposer} "
                "(one person counts for one role per gate)"
            )


def _check_panels(intake: ChangeIntake, playbook: Playbook, proposer: str) -> None:
    """Each assessment needs a full panel, independent of the change: nobody named on it
    in another role, nor its proposer, may assess it."""
    panel = intake.people.assessor
    people = intake.people
    team = {proposer, *people.digital, *people.policy, *people.operations, *people.service_owner}
    for stage in playbook.stages:
        gate = stage.gate
        if gate.kind is not GateKind.ASSESSMENT:
            continue
        if len(set(panel)) < len(gate.panel):
            raise InvalidRequest(
                f"gate {gate.name!r} needs a panel of {len(gate.panel)} assessors "
                f"({', '.join(gate.panel)}) but the change names {len(set(panel))}"
            )
        own = sorted(team & set(panel))
        if own:
            raise InvalidRequest(
                f"{', '.join(own)} cannot sit on the panel of {gate.name!r}: an assessor "
                "is independent of the change, so does not also propose, build, sign or "
                "decide it"
            )


def staffing_problem(
    intake: ChangeIntake, playbook: Playbook, directory: Authorities, proposer: str
) -> str | None:
    """What check_staffing would refuse, in its words; None when the change's people
    could staff every gate of the playbook."""
    try:
        check_staffing(intake, playbook, directory, proposer)
    except InvalidRequest as refusal:
        return refusal.message
    return None


def _gate_needing(playbook: Playbook, role: Role, need: int) -> str:
    """The first gate whose quorum asks this many of the role."""
    return next(s.gate.name for s in playbook.stages if s.gate.quorum.get(role) == need)


def _largest_quorums(playbook: Playbook) -> dict[Role, int]:
    largest: dict[Role, int] = {}
    for stage in playbook.stages:
        for role, need in stage.gate.quorum.items():
            largest[role] = max(largest.get(role, 0), need)
    return largest


def _can_staff(intake: ChangeIntake, quorum: dict[Role, int], proposer: str) -> bool:
    """Whether each quorum slot can go to a different named person: a bipartite matching
    of people to slots, since one person may be named for several roles."""
    slots = [role for role, need in quorum.items() for _ in range(need)]
    assigned: dict[str, int] = {}

    def place(slot: int, tried: set[str]) -> bool:
        for person in intake.people.for_role(slots[slot]):
            if person == proposer or person in tried:
                continue
            tried.add(person)
            if person not in assigned or place(assigned[person], tried):
                assigned[person] = slot
                return True
        return False

    return all(place(slot, set()) for slot in range(len(slots)))


def _check_named(authority: Authority, role: Role) -> None:
    if not authority.active:
        raise InvalidRequest(f"{authority.person} is not an active person in the directory")
    if not authority.holds(role):
        raise InvalidRequest(f"{authority.person} is named for {role} but does not hold that role")
