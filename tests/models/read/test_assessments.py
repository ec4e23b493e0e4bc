"""Service assessment reports, read like a published GOV.UK report: each point with its
rating, reasons and earlier ratings, and the actions with their status:
models/read/assessments.py."""

from __future__ import annotations

from models.assessment import Rag
from models.commands import CloseCondition
from models.condition import ConditionStatus
from models.read.assessments import assessment_due, assessment_reports
from models.transitions.conditions import apply_close_condition
from tests.factories import authority, evidence, later, submit
from tests.models.phases import LEAD, PANEL, action, assess, at_alpha_assessment, ratings


def test_no_report_before_a_panel_sits() -> None:
    assert assessment_reports(at_alpha_assessment()) == []


def test_a_red_sitting_reads_as_not_met_with_every_point_and_its_reasons() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(red=(1,), amber=(2,)), [action(2)], at=later(5), summary="Rework.")
    [report] = assessment_reports(state)
    assert (report.change_id, report.title, report.service) == (
        state.change_id,
        "Let people renew a blue badge online",
        "Blue badge renewals",
    )
    assert (report.gate_id, report.assessment, report.outcome) == (
        "1.alpha.1",
        "alpha assessment",
        "not met",
    )
    assert (report.panel["lead assessor"], report.sittings, report.summary) == (
        LEAD,
        [later(5)],
        "Rework.",
    )
    assert [p.point for p in report.points] == list(range(1, 15))
    first = report.points[0]
    assert (first.title, first.rating, first.reasons, first.earlier) == (
        "Understand users and their needs",
        Rag.RED,
        "Point 1: red.",
        [],
    )


def test_a_reassessment_shows_the_new_rating_beside_the_earlier_one() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(red=(1,), amber=(2,)), [action(2)], at=later(5), summary="Rework.")
    submit(state, text="alpha reworked", at=later(30))
    assess(state, ratings(points=(1,)), at=later(60))
    [report] = assessment_reports(state)
    assert (report.outcome, report.sittings, report.summary) == (
        "met",
        [later(5), later(60)],
        "Rework.",
    )
    points = {p.point: p for p in report.points}
    assert (points[1].rating, points[1].earlier, points[1].rated_at) == (
        Rag.GREEN,
        [Rag.RED],
        later(60),
    )
    assert (points[2].rating, points[2].earlier, points[2].rated_at) == (
        Rag.AMBER,
        [],
        later(5),
    )


def test_actions_are_listed_with_their_status() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(amber=(2, 5)), [action(2), action(5, owner="ops-b")])
    [report] = assessment_reports(state)
    assert [(a.point, a.owner, a.status) for a in report.actions] == [
        (2, "dig-b", ConditionStatus.OPEN),
        (5, "ops-b", ConditionStatus.OPEN),
    ]
    assert report.actions[0].description == "Answer point 2"
    closing = CloseCondition(
        actor="dig-b",
        condition_id=report.actions[0].id,
        note="Journey mapped",
        evidence=[evidence("journey map")],
    )
    apply_close_condition(state, closing, authority("dig-b"), later(10))
    [after] = assessment_reports(state)
    assert [a.status for a in after.actions] == [ConditionStatus.CLOSED, ConditionStatus.OPEN]


def test_each_assessment_gate_has_its_own_report_oldest_first() -> None:
    state = at_alpha_assessment()
    assess(state, ratings())
    submit(state, text="private beta")
    assess(state, ratings(red=(14,)))
    reports = assessment_reports(state)
    assert [(r.assessment, r.outcome) for r in reports] == [
        ("alpha assessment", "met"),
        ("beta assessment", "not met"),
    ]
    assert list(reports[1].panel.values()) == PANEL


def test_what_the_panel_still_has_to_do_in_plain_words() -> None:
    state = at_alpha_assessment()
    revision = state.gate.revision
    assert assessment_due(state, state.gate) == (
        f"the panel has not yet assessed revision {revision}: the lead assessor, {LEAD}, "
        "rates every point of the Service Standard"
    )
    assess(state, ratings(red=(3, 12)))
    rework = submit(state, text="alpha reworked")
    assert assessment_due(state, state.gate) == (
        f"the panel has not yet assessed revision {rework}: the lead assessor, {LEAD}, "
        "rates point(s) 3, 12 again"
    )
