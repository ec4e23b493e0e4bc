"""What a new playbook version changes, in plain words, and what would differ for each
open change had it started on that version. Running changes never move: a change
stays pinned to the version it started on, and this only previews.

The comparison walks the model's dump, so a field added to a stage, a gate or the
governance later is described without this module knowing its name.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState
from models.playbook import GateDef, Playbook, StageDef
from models.rules.quorum import counted_approvers
from models.rules.staffing import staffing_problem

RUNNING_CHANGES_STAY = (
    "Running changes never move: each open change stays on the version it started on. "
    "This shows what would differ had it started on the new version."
)


class ChangeImpact(Strict):
    change_id: str
    title: str
    stage: str
    pinned_version: int = Field(description="The version the change started on and keeps.")
    would_differ: list[str]


class PlaybookDiff(Strict):
    """Between the latest version of a playbook and a candidate, and the open changes."""

    name: str
    from_version: int | None = Field(description="None when no version of the name exists.")
    to_version: int
    differences: list[str]
    open_changes: list[ChangeImpact] = Field(default_factory=list)
    open_changes_total: int = Field(default=0, description="All open changes on the name.")
    running_changes: str = RUNNING_CHANGES_STAY


def describe_differences(old: Playbook | None, new: Playbook) -> list[str]:
    """Every difference from the old version to the new, one sentence each."""
    if old is None:
        names = ", ".join(s.name for s in new.stages)
        return [f"a new playbook: {len(new.stages)} stages ({names})"]
    before, after = _described(old), _described(new)
    lines = _field_lines(before, after)
    lines += _stage_changes(old, new)
    return lines or [f"nothing differs but the version number ({old.version} → {new.version})"]


def _described(playbook: Playbook) -> dict[str, Any]:
    """The fields compared; the hash scheme is named even where dumps leave it out."""
    fields = playbook.model_dump(mode="json", exclude={"name", "version", "stages"})
    fields["governance"]["hash_scheme"] = playbook.governance.hash_scheme.value
    return fields


def _stage_changes(old: Playbook, new: Playbook) -> list[str]:
    old_names, new_names = [s.name for s in old.stages], [s.name for s in new.stages]
    lines = [f"stage {name!r} removed" for name in old_names if name not in new_names]
    for index, name in enumerate(new_names):
        if name not in old_names:
            where = f"after {new_names[index - 1]!r}" if index else "at the start"
            lines.append(f"stage {name!r} added {where}")
    kept_before = [n for n in old_names if n in new_names]
    kept_after = [n for n in new_names if n in old_names]
    if kept_before != kept_after:
        lines.append(
            f"stages reordered: {' → '.join(kept_before)} becomes {' → '.join(kept_after)}"
        )
    for name in kept_after:
        lines += _stage_lines(old.stage(name), new.stage(name))
    return lines


def _stage_lines(old: StageDef, new: StageDef) -> list[str]:
    before = old.model_dump(mode="json", exclude={"name", "gate"})
    after = new.model_dump(mode="json", exclude={"name", "gate"})
    lines = [f"stage {new.name!r}: {line}" for line in _field_lines(before, after)]
    return lines + _gate_lines(old.gate, new.gate)


def _gate_lines(old: GateDef, new: GateDef) -> list[str]:
    label = f"gate {new.name!r}"
    lines = [f"gate {old.name!r} renamed {new.name!r}"] if old.name != new.name else []
    for role in dict.fromkeys([*old.quorum, *new.quorum]):
        was, now = old.quorum.get(role), new.quorum.get(role)
        if was != now:
            lines.append(f"{label}: {role} quorum {_shown(was)} → {_shown(now)}")
    if old.reject_to != new.reject_to:
        lines.append(f"{label}: reject targets {_shown(old.reject_to)} → {_shown(new.reject_to)}")
    rest = {"name", "quorum", "reject_to"}
    before, after = (
        old.model_dump(mode="json", exclude=rest),
        new.model_dump(mode="json", exclude=rest),
    )
    return lines + [f"{label}: {line}" for line in _field_lines(before, after)]


def _field_lines(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """'field old → new' for each field that differs; nested fields as 'field: inner'."""
    lines = []
    for key in dict.fromkeys([*before, *after]):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        words = key.replace("_", " ")
        if isinstance(was, dict) and isinstance(now, dict):
            lines += [f"{words}: {line}" for line in _field_lines(was, now)]
        else:
            lines.append(f"{words} {_shown(was)} → {_shown(now)}")
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_shown(v)}" for k, v in value.items())
    return str(value)


def impact_on(state: ChangeState, new: Playbook, directory: Authorities) -> ChangeImpact:
    """What would differ for this change had it started on the new version. It does not
    move: it stays on the version it started on."""
    if state.playbook == new:
        lines = [f"it started on version {new.version}; nothing differs"]
    else:
        lines = [*_stage_impact(state, new), _staffing_impact(state, new, directory)]
    return ChangeImpact(
        change_id=state.change_id,
        title=state.intake.title,
        stage=state.stage,
        pinned_version=state.playbook.version,
        would_differ=lines,
    )


def _stage_impact(state: ChangeState, new: Playbook) -> list[str]:
    if state.stage not in [s.name for s in new.stages]:
        return [f"its current stage {state.stage!r} is not in version {new.version}"]
    gate, current = new.stage(state.stage).gate, state.gate
    counted = counted_approvers(current)
    lines = []
    for role in dict.fromkeys([*current.quorum, *gate.quorum]):
        need_now, need_new = current.quorum.get(role, 0), gate.quorum.get(role, 0)
        if need_now == need_new:
            continue
        have = len(counted.get(role, []))
        short = f", so {need_new - have} more" if have < need_new else ", which is enough"
        lines.append(
            f"gate {gate.name!r}: it has {have} {role} approval(s); version {new.version} "
            f"would need {need_new} where its own version needs {need_now}{short}"
        )
    if gate.kind is not current.kind:
        lines.append(f"gate {gate.name!r}: kind {current.kind} → {gate.kind}")
    return lines or [
        f"its current gate {gate.name!r} asks the same quorum in version {new.version}"
    ]


def _staffing_impact(state: ChangeState, new: Playbook, directory: Authorities) -> str:
    problem = staffing_problem(state.intake, new, directory, state.proposer)
    if problem is None:
        return f"its named people could staff every gate of version {new.version}"
    return f"its named people could not staff version {new.version}: {problem}"
