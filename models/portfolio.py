"""Where to focus: the portfolio of changes ranked by need, not by reach.

Small groups with uncommon circumstances are often the worst served and benefit most, so
the ranking counts how severe the problem is for each group before how many people a
change reaches. The formula, whole:

1. **A group's need points**: its severity, low 10, medium 30, high 50 (a group whose
   severity is not given counts as low), doubled when the group is underserved or
   vulnerable. A high-severity underserved group scores 100; the most any other group can
   score is medium and underserved, 60.
2. **A change's need** is the points of its neediest group.
3. **Reach points**: log10(1 + the total reach over the groups), capped at 9. Reach adds
   at most 9 points, so it orders changes of equal need and never overturns need.
4. **The score** is need plus reach points, rounded to one decimal.
5. **The ranking**: score, highest first; equal scores by earlier creation, then by change
   id.

So a change helping a high-severity underserved group (score at least 100) always ranks
above one that does not (at most 60 + 9 = 69), however many people the other reaches.
Each entry explains its score in plain words, with what must be done before the change
can go ahead (``models.focus``) and the areas not yet ready (``models.practice``).
"""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import Field

from models.base import ShortText, Strict
from models.change import ChangeState, ChangeStatus
from models.focus import ground_flags
from models.intake import AlignmentArea, Prioritisation, Rating, UserGroup
from models.practice import AREA_NAMES, AreaReadiness, GroundOverride, ReadinessStatus

SEVERITY_POINTS: dict[Rating, int] = {Rating.LOW: 10, Rating.MEDIUM: 30, Rating.HIGH: 50}
UNDERSERVED_FACTOR = 2
REACH_CAP = 9.0
FORMULA = (
    "need = the neediest group's points (severity low 10, medium 30, high 50; a group with "
    "no severity given counts as low; doubled when underserved or vulnerable); reach points "
    "= log10(1 + total reach), at most 9; score = need + reach points, to one decimal; "
    "ranked by score, then earlier creation, then change id"
)
"""The formula in one sentence, as the portfolio shows it."""


class GroupNeed(Strict):
    """One user group's need, as the formula counts it."""

    name: str
    severity: Rating = Field(description="The severity counted: low when none was given.")
    severity_given: bool
    underserved: bool
    reach: int | None
    points: int


class Score(Strict):
    """A change's score and its parts."""

    need: int = Field(description="The neediest group's points.")
    neediest: GroupNeed
    reach: int = Field(description="The total reach over the groups that give one.")
    reach_points: float = Field(description="log10(1 + reach), at most 9, to one decimal.")
    score: float


def group_need(group: UserGroup) -> GroupNeed:
    severity = group.severity or Rating.LOW
    points = SEVERITY_POINTS[severity] * (UNDERSERVED_FACTOR if group.underserved else 1)
    return GroupNeed(
        name=group.name,
        severity=severity,
        severity_given=group.severity is not None,
        underserved=group.underserved,
        reach=group.reach,
        points=points,
    )


def reach_points(reach: int) -> float:
    """What reach adds: log10(1 + reach), at most 9."""
    return min(math.log10(1 + max(reach, 0)), REACH_CAP)


def score_of(groups: list[UserGroup]) -> Score:
    """The formula. Of groups with equal points, the first named is the neediest."""
    needs = [group_need(g) for g in groups]
    neediest = max(needs, key=lambda n: n.points)
    reach = sum(g.reach or 0 for g in groups)
    added = reach_points(reach)
    return Score(
        need=neediest.points,
        neediest=neediest,
        reach=reach,
        reach_points=round(added, 1),
        score=round(neediest.points + added, 1),
    )


class Candidate(Strict):
    """What the ranking reads of one change."""

    change_id: str
    title: str
    service: str
    stage: str
    status: ChangeStatus
    created_at: datetime
    user_groups: list[UserGroup]
    prioritisation: Prioritisation | None = Field(
        description="The prioritisation in force: the latest assessment, else the intake's."
    )
    ground_override: GroundOverride | None = None
    readiness: dict[AlignmentArea, AreaReadiness] = Field(default_factory=dict)

    @classmethod
    def of(cls, state: ChangeState) -> Candidate:
        return cls(
            change_id=state.change_id,
            title=state.intake.title,
            service=state.intake.service,
            stage=state.stage,
            status=state.status,
            created_at=state.created_at,
            user_groups=state.intake.user_groups,
            prioritisation=state.where_to_start(),
            ground_override=state.ground_override,
            readiness=state.readiness,
        )


class AreaGap(Strict):
    """One of the five areas that is not ready."""

    area: AlignmentArea
    status: ReadinessStatus | None = Field(description="None: no readiness recorded yet.")
    owner: str | None
    note: str | None
    words: str


class PortfolioEntry(Strict):
    rank: int = Field(description="1 for the change most in need.")
    change_id: str
    title: str
    service: str
    stage: str
    status: ChangeStatus
    created_at: datetime
    score: float
    need: int
    reach: int
    reach_points: float
    groups: list[GroupNeed]
    explanation: str = Field(description="The score in plain words.")
    flags: list[str] = Field(description="What to do before the change can go ahead.")
    ground_overridden: bool = Field(description="The service owner let it go on regardless.")
    misaligned: list[AreaGap] = Field(description="The five areas not yet ready, in order.")


def rank(candidates: list[Candidate]) -> list[PortfolioEntry]:
    """Every candidate with its score, explanation, flags and gaps, most in need first."""
    scored = [(score_of(c.user_groups), c) for c in candidates]
    scored.sort(key=lambda pair: (-pair[0].score, pair[1].created_at, pair[1].change_id))
    return [_entry(place, score, c) for place, (score, c) in enumerate(scored, start=1)]


def _entry(place: int, score: Score, candidate: Candidate) -> PortfolioEntry:
    return PortfolioEntry(
        rank=place,
        **candidate.model_dump(include={"change_id", "title", "service", "stage", "status"}),
        created_at=candidate.created_at,
        score=score.score,
        need=score.need,
        reach=score.reach,
        reach_points=score.reach_points,
        groups=[group_need(g) for g in candidate.user_groups],
        explanation=explain(score),
        flags=flags_for(candidate),
        ground_overridden=candidate.ground_override is not None,
        misaligned=area_gaps(candidate.readiness),
    )


def explain(score: Score) -> str:
    """'Need 100: ... (50, doubled). Reach adds 3.1 for 1,250 people. Score 103.1.'"""
    return f"{_need_words(score)} {_reach_words(score)} Score {score.score:g}."


def _need_words(score: Score) -> str:
    group = score.neediest
    base = SEVERITY_POINTS[group.severity]
    if group.severity_given:
        problem = f"face a {group.severity.value}-severity problem"
    else:
        problem = "face a problem whose severity is not recorded, counted as low"
    if group.underserved:
        return f"Need {score.need}: '{group.name}' {problem} and are underserved ({base}, doubled)."
    return f"Need {score.need}: '{group.name}' {problem} ({base})."


def _reach_words(score: Score) -> str:
    if score.reach == 0:
        return "No reach is recorded, so reach adds nothing."
    people = f"{score.reach:,} {'person' if score.reach == 1 else 'people'}"
    if score.reach_points >= REACH_CAP:
        return f"Reach adds {score.reach_points:g}, the most it can, for {people}."
    return f"Reach adds {score.reach_points:g} for {people}."


def flags_for(candidate: Candidate) -> list[str]:
    """Prepare-the-ground flags; once the service owner has overridden the missing
    conditions, the override in their place, saying who and why."""
    override = candidate.ground_override
    if override is None:
        return ground_flags(candidate.prioritisation)
    missing = ", ".join(override.missing) or "none"
    return [
        f"prepare the ground: overridden by {override.overridden_by} on "
        f"{override.overridden_at:%d %B %Y} for gate '{override.gate_name}' "
        f"(missing: {missing}), because: {override.reason}"
    ]


def area_gaps(readiness: dict[AlignmentArea, AreaReadiness]) -> list[AreaGap]:
    """Each of the five areas not ready, in order; an area with nothing recorded is
    'not recorded'."""
    gaps = []
    for area in AlignmentArea:
        recorded = readiness.get(area)
        if recorded is not None and recorded.status is ReadinessStatus.READY:
            continue
        gaps.append(_gap(area, recorded))
    return gaps


def _gap(area: AlignmentArea, recorded: AreaReadiness | None) -> AreaGap:
    name = AREA_NAMES[area]
    if recorded is None:
        return AreaGap(area=area, status=None, owner=None, note=None, words=f"{name}: not recorded")
    words = f"{name}: {recorded.status.value.replace('_', ' ')}, owned by {recorded.owner}"
    if recorded.note:
        words += f" ({recorded.note})"
    return AreaGap(
        area=area, status=recorded.status, owner=recorded.owner, note=recorded.note, words=words
    )


class PortfolioQuery(Strict):
    """Which changes the portfolio ranks, and which page of the ranking to show."""

    service: ShortText | None = Field(default=None, description="One service; default all.")
    status: ChangeStatus = Field(
        default=ChangeStatus.ACTIVE, description="Changes with this status; default active."
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class Portfolio(Strict):
    items: list[PortfolioEntry]
    total: int = Field(description="How many changes the ranking holds, on every page.")
    limit: int
    offset: int
    formula: str = FORMULA


def page_of(candidates: list[Candidate], query: PortfolioQuery) -> Portfolio:
    """The ranking of every candidate, cut to the page asked for: ranks count across pages."""
    ranked = rank(candidates)
    shown = ranked[query.offset : query.offset + query.limit]
    return Portfolio(items=shown, total=len(ranked), limit=query.limit, offset=query.offset)
