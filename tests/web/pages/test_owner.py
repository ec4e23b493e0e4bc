"""The service owner's pages, as the owner would use them: deciding at the act gate and
ruling on a challenged reject, offered only what the rules allow."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import approve_all, pass_stage, propose, sign, submit
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of
from web.pages.owner import decision_fields


async def _at_act(api: Api, team: Team) -> str:
    change_id = await propose(api, team)
    for stage in ["intent", "design", "delivery", "check"]:
        await pass_stage(api, team, change_id, stage)
    return change_id


async def _challenged(api: Api, team: Team) -> str:
    """A design gate rejected back to intent, and the team's challenge of it."""
    change_id = await propose(api, team)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "intent"))
    revision = await submit(api, team, change_id, "design")
    await sign(
        api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision,
        "reject", comment="The rota is not funded", reject_to="intent",
    )  # fmt: skip
    body = {"reason": "The rota was funded in May"}
    challenged = await api.post(team.proposer, f"/changes/{change_id}/challenges", body)
    assert challenged.status_code == 200, challenged.text
    return change_id


async def test_the_owner_is_offered_adopt_adapt_and_abandon(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _at_act(api, team)
    owner = await browse(team.owner)

    page = await owner.get(f"/web/changes/{change_id}/decide")

    assert page.status_code == 200, page.text
    for outcome in ["adopt", "adapt", "abandon"]:
        assert f'name="outcome" type="radio" value="{outcome}"' in page.text
    assert 'name="restart_at" type="radio" value="design" checked' in page.text
    assert 'name="restart_at" type="radio" value="intent"' in page.text


async def test_only_the_owner_may_decide_and_others_are_told_why(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _at_act(api, team)
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get(f"/web/changes/{change_id}/decide")

    assert page.status_code == 200, page.text
    assert 'name="outcome"' not in page.text
    assert f"{team.signer(Role.POLICY)} is not named as service owner on this change" in page.text


async def test_an_adapt_starts_the_next_cycle_where_the_owner_chose(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _at_act(api, team)
    owner = await browse(team.owner)
    form = await owner.get(f"/web/changes/{change_id}/decide")

    sent = await owner.post(
        f"/web/changes/{change_id}/decide",
        data={
            "csrf_token": csrf_of(form),
            "outcome": "adapt",
            "restart_at": "intent",
            "comment": "Take-up short of target",
        },
    )

    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/web/changes/{change_id}"
    view = (await api.get(team.owner, f"/changes/{change_id}")).json()
    assert (view["iteration"], view["stage"]) == (2, "intent")


async def test_a_refused_decision_shows_the_rule_by_the_form(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _at_act(api, team)
    owner = await browse(team.owner)
    form = await owner.get(f"/web/changes/{change_id}/decide")

    sent = await owner.post(
        f"/web/changes/{change_id}/decide",
        data={"csrf_token": csrf_of(form), "outcome": "abandon"},
    )

    assert 400 <= sent.status_code < 500
    assert "govuk-error-summary" in sent.text
    assert "An abandon decision must carry a comment saying why" in sent.text
    assert 'id="outcome-error"' in sent.text


async def test_before_the_act_gate_there_is_nothing_to_decide(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    owner = await browse(team.owner)

    page = await owner.get(f"/web/changes/{change_id}/decide")

    assert page.status_code == 200, page.text
    assert "decisions are made at the act gate; the change is at intent" in page.text


async def test_the_owner_overturns_a_challenged_reject(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _challenged(api, team)
    owner = await browse(team.owner)
    form = await owner.get(f"/web/changes/{change_id}/ruling")
    assert 'name="outcome" type="radio" value="uphold"' in form.text
    assert 'name="outcome" type="radio" value="overturn"' in form.text

    sent = await owner.post(
        f"/web/changes/{change_id}/ruling",
        data={
            "csrf_token": csrf_of(form),
            "outcome": "overturn",
            "comment": "The May budget covers the rota",
        },
    )

    assert sent.status_code == 303, sent.text
    view = (await api.get(team.owner, f"/changes/{change_id}")).json()
    assert (view["stage"], view["gate"]["status"]) == ("design", "in_review")


async def test_a_ruling_needs_its_reasons(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await _challenged(api, team)
    owner = await browse(team.owner)
    form = await owner.get(f"/web/changes/{change_id}/ruling")

    sent = await owner.post(
        f"/web/changes/{change_id}/ruling",
        data={"csrf_token": csrf_of(form), "outcome": "uphold"},
    )

    assert sent.status_code == 400, sent.text
    assert "Enter your reasons" in sent.text
    assert 'id="comment-error"' in sent.text
    assert 'value="uphold" checked' in sent.text


async def test_with_no_challenge_there_is_nothing_to_rule_on(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    owner = await browse(team.owner)

    page = await owner.get(f"/web/changes/{change_id}/ruling")

    assert page.status_code == 200, page.text
    assert "You cannot rule now" in page.text
    assert 'name="outcome"' not in page.text


async def test_a_ruling_without_its_token_is_refused(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await _challenged(api, team)
    owner = await browse(team.owner)

    sent = await owner.post(
        f"/web/changes/{change_id}/ruling", data={"outcome": "overturn", "comment": "Funded"}
    )

    assert sent.status_code == 403


def test_the_restart_stage_counts_only_for_adapt() -> None:
    assert decision_fields({"outcome": "adopt", "restart_at": "design"}) == {"outcome": "adopt"}
    assert decision_fields({"outcome": "adapt", "restart_at": "intent"}) == {
        "outcome": "adapt",
        "restart_at": "intent",
    }
