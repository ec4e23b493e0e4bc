"""How long archived histories are kept: seven years unless THROUGHLINE_ARCHIVE_RETENTION_DAYS
says otherwise, and never less than a day: throughline/settings.py."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from throughline.settings import Settings


def test_archives_are_kept_seven_years_by_default() -> None:
    assert Settings().archive_retention_days == 2557


def test_the_retention_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_ARCHIVE_RETENTION_DAYS", "3650")
    assert Settings().archive_retention_days == 3650


@pytest.mark.parametrize("days", ["0", "-5", "seven"])
def test_a_retention_under_a_day_is_refused(monkeypatch: pytest.MonkeyPatch, days: str) -> None:
    monkeypatch.setenv("THROUGHLINE_ARCHIVE_RETENTION_DAYS", days)
    with pytest.raises(ValidationError, match="archive_retention_days"):
        Settings()
