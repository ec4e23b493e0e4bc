"""How Temporal's answers become the refusals the API gives."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from models.errors import GateClosed, Unavailable
from throughline.services.calls import domain_error


def test_a_refusal_keeps_its_code_and_words() -> None:
    refusal = domain_error(ApplicationError("gate 'intent agreed' is closed", type="gate_closed"))
    assert isinstance(refusal, GateClosed)
    assert refusal.message == "gate 'intent agreed' is closed"


def test_a_failure_that_is_not_a_refusal_is_ours_not_the_callers() -> None:
    failure = ApplicationError("1 validation error for ProjectionBatch", type="ValidationError")
    refusal = domain_error(failure)
    assert isinstance(refusal, Unavailable)
    assert refusal.status == 503
    assert "validation" not in refusal.message
