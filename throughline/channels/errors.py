"""The one error every channel adapter raises: what went wrong, and whether a retry can help."""

from __future__ import annotations

from typing import Any


class ChannelError(Exception):
    """A send that failed. `permanent` means sending the same thing again cannot succeed;
    otherwise the failure is transient and a later retry may get through."""

    def __init__(self, message: str, permanent: bool, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status_code = status_code

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions are rebuilt from `args` alone when copied or pickled, which would
        # lose whether the failure was permanent.
        return (type(self), (self.message, self.permanent, self.status_code))
