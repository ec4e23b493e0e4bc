"""Domain refusals, as the errors Temporal carries back to the caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.errors import ThroughlineError


@contextmanager
def refusals_as_application_errors() -> Iterator[None]:
    """Domain refusals become non-retryable ApplicationErrors typed by their code.

    Any other exception would fail the workflow task, which Temporal retries forever.
    """
    try:
        yield
    except ThroughlineError as refusal:
        raise ApplicationError(refusal.message, type=refusal.code, non_retryable=True) from None
