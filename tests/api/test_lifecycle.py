"""A whole change over HTTP: rework, reject, adapt and adopt, with distinct signers."""

from __future__ import annotations

from models.roles import Role
from tests.api.conftest import Api
from tests.api.flows import approve_all, measure_all, pass_stage, propose, sign, submit
from tests.factories import Team


async def test_whole_pdca_lifecycle_over_http(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    assert (view["stage"], view["waiting"]["kind"]) == ("intent", "submission")

    # Intent: operations asks for changes, the team reworks, everyone approves.
    first = await submit(api, team, change_id, "intent draft")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, first)
    sent_back = await sign(
        api,
        team.signer(Role.OPERATIONS),
        change_id,
        Role.OPERATIONS,
        first,
        "request_changes",
        comment="Add the call-centre impact",
    )
    assert sent_back["gate"]["status"] == "changes_requested"
    second = await submit(api, team, change_id, "intent with call-centre impact")
    assert second == first + 1
    passed = await approve_all(api, team, change_id, second)
    assert passed["stage"] == "design"
    assert passed["closed_gate"]["status"] == "passed"

    # Design passes; delivery is rejected back to design, then both pass again.
    await pass_stage(api, team, change_id, "design")
    delivery = await submit(api, team, change_id, "release candidate")
    rejected = await sign(
        api,
        team.signer(Role.POLICY),
        change_id,
        Role.POLICY,
        delivery,
        "reject",
        comment="Eligibility rules changed",
        reject_to="design",
    )
    assert (rejected["stage"], rejected["gate"]["id"]) == ("design", "1.design.2")
    await pass_stage(api, team, change_id, "design")
    await pass_stage(api, team, change_id, "delivery")

    # Check: take-up misses target, so the service owner adapts.
    await measure_all(api, team, change_id, take_up=40)
    check = await submit(api, team, change_id, "four weeks of data")
    at_act = await approve_all(api, team, change_id, check)
    measures = {m["metric"]: m for m in at_act["closed_gate"]["measures"]}
    assert measures["online take-up"]["met"] is False
    assert at_act["stage"] == "act"
    adapted = await api.post(
        team.owner,
        f"/changes/{change_id}/decision",
        {"outcome": "adapt", "comment": "Take-up short of target"},
    )
    assert adapted.status_code == 200, adapted.text
    assert (adapted.json()["iteration"], adapted.json()["stage"]) == (2, "design")

    # Cycle two: design, delivery, check pass, and the change is adopted.
    for stage in ["design", "delivery", "check"]:
        await pass_stage(api, team, change_id, stage)
    adopted = await api.post(team.owner, f"/changes/{change_id}/decision", {"outcome": "adopt"})
    assert adopted.json()["status"] == "completed"

    final = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert [c["outcome"] for c in final["cycles"]] == ["adapt", "adopt"]
    assert final["waiting"]["kind"] == "nothing"
    audit = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert audit["verdict"]["intact"] is True
    assert audit["verdict"]["events_checked"] == final["last_seq"]
    signed = [e for e in audit["events"] if e["kind"] == "signed_off"]
    assert len({(e["actor"], e["payload"]["revision"]) for e in signed}) == len(signed)
