"""Small builders for test data. Every change gets a fresh id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.authority import Authorities, Authority
from models.calendar import CalendarQuery, working_calendar
from models.change import ChangeState
from models.commands import Decide, NewChange, RecordMeasurement, SignOffCommand, SubmitWork
from models.directory.commands import BULK_LIMIT, NewPerson
from models.directory.state import OPERATOR
from models.evidence import EvidenceItem, fingerprint
from models.gate import ActOutcome, Decision
from models.intake import ChangeIntake
from models.playbooks import PLAYBOOKS, latest_playbook
from models.roles import Role
from models.service_levels import schedule
from models.transitions.completion import complete_gate
from models.transitions.decision import apply_decide
from models.transitions.measurement import apply_record_measurement
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from throughline.services.directory import DirectoryService

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

PROPOSER = "dev"
SIGNERS = {
    Role.POLICY: "pol-a",
    Role.DIGITAL: "dig-lead",
    Role.OPERATIONS: "ops-a",
}
OWNER = "owner"


def intake_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Let people renew a blue badge online",
        "service": "Blue badge renewals",
        "intent": {
            "problem": "Renewals by post take six weeks and many applicants give up.",
            "intended_outcome": "Most renewals are decided within five working days.",
            "basis": "Disabled Persons (Parking Badges) Act 2013",
        },
        "user_groups": [
            {"name": "Badge holders renewing", "underserved": False},
            {"name": "Holders without internet access", "underserved": True},
        ],
        "success_measures": [
            {"metric": "median days to decision", "baseline": 30, "target": 5, "unit": "days"},
            {"metric": "online take-up", "baseline": 0, "target": 60, "unit": "percent"},
        ],
        "people": {
            "policy": ["pol-a", "pol-b"],
            "digital": ["dig-lead", "dig-b"],
            "operations": ["ops-a", "ops-b"],
            "service_owner": [OWNER],
        },
    }
    data.update(overrides)
    return data


def intake(**overrides: Any) -> ChangeIntake:
    return ChangeIntake.model_validate(intake_data(**overrides))


def new_change(version: int | None = None, **overrides: Any) -> NewChange:
    playbook = PLAYBOOKS[("pdca", version)] if version else latest_playbook("pdca")
    return NewChange(
        change_id=str(uuid.uuid4()),
        intake=intake(**overrides),
        proposer=PROPOSER,
        playbook=playbook,
    )


def fresh_state(at: datetime = T0, version: int | None = None) -> ChangeState:
    state, _ = open_change(new_change(version), at)
    return state


def authority(person: str, at: datetime = T0) -> Authorities:
    """Directory answer in which this person (like everyone else) holds every signing role."""
    return everyone_at(at, **{person: _all_roles(person)})


def _all_roles(person: str) -> Authority:
    signing = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS, Role.SERVICE_OWNER]
    return Authority(person=person, active=True, roles=signing)


def everyone_at(at: datetime = T0, **overrides: Authority) -> Authorities:
    """A directory where everybody holds every signing role, except the given overrides."""
    return _AllRoles(as_of=at, by_person=dict(overrides))


class _AllRoles(Authorities):
    def of(self, person: str) -> Authority:
        return self.by_person.get(person, _all_roles(person))


def evidence(text: str = "design notes", roles: tuple[Role, ...] = ()) -> EvidenceItem:
    return EvidenceItem.model_validate(
        {
            "title": text,
            "uri": f"https://docs.example.test/{fingerprint(text)[:8]}",
            "sha256": fingerprint(text),
            "roles": list(roles),
        }
    )


def submit(
    state: ChangeState,
    actor: str = PROPOSER,
    text: str = "work",
    at: datetime = T0,
    items: list[EvidenceItem] | None = None,
) -> int:
    cmd = SubmitWork(
        actor=actor, summary=f"{state.stage}: {text}", evidence=items or [evidence(text)]
    )
    apply_submit(state, cmd, authority(actor), at)
    assert state.gate.revision is not None
    return state.gate.revision


def sign_command(
    state: ChangeState,
    actor: str,
    role: Role,
    decision: Decision = Decision.APPROVE,
    **extra: Any,
) -> SignOffCommand:
    revision = extra.pop("revision", state.gate.revision)
    return SignOffCommand(actor=actor, role=role, decision=decision, revision=revision, **extra)


def sign(
    state: ChangeState,
    actor: str,
    role: Role,
    decision: Decision = Decision.APPROVE,
    at: datetime = T0,
    **extra: Any,
) -> None:
    """Sign, then complete the gate the way the workflow does."""
    apply_sign_off(state, sign_command(state, actor, role, decision, **extra), authority(actor), at)
    complete_gate(state, at, actor, role, everyone_at(at))


def pass_gate(state: ChangeState, at: datetime = T0) -> None:
    """Submit the current stage's work and have one person per role approve it."""
    if state.playbook.stage(state.stage).records_measurements:
        record_all_measurements(state, at)
    submit(state, at=at)
    for role, person in SIGNERS.items():
        sign(state, person, role, at=at)


def record_all_measurements(state: ChangeState, at: datetime = T0) -> None:
    values = {"median days to decision": 4.0, "online take-up": 55.0}
    for metric, value in values.items():
        cmd = RecordMeasurement(actor=PROPOSER, metric=metric, value=value)
        apply_record_measurement(state, cmd, authority(PROPOSER), at)


def decide(state: ChangeState, outcome: ActOutcome, at: datetime = T0, **extra: Any) -> None:
    cmd = Decide(actor=OWNER, outcome=outcome, **extra)
    apply_decide(state, cmd, authority(OWNER), at)


def later(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Team:
    """A fresh set of people, unique to one test, with the roles the PDCA playbook needs."""

    suffix: str

    def _id(self, name: str) -> str:
        return f"{name}-{self.suffix}"

    @property
    def proposer(self) -> str:
        return self._id("dev")

    def signer(self, role: Role, index: int = 0) -> str:
        names = {Role.POLICY: "pol", Role.DIGITAL: "dig", Role.OPERATIONS: "ops"}
        return self._id(f"{names[role]}-{'ab'[index]}")

    def signer_of(self, role: str, index: int = 0) -> str:
        return self.signer(Role(role), index)

    @property
    def owner(self) -> str:
        return self._id("owner")

    @property
    def auditor(self) -> str:
        return self._id("auditor")

    @property
    def admin(self) -> str:
        return self._id("admin")

    def people(self) -> dict[str, list[str]]:
        signing = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]
        named = {role.value: [self.signer(role, 0), self.signer(role, 1)] for role in signing}
        return {**named, "service_owner": [self.owner]}

    def directory(self) -> dict[str, list[Role]]:
        entries: dict[str, list[Role]] = {self.proposer: [Role.DIGITAL]}
        for role in [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]:
            for index in (0, 1):
                entries[self.signer(role, index)] = [role]
        entries[self.owner] = [Role.SERVICE_OWNER]
        entries[self.auditor] = [Role.AUDITOR]
        entries[self.admin] = [Role.ADMIN]
        return entries

    def intake(self, **overrides: Any) -> ChangeIntake:
        return intake(**{"people": self.people(), **overrides})


def new_team() -> Team:
    return Team(suffix=uuid.uuid4().hex[:8])


async def seed_team(directory: DirectoryService, team: Team) -> Team:
    """The team joins the directory the way people do: through the directory workflow."""
    await add_people(directory, team.directory())
    return team


async def add_people(directory: DirectoryService, people: dict[str, list[Role]]) -> None:
    new = [NewPerson(name=pid, id=pid, roles=roles) for pid, roles in people.items()]
    for start in range(0, len(new), BULK_LIMIT):
        await directory.add_people(OPERATOR, new[start : start + BULK_LIMIT])


GB_ENG = working_calendar(CalendarQuery(calendar="GB-ENG", first_day=date(2026, 1, 1)))


def timed_state(at: datetime = T0) -> ChangeState:
    """A new change on the latest playbook, keeping time on the England and Wales calendar
    as its workflow would."""
    state = fresh_state(at)
    state.calendar = GB_ENG
    schedule(state)
    return state
