"""Settings: a blank provider setting means unset, an issuer needs a client, and the
worker cache comes from the environment within bounds."""

from __future__ import annotations

import pytest

from throughline.settings import ConfigurationError, Settings


def test_a_blank_provider_setting_means_single_sign_on_is_off() -> None:
    blank = Settings(oidc_issuer="", oidc_client_id=" ")
    assert (blank.oidc_issuer, blank.oidc_client_id, blank.single_sign_on) == (None, None, False)


def test_an_issuer_without_a_client_id_is_refused_at_start() -> None:
    settings = Settings(oidc_issuer="https://login.example.test")
    with pytest.raises(ConfigurationError, match="THROUGHLINE_OIDC_CLIENT_ID"):
        settings.check_production()


def test_the_worker_cache_is_read_from_the_environment_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKER_CACHED_WORKFLOWS", "250")
    assert Settings().worker_cached_workflows == 250
    monkeypatch.setenv("THROUGHLINE_WORKER_CACHED_WORKFLOWS", "-1")
    with pytest.raises(ValueError, match="worker_cached_workflows"):
        Settings()
