"""Both compose files are valid Compose (checked against the compose-spec JSON schema, no
Docker engine needed) and hardened as issue 10 asks: passwords for PostgreSQL and Redis, a
non-superuser app role, healthchecks with depends_on conditions, restart policies, a TLS
proxy in front of the API, and only 443 and 50051 published.

tests/data/compose-spec.json is the compose-spec schema as shipped in the docker-compose
1.29.2 wheel (compose/config/compose_spec.json, Apache-2.0)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.support.servers import ROOT

SCHEMA = json.loads((ROOT / "tests/data/compose-spec.json").read_text())
API, WORKER = ROOT / "docker-compose.api.yml", ROOT / "docker-compose.worker.yml"
ENV = {"POSTGRES_PASSWORD": "pg-super", "ENGLOG_DB_PASSWORD": "app-pass",
       "REDIS_PASSWORD": "redis-pass", "ENGLOG_JWT_SECRET": "jwt", "ENGLOG_DOMAIN": "a.example",
       "ENGLOG_API_GRPC": "a.example:50051"}
_VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$\$")


class MissingVariable(Exception):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$, as `docker compose` does."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match) -> str:
        if m[0] == "$$":
            return "$"
        name, op, arg = m[1], m[2], m[3]
        val = env.get(name)
        if op and op.startswith(":") and not val or not op and val is None:
            val = None
        if val is None and op and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        return val if val is not None else (arg if op and op.endswith("-") else "")

    return _VAR.sub(sub, value)


def load(path: Path, env: dict[str, str] = ENV) -> dict:
    return interpolate(yaml.safe_load(path.read_text()), env)  # safe_load resolves << merges


@pytest.mark.parametrize("path", [API, WORKER], ids=lambda p: p.name)
def test_compose_file_is_valid_against_the_compose_spec(path: Path) -> None:
    doc = load(path)
    validator = jsonschema.Draft201909Validator(SCHEMA)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_check_catches_a_broken_file() -> None:
    doc = load(API)
    doc["services"]["api"]["depends_on"]["postgres"]["condition"] = "service_ready"
    doc["services"]["redis"]["restart"] = ["always"]
    errors = list(jsonschema.Draft201909Validator(SCHEMA).iter_errors(doc))
    assert len(errors) >= 2


def test_secrets_must_be_given() -> None:
    for name in ("POSTGRES_PASSWORD", "ENGLOG_DB_PASSWORD", "REDIS_PASSWORD",
                 "ENGLOG_JWT_SECRET", "ENGLOG_DOMAIN"):
        with pytest.raises(MissingVariable, match=name):
            load(API, {k: v for k, v in ENV.items() if k != name})


def published(doc: dict) -> set[str]:
    out = set()
    for svc in doc["services"].values():
        for p in svc.get("ports", []):
            out.add(str(p).split(":")[-1].split("/")[0])
    return out


def test_only_443_and_50051_are_published() -> None:
    assert published(load(API)) == {"443", "50051"}
    assert published(load(WORKER)) == set()


def test_every_service_restarts_and_the_stateful_ones_report_health() -> None:
    services = load(API)["services"]
    for name, svc in services.items():
        assert svc.get("restart") == "unless-stopped", name
    for name in ("api", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["api"]["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                             "redis": {"condition": "service_healthy"}}
    assert services["proxy"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    assert load(WORKER)["services"]["worker"]["restart"] == "unless-stopped"


def test_postgres_has_a_password_and_the_app_is_not_its_superuser() -> None:
    services = load(API)["services"]
    pg_env = services["postgres"]["environment"]
    assert "POSTGRES_HOST_AUTH_METHOD" not in pg_env
    assert pg_env["POSTGRES_PASSWORD"] == "pg-super"
    url = services["api"]["environment"]["ENGLOG_DATABASE_URL"]
    assert url == "postgres://englog:app-pass@postgres:5432/englog"
    init = [v for v in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    script = ROOT / init[0].split(":")[0]
    assert "NOSUPERUSER" in script.read_text() and "OWNER" in script.read_text()


def test_redis_needs_a_password_and_the_api_sends_it() -> None:
    services = load(API)["services"]
    assert "--requirepass" in " ".join(services["redis"]["command"])
    assert services["api"]["environment"]["ENGLOG_REDIS_URL"] == \
        "redis://:redis-pass@redis:6379/0"


def test_the_api_sits_behind_a_tls_proxy_it_trusts() -> None:
    doc = load(API)
    proxy, api = doc["services"]["proxy"], doc["services"]["api"]
    assert proxy["image"].startswith("caddy")
    assert [str(p) for p in proxy["ports"]] == ["443:443"]
    caddyfile = ROOT / proxy["volumes"][0].split(":")[0]
    text = caddyfile.read_text()
    assert "reverse_proxy api:8000" in text and "respond /metrics 404" in text
    assert "8000" not in " ".join(str(p) for p in api.get("ports", []))
    assert api["environment"]["ENGLOG_TRUSTED_PROXIES"] == \
        proxy["networks"]["edge"]["ipv4_address"]
    assert doc["networks"]["backend"]["internal"] is True
    assert doc["services"]["postgres"]["networks"] == ["backend"]
