"""Fuzz every documented operation from the OpenAPI spec: bad input must never cause a 5xx,
and every error must be application/problem+json."""

from __future__ import annotations

import uuid

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis import GenerationMode

# Logging the fuzz user out would turn every later example into a 401 and hide real bugs.
EXCLUDED_PATHS = r"^/v1/auth/(logout|logout-all)$|/events$"


@pytest.fixture(scope="session")
def api_schema(api_url: str):
    schema = schemathesis.openapi.from_url(api_url + "/docs/openapi.json")
    # Negative mode sends values that violate the schema: wrong types, NUL bytes, huge numbers.
    schema.config.generation.update(modes=list(GenerationMode))
    return schema.exclude(path_regex=EXCLUDED_PATHS)


@pytest.fixture(scope="session")
def fuzz_headers(api_url: str) -> dict[str, str]:
    creds = {"email": f"fuzz-{uuid.uuid4().hex[:10]}@example.com",
             "password": "fuzzing-password-123"}
    r = httpx.post(api_url + "/v1/auth/register", json={**creds, "timezone": "Europe/Berlin"})
    assert r.status_code == 202, r.text
    r = httpx.post(api_url + "/v1/auth/login", json=creds)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=30, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case, api_url: str, fuzz_headers: dict[str, str]) -> None:
    response = case.call(base_url=api_url, headers=fuzz_headers, timeout=15)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
    if response.status_code >= 400:
        content_type = response.headers.get("content-type")
        # schemathesis 4 keeps every header as a list of values.
        if isinstance(content_type, list):
            content_type = content_type[0] if content_type else ""
        assert (content_type or "").startswith("application/problem+json"), (
            f"{case.method} {case.formatted_path} -> {response.status_code} with {content_type}"
        )


async def test_unstorable_characters_are_a_422_naming_the_field(client) -> None:
    r = await client.post("/v1/auth/login", json={"email": "\x00", "password": "x"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "email"
    # A lone surrogate cannot be encoded as UTF-8; the JSON parser refuses it as malformed.
    r = await client.post(
        "/v1/auth/register", headers={"content-type": "application/json"},
        content=b'{"email":"a@b.com","password":"long-enough-pass","first_name":"x\\ud800"}')
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/bad-json")


def test_spec_documents_bearer_security_everywhere(api_url: str) -> None:
    spec = httpx.get(api_url + "/docs/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    # The calendar feed's credential is the secret token in its path (calendar apps cannot
    # send a bearer token).
    public = {"/live", "/ready", "/health", "/v1/auth/register", "/v1/auth/login",
              "/v1/auth/refresh", "/v1/auth/logout", "/v1/feeds/{name}"}
    missing = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path in public:
                continue
            if not op.get("security"):
                missing.append(f"{method.upper()} {path}")
            if "responses" not in op or not any(c.startswith("2") for c in op["responses"]):
                missing.append(f"{method.upper()} {path} (no success response)")
    assert not missing, missing
