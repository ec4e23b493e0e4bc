"""Signing off through the page, as a signer would: only what they may give is offered,
what is not says why, and a refusal comes back in the rule's words by the form."""

from __future__ import annotations

from datetime import UTC, datetime

from models.gate import Decision
from models.read.options import Choice, DecisionOption, RoleOption, SignOffOptions
from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, work_body
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of
from web.pages.sign_off import not_offered, sign_off_fields


async def _in_review(api: Api, team: Team) -> tuple[str, int]:
    """A change whose intent a named digital person (not its proposer) submitted."""
    change_id = await propose(api, team)
    submitter = team.signer(Role.DIGITAL, 1)
    sent = await api.post(submitter, f"/changes/{change_id}/submissions", work_body("intent"))
    assert sent.status_code == 200, sent.text
    revision: int = sent.json()["gate"]["revision"]
    return change_id, revision


async def test_a_policy_lead_is_offered_approve(api: Api, team: Team, browse: SignIn) -> None:
    change_id, revision = await _in_review(api, team)
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get(f"/web/changes/{change_id}/sign-off")

    assert page.status_code == 200, page.text
    assert 'name="role" type="radio" value="policy"' in page.text
    assert 'name="decision" type="radio" value="approve"' in page.text
    assert f'name="revision" value="{revision}"' in page.text
    assert 'value="close"' in page.text  # the intent gate may close the change on reject
    assert "novalidate" in page.text


async def test_the_submitter_is_not_offered_approve_and_is_told_why(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id, revision = await _in_review(api, team)
    submitter = team.signer(Role.DIGITAL, 1)
    signer = await browse(submitter)

    page = await signer.get(f"/web/changes/{change_id}/sign-off")

    assert page.status_code == 200, page.text
    assert 'value="approve"' not in page.text
    assert 'value="request_changes"' in page.text
    assert "Not offered to you" in page.text
    assert f"{submitter} submitted revision {revision} and cannot approve it" in page.text


async def test_an_approval_is_recorded_at_the_gate(api: Api, team: Team, browse: SignIn) -> None:
    change_id, revision = await _in_review(api, team)
    lead_id = team.signer(Role.POLICY)
    lead = await browse(lead_id)
    form = await lead.get(f"/web/changes/{change_id}/sign-off")

    sent = await lead.post(
        f"/web/changes/{change_id}/sign-off",
        data={
            "csrf_token": csrf_of(form),
            "role": "policy",
            "decision": "approve",
            "revision": str(revision),
            "reject_to": "close",  # a hidden reveal's field, posted too and ignored
        },
    )

    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/web/changes/{change_id}"
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    signed = {r["role"]: r["signed_by"] for r in view["gate"]["roles"]}
    assert signed["policy"] == [lead_id]
    assert "Your sign-off is recorded" in (await lead.get("/web/work")).text


async def test_conditions_are_sent_with_their_due_dates(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id, revision = await _in_review(api, team)
    lead = await browse(team.signer(Role.POLICY))
    form = await lead.get(f"/web/changes/{change_id}/sign-off")
    year = str(datetime.now(UTC).year + 1)

    sent = await lead.post(
        f"/web/changes/{change_id}/sign-off",
        data={
            "csrf_token": csrf_of(form),
            "role": "policy",
            "decision": "approve_with_conditions",
            "revision": str(revision),
            "conditions.0.description": "Publish the paper form as well",
            "conditions.0.owner": team.signer(Role.DIGITAL),
            "conditions.0.due.day": "3",
            "conditions.0.due.month": "4",
            "conditions.0.due.year": year,
        },
    )

    assert sent.status_code == 303, sent.text
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    assert f"{year}-04-03" in str(view)


async def test_a_refused_sign_off_shows_the_rule_by_the_form(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id, revision = await _in_review(api, team)
    submitter = team.signer(Role.DIGITAL, 1)
    signer = await browse(submitter)
    form = await signer.get(f"/web/changes/{change_id}/sign-off")

    sent = await signer.post(
        f"/web/changes/{change_id}/sign-off",
        data={
            "csrf_token": csrf_of(form),
            "role": "digital",
            "decision": "approve",
            "revision": str(revision),
            "comment": "Looks right to me",
        },
    )

    assert 400 <= sent.status_code < 500
    assert "govuk-error-summary" in sent.text
    assert f"submitted revision {revision} and cannot approve it" in sent.text
    assert 'href="#decision"' in sent.text
    assert 'id="decision-error"' in sent.text
    assert "Looks right to me" in sent.text  # what was typed is kept


async def test_missing_fields_are_named_by_each_field(api: Api, team: Team, browse: SignIn) -> None:
    change_id, revision = await _in_review(api, team)
    lead = await browse(team.signer(Role.POLICY))
    form = await lead.get(f"/web/changes/{change_id}/sign-off")

    sent = await lead.post(
        f"/web/changes/{change_id}/sign-off",
        data={
            "csrf_token": csrf_of(form),
            "role": "policy",
            "decision": "approve_with_conditions",
            "revision": str(revision),
            "conditions.0.description": "Publish the paper form as well",
            "conditions.0.due.day": "31",
            "conditions.0.due.month": "2",
            "conditions.0.due.year": "2030",
        },
    )

    assert sent.status_code == 400, sent.text
    assert "govuk-error-summary" in sent.text
    assert "Enter condition 1 owner" in sent.text
    assert 'id="conditions-0-owner-error"' in sent.text
    assert "Condition 1 due date must be a real date" in sent.text
    assert 'href="#conditions-0-due"' in sent.text
    assert 'id="conditions-0-due"' in sent.text


async def test_no_decision_is_an_error_by_the_decision(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id, revision = await _in_review(api, team)
    lead = await browse(team.signer(Role.POLICY))
    form = await lead.get(f"/web/changes/{change_id}/sign-off")

    sent = await lead.post(
        f"/web/changes/{change_id}/sign-off",
        data={"csrf_token": csrf_of(form), "role": "policy", "revision": str(revision)},
    )

    assert sent.status_code == 400, sent.text
    assert 'id="decision-error"' in sent.text
    assert "Select your decision" in sent.text


async def test_a_form_without_its_token_is_refused(api: Api, team: Team, browse: SignIn) -> None:
    change_id, revision = await _in_review(api, team)
    lead = await browse(team.signer(Role.POLICY))

    sent = await lead.post(
        f"/web/changes/{change_id}/sign-off",
        data={"role": "policy", "decision": "approve", "revision": str(revision)},
    )

    assert sent.status_code == 403
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    assert all(not r["signed_by"] for r in view["gate"]["roles"])


def test_the_role_radio_carries_the_holder_signed_for() -> None:
    fields = sign_off_fields(
        {"role": "policy:pol-a", "decision": "approve", "revision": "3", "reject_to": "close"}
    )

    assert fields == {"role": "policy", "acting_for": "pol-a", "decision": "approve", "revision": 3}


def test_a_revision_that_is_no_number_is_left_for_the_model_to_refuse() -> None:
    assert sign_off_fields({"revision": "9" * 5000})["revision"] == "9" * 5000


def test_what_is_not_offered_names_the_role_and_the_reason() -> None:
    reject = DecisionOption(
        decision=Decision.REJECT,
        offered=True,
        reject_to=[
            Choice(value="intent", offered=True),
            Choice(value="close", offered=False, reason="only the policy lead may close it"),
        ],
    )
    role = RoleOption(role=Role.OPERATIONS, acting_for="ops-a", may_sign=True, decisions=[reject])
    options = SignOffOptions(
        change_id="c",
        person="ops-b",
        gate_id="g",
        gate_name="intent agreed",
        revision=1,
        to_sign=True,
        may_sign=True,
        roles=[role],
    )

    assert [tuple(n) for n in not_offered(options)] == [
        ("Reject as operations for ops-a, close the change", "only the policy lead may close it")
    ]
