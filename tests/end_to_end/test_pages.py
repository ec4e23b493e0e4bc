"""A change from proposal to adoption through the pages alone, tried as a new user would:
each person signs in through the OpenID provider in their own Chromium, uses only the
keyboard (no clicks), and axe checks every page they see. It includes a request-changes
loop and a refusal shown in the GOV.UK error summary.

With THROUGHLINE_SCREENSHOTS set to a folder (`make screenshots`), it also saves the
main pages as the README shows them.
"""

from __future__ import annotations

import pytest
from playwright.async_api import FilePayload

from models.roles import Role
from tests.factories import Team
from tests.support.pages import Person, SignInAs, propose

pytestmark = pytest.mark.slow


async def submit(team_member: Person, change_id: str, summary: str) -> None:
    await team_member.go(f"/web/changes/{change_id}/submit")
    await team_member.type_in({"summary": summary})
    notes = FilePayload(name="notes.txt", mimeType="text/plain", buffer=summary.encode())
    await team_member.field("files.0.file").set_input_files(files=[notes])
    await team_member.press("Submit the work")
    assert "notes.txt" in await team_member.text()


async def open_sign_off(signer: Person, change_id: str, role: Role) -> None:
    await signer.go(f"/web/changes/{change_id}/sign-off")
    await signer.choose("role", role.value)


async def approve(signer: Person, change_id: str, role: Role) -> None:
    await open_sign_off(signer, change_id, role)
    await signer.choose("decision", "approve")
    await signer.press("Send sign-off")
    assert "Your sign-off is recorded" in await signer.text()


async def pass_stage(team_member: Person, signers: dict[Role, Person], change_id: str) -> None:
    await submit(team_member, change_id, "the work of this stage")
    for role, signer in signers.items():
        await approve(signer, change_id, role)


async def test_a_change_goes_from_proposal_to_adoption_through_the_pages(
    team: Team, sign_in: SignInAs
) -> None:
    member = await sign_in(team.proposer)
    signers = {
        role: await sign_in(team.signer(role))
        for role in (Role.POLICY, Role.DIGITAL, Role.OPERATIONS)
    }
    owner, auditor = await sign_in(team.owner), await sign_in(team.auditor)
    policy, operations = signers[Role.POLICY], signers[Role.OPERATIONS]

    change_id = await propose(member, team)
    await submit(member, change_id, "the intent, written down")
    await policy.go("/web/work")
    await policy.snap("my-work")

    # The policy lead opens the sign-off form; meanwhile operations asks for changes and the
    # team submits revision 2, so the policy lead's approval of revision 1 is refused.
    await open_sign_off(policy, change_id, Role.POLICY)
    await policy.choose("decision", "approve")
    await open_sign_off(operations, change_id, Role.OPERATIONS)
    await operations.choose("decision", "request_changes")
    await operations.type_in({"comment": "Add the call-centre impact"})
    await operations.press("Send sign-off")
    await submit(member, change_id, "the intent, with the call-centre impact")
    await policy.press("Send sign-off")
    summary = policy.page.locator(".govuk-error-summary")
    assert await summary.is_visible()
    assert "revision 1" in (await summary.inner_text()).lower()
    await policy.snap("sign-off-refused")

    for role, signer in signers.items():
        await approve(signer, change_id, role)
    for _ in ("design", "delivery"):
        await pass_stage(member, signers, change_id)
    await member.go(f"/web/changes/{change_id}/measure")
    for metric, value in [("median days to decision", "4"), ("online take-up", "61")]:
        await member.page.locator('[name="metric"]').select_option(value=metric)
        await member.type_in({"value": value})
        await member.press("Record the measurement")
        await member.go(f"/web/changes/{change_id}/measure")
    await pass_stage(member, signers, change_id)

    await owner.go(f"/web/changes/{change_id}/decide")
    await owner.choose("outcome", "adopt")
    await owner.type_in({"comment": "Take-up beat the target"})
    await owner.press("Send decision")
    assert "Your decision is recorded" in await owner.text()
    await owner.snap("change")

    await auditor.go(f"/web/changes/{change_id}/audit")
    assert "complete and unaltered" in (await auditor.text()).lower()
    await auditor.snap("audit")
    await auditor.go("/web/changes")
    await auditor.snap("changes")
