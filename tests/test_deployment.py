"""The deployment files: Dockerfile, docker-compose.yml and the production settings check.
(No Docker engine runs here, so the images are not built; the files are validated.)"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "chat.example.com",
    "DJANGO_SECURE": "true",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
}


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_runs_gunicorn_as_an_unprivileged_user_on_a_slim_base() -> None:
    steps = _instructions()
    kinds = [kind for kind, _ in steps]
    assert re.fullmatch(r"python:3\.\d+-slim", dict(steps)["FROM"])
    assert "collectstatic" in " ".join(arg for kind, arg in steps if kind == "RUN")
    user_at = kinds.index("USER")
    assert dict(steps)["USER"] not in {"root", "0"}
    assert kinds.index("CMD") > user_at
    assert "gunicorn --config mattermost_py/gunicorn.conf.py" in dict(steps)["CMD"]
    assert "/api/v4/system/ping" in dict(steps)["HEALTHCHECK"]
    assert "8065" in dict(steps)["EXPOSE"]


def test_compose_file_wires_the_app_to_postgres_and_redis() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "postgres", "redis"}
    app = services["app"]
    assert app["build"] == "."
    assert app["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    env = app["environment"]
    assert env["DATABASE_URL"].startswith("postgres://mattermost:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/mattermost")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "DJANGO_SECRET_KEY" in env
    assert all("healthcheck" in services[name] for name in ("postgres", "redis"))
    assert app["volumes"] == ["app-data:/data"]


def test_compose_file_passes_docker_compose_config() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is needed in CI to validate docker-compose.yml")
        pytest.skip("docker-compose is not installed")
    env = {**os.environ, "POSTGRES_PASSWORD": "secret", "DJANGO_SECRET_KEY": "key"}
    run = subprocess.run(
        [binary, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    # Without the secrets it refuses to start rather than run with defaults.
    env.pop("POSTGRES_PASSWORD")
    refused = subprocess.run(
        [binary, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stderr


def test_check_deploy_is_clean_with_the_production_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MM_"))}
    env |= PRODUCTION_ENV | {"DATA_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout
