"""Where each kind of waiting item is acted on, and what the link says."""

from __future__ import annotations

from models.read.reports import InboxItem
from web.render import PREFIX


def change_page(change_id: str) -> str:
    return f"{PREFIX}/changes/{change_id}"


ACTIONS = {
    "sign_off": ("Sign off", "/sign-off"),
    "submission": ("Submit work", "/submit"),
    "decision": ("Decide", "/decide"),
    "challenge": ("Rule on the challenge", "/ruling"),
    "stuck": ("See who can sign", ""),
    "condition": ("Close the condition", "/conditions/{condition_id}/close"),
}


def action_for(item: InboxItem) -> tuple[str, str]:
    """The words and the page for acting on an item of someone's work."""
    text, path = ACTIONS.get(item.kind, ("Open the change", ""))
    return text, change_page(item.change_id) + path.format(condition_id=item.condition_id)
