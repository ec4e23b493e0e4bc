"""The production compose file is valid and describes the intended topology."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(COMPOSE.read_text())
    return loaded


def test_compose_file_matches_the_compose_specification() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_temporal_on_postgresql_with_official_images() -> None:
    services = _compose()["services"]
    assert set(services) >= {"postgresql", "temporal", "temporal-ui", "api", "worker"}
    for name in ["temporal", "temporal-ui", "temporal-schema", "temporal-namespace"]:
        assert services[name]["image"].startswith("temporalio/"), name
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["temporal"]["environment"]["POSTGRES_SEEDS"] == "postgresql"


def test_api_and_worker_are_built_here_and_run_in_production_mode() -> None:
    services = _compose()["services"]
    for name in ["api", "worker"]:
        service = services[name]
        assert service["build"] == "."
        assert service["environment"]["THROUGHLINE_ENVIRONMENT"] == "production"
        assert service["environment"]["THROUGHLINE_DATABASE_URL"].startswith("postgresql://")
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert (ROOT / "Dockerfile").exists()


def test_dockerfile_copies_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ["models", "workflows", "activities", "workers", "api", "throughline", "web"]:
        assert f"COPY {package} ./{package}" in dockerfile


def test_the_image_serves_the_pages_files_from_the_lock_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY package.json package-lock.json ./" in dockerfile
    assert "npm ci --omit=dev" in dockerfile
    assert "THROUGHLINE_ASSETS_DIR=/app/node_modules" in dockerfile
    assert "COPY --from=assets /assets/node_modules ./node_modules" in dockerfile


def test_the_templates_ship_with_the_package() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "templates/*.html" in data["package-data"]["web"]
    assert "web*" in data["packages"]["find"]["include"]
