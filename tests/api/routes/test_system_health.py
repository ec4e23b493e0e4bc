"""/healthz tells when Temporal stops answering: api/routes/system.py."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from api.app import create_app
from tests.api.client import SECRET
from tests.processes import free_port, start_dev_server
from throughline.settings import Settings

pytestmark = pytest.mark.slow


async def test_healthz_is_503_when_temporal_is_down(tmp_path: Path, sqlite_url: str) -> None:
    port = free_port()
    server = start_dev_server(tmp_path / "temporal.db", port)
    try:
        client = await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        settings = Settings(database_url=sqlite_url, token_secret=SecretStr(SECRET))
        app = create_app(settings, temporal=client)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                assert (await http.get("/healthz")).status_code == 200
                server.terminate()
                server.wait(30)
                down = await http.get("/healthz")
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(30)
    assert down.status_code == 503
    health = down.json()
    assert (health["status"], health["temporal"], health["database"]) == ("degraded", False, True)
    assert health["parts"] == {}
