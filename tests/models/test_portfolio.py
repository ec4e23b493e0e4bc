"""The portfolio ranks by need, not by reach, and says why in plain words:
models/portfolio.py."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.change import ChangeStatus
from models.intake import AlignmentArea, Prioritisation, RatedNote, Rating, UserGroup
from models.portfolio import (
    Candidate,
    PortfolioQuery,
    area_gaps,
    explain,
    flags_for,
    group_need,
    page_of,
    rank,
    reach_points,
    score_of,
)
from models.practice import AreaReadiness, GroundOverride, PrioritisationRecord, ReadinessStatus
from tests.factories import T0, fresh_state


def _group(
    name: str = "group",
    severity: Rating | None = None,
    underserved: bool = False,
    reach: int | None = None,
) -> UserGroup:
    return UserGroup(name=name, severity=severity, underserved=underserved, reach=reach)


def _candidate(groups: list[UserGroup], minutes: int = 0, **extra: Any) -> Candidate:
    return Candidate(
        change_id=extra.pop("change_id", str(uuid.uuid4())),
        title="A change",
        service="A service",
        stage="intent",
        status=ChangeStatus.ACTIVE,
        created_at=T0 + timedelta(minutes=minutes),
        user_groups=groups,
        prioritisation=extra.pop("prioritisation", None),
        **extra,
    )


def _rated(senior: Rating, capacity: Rating, capability: Rating) -> Prioritisation:
    return Prioritisation(
        senior_interest=RatedNote(rating=senior, note="minister asked"),
        operational_capacity=RatedNote(rating=capacity),
        capability=RatedNote(rating=capability),
    )


@pytest.mark.parametrize(
    ("severity", "underserved", "points"),
    [
        (Rating.LOW, False, 10),
        (Rating.MEDIUM, False, 30),
        (Rating.HIGH, False, 50),
        (Rating.LOW, True, 20),
        (Rating.MEDIUM, True, 60),
        (Rating.HIGH, True, 100),
        (None, False, 10),
        (None, True, 20),
    ],
)
def test_a_groups_need_is_its_severity_doubled_when_underserved(
    severity: Rating | None, underserved: bool, points: int
) -> None:
    assert group_need(_group(severity=severity, underserved=underserved)).points == points


def test_reach_adds_log10_of_one_plus_reach_and_at_most_nine() -> None:
    assert reach_points(0) == 0
    assert reach_points(9) == pytest.approx(1.0)
    assert reach_points(999_999) == pytest.approx(6.0)
    assert reach_points(5_000_000_000) == 9


def test_the_explanation_names_the_neediest_group_and_the_reach() -> None:
    score = score_of(
        [
            _group("Badge holders renewing", Rating.MEDIUM, reach=1000),
            _group("Holders without internet access", Rating.HIGH, True, reach=250),
        ]
    )

    assert (score.need, score.reach, score.reach_points, score.score) == (100, 1250, 3.1, 103.1)
    assert explain(score) == (
        "Need 100: 'Holders without internet access' face a high-severity problem and are "
        "underserved (50, doubled). Reach adds 3.1 for 1,250 people. Score 103.1."
    )


def test_the_explanation_says_when_severity_or_reach_is_not_recorded() -> None:
    score = score_of([_group("Carers")])

    assert score.score == 10
    assert explain(score) == (
        "Need 10: 'Carers' face a problem whose severity is not recorded, counted as low (10). "
        "No reach is recorded, so reach adds nothing. Score 10."
    )


def test_the_explanation_says_when_reach_is_at_its_cap() -> None:
    score = score_of([_group("Everyone", Rating.MEDIUM, reach=100_000_000)] * 20)

    assert score.score == 39
    assert "Reach adds 9, the most it can, for 2,000,000,000 people." in explain(score)


def test_of_groups_with_equal_points_the_first_named_is_the_neediest() -> None:
    score = score_of([_group("First", Rating.HIGH), _group("Second", Rating.HIGH)])
    assert score.neediest.name == "First"


def test_severe_need_of_a_small_group_outranks_a_large_reach() -> None:
    wide = _candidate([_group("Everyone renewing", Rating.MEDIUM, reach=2_000_000)])
    severe = _candidate([_group("Care leavers", Rating.HIGH, True, reach=40)], minutes=5)

    ranked = rank([wide, severe])

    assert [e.change_id for e in ranked] == [severe.change_id, wide.change_id]
    assert [e.rank for e in ranked] == [1, 2]
    assert (ranked[0].score, ranked[1].score) == (101.6, 36.3)


def test_equal_scores_go_by_earlier_creation_then_change_id() -> None:
    groups = [_group("Renewing", Rating.LOW, reach=10)]
    later = _candidate(groups, minutes=10, change_id="a-later")
    second = _candidate(groups, change_id="c-same-time")
    first = _candidate(groups, change_id="b-same-time")

    assert [e.change_id for e in rank([later, second, first])] == [
        "b-same-time",
        "c-same-time",
        "a-later",
    ]


def test_ranks_count_across_pages() -> None:
    changes = [_candidate([_group(reach=10**n)], change_id=f"c{n}") for n in range(5)]

    page = page_of(changes, PortfolioQuery(limit=2, offset=2))

    assert page.total == 5
    assert [(e.rank, e.change_id) for e in page.items] == [(3, "c2"), (4, "c1")]
    assert "log10(1 + total reach)" in page.formula


def test_a_change_not_yet_assessed_is_flagged_for_assessment() -> None:
    flags = flags_for(_candidate([_group()]))
    assert flags == [
        "no prioritisation assessment yet: rate senior interest, operational capacity "
        "and capability"
    ]


def test_each_missing_condition_is_flagged_with_the_action_that_creates_it() -> None:
    rated = _rated(Rating.LOW, Rating.HIGH, Rating.LOW)

    flags = flags_for(_candidate([_group()], prioritisation=rated))

    assert flags == [
        "prepare the ground: secure a senior sponsor (senior interest is rated low)",
        "prepare the ground: build or borrow capability (capability is rated low)",
    ]


def test_an_override_replaces_the_flags_and_says_who_and_why() -> None:
    override = GroundOverride(
        reason="Ministerial commitment",
        gate_name="design approved",
        missing=["senior interest"],
        overridden_by="owner",
        overridden_at=T0,
    )
    rated = _rated(Rating.LOW, Rating.HIGH, Rating.HIGH)

    entry = rank([_candidate([_group()], prioritisation=rated, ground_override=override)])[0]

    assert entry.ground_overridden
    assert entry.flags == [
        "prepare the ground: overridden by owner on 02 March 2026 for gate 'design approved' "
        "(missing: senior interest), because: Ministerial commitment"
    ]


def test_areas_not_ready_are_named_with_their_owner_and_unrecorded_ones_say_so() -> None:
    def ready(area: AlignmentArea, status: ReadinessStatus, note: str | None) -> AreaReadiness:
        return AreaReadiness(
            area=area, status=status, owner="ops-a", note=note, updated_by="dev", updated_at=T0
        )

    readiness = {
        AlignmentArea.POLICY: ready(AlignmentArea.POLICY, ReadinessStatus.READY, None),
        AlignmentArea.SKILLS: ready(AlignmentArea.SKILLS, ReadinessStatus.BLOCKED, "no trainer"),
    }

    gaps = area_gaps(readiness)

    assert [g.words for g in gaps] == [
        "operating model: not recorded",
        "digital service: not recorded",
        "technology enablers: not recorded",
        "skills: blocked, owned by ops-a (no trainer)",
    ]
    assert (gaps[-1].status, gaps[-1].owner) == (ReadinessStatus.BLOCKED, "ops-a")


def test_a_candidate_reads_the_latest_prioritisation_over_the_intakes() -> None:
    state = fresh_state()
    state.intake.prioritisation = _rated(Rating.HIGH, Rating.HIGH, Rating.HIGH)
    latest = _rated(Rating.HIGH, Rating.LOW, Rating.HIGH)
    state.prioritisation = PrioritisationRecord(
        assessment=latest, assessed_by="dev", assessed_at=T0
    )

    candidate = Candidate.of(state)

    assert candidate.prioritisation == latest
    assert flags_for(candidate) == [
        "prepare the ground: agree capacity with operations "
        "(operational willingness and capacity is rated low)"
    ]


GROUPS = st.builds(
    UserGroup,
    name=st.sampled_from(["Renewing", "Carers", "Without internet", "Shift workers"]),
    severity=st.sampled_from([None, *Rating]),
    underserved=st.booleans(),
    reach=st.one_of(st.none(), st.integers(min_value=0, max_value=100_000_000)),
)
CHANGES = st.lists(
    st.tuples(st.lists(GROUPS, min_size=1, max_size=50), st.integers(0, 10_000)),
    min_size=1,
    max_size=8,
)


def _severe(groups: list[UserGroup]) -> bool:
    return any(g.severity is Rating.HIGH and g.underserved for g in groups)


@settings(max_examples=300)
@given(CHANGES)
def test_reach_alone_never_outranks_severe_need_of_underserved_groups(
    changes: list[tuple[list[UserGroup], int]],
) -> None:
    candidates = [_candidate(groups, minutes) for groups, minutes in changes]

    places = {e.change_id: e.rank for e in rank(candidates)}

    severe = [c.change_id for c in candidates if _severe(c.user_groups)]
    others = [c.change_id for c in candidates if not _severe(c.user_groups)]
    assert all(places[s] < places[o] for s in severe for o in others)


@given(st.lists(GROUPS.filter(lambda g: not _severe([g])), min_size=1, max_size=50))
def test_no_reach_lifts_a_change_without_severe_underserved_need_to_a_severe_ones_score(
    groups: list[UserGroup],
) -> None:
    most_reached = [g.model_copy(update={"reach": 100_000_000}) for g in groups]
    least_severe = [_group("Care leavers", Rating.HIGH, True, reach=0)]

    assert score_of(most_reached).score < score_of(least_severe).score
