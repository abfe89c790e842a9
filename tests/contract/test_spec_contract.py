"""The API speaks the product spec's contract, field for field (issue 7): the OpenAPI
document and real responses of the running API, against the spec's lists in spec_fields.py.
A field renamed away from the spec's name fails here."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.contract import spec_fields as spec
from tests.support.users import ApiUser

ENTRY = {"title": "Fix the refresh race", "description": "token reuse", "type": "code",
         "tags": ["bug-fix"], "start_time": "2026-11-16T09:00:00Z",
         "end_time": "2026-11-16T10:30:00Z", "value_rating": "high", "impact_level": "product"}


@pytest.fixture(scope="module")
async def openapi(api_url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as c:
        r = await c.get("/docs/openapi.json")
    assert r.status_code == 200
    return r.json()


def _op(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for p, item in doc["paths"].items():
        if re.sub(r"\{[^}]+\}", "{}", p).rstrip("/") == path and method in item:
            return item[method]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def _body(op: dict[str, Any]) -> dict[str, Any]:
    return op["requestBody"]["content"]["application/json"]["schema"]


def _response(op: dict[str, Any], status: str) -> dict[str, Any]:
    return op["responses"][status]["content"]["application/json"]["schema"]


def _params(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}


# --- the OpenAPI document ------------------------------------------------------------------

def test_every_spec_endpoint_is_documented(openapi):
    for method, path in spec.ENDPOINTS:
        _op(openapi, method, path)


def test_log_entry_bodies_are_the_specs(openapi):
    for method, path in (("post", "/v1/logs"), ("put", "/v1/logs/{}")):
        body = _body(_op(openapi, method, path))
        assert set(body["properties"]) == set(spec.LOG_ENTRY_CREATE), path
        assert set(body["required"]) == set(spec.LOG_ENTRY_CREATE_REQUIRED), path
        assert body["properties"]["type"]["enum"] == list(spec.ACTIVITY_TYPES)
    bulk = _body(_op(openapi, "post", "/v1/logs/bulk"))["properties"]["entries"]["items"]
    assert set(bulk["properties"]) == set(spec.LOG_ENTRY_CREATE)
    # PATCH takes any of the same fields.
    assert set(_body(_op(openapi, "patch", "/v1/logs/{}"))["properties"]) \
        == set(spec.LOG_ENTRY_CREATE)


def test_log_entry_responses_are_the_specs(openapi):
    reads = [_response(_op(openapi, "get", "/v1/logs/{}"), "200"),
             _response(_op(openapi, "get", "/v1/logs"), "200")["properties"]["items"]["items"],
             _response(_op(openapi, "post", "/v1/logs/bulk"), "201")["properties"]["items"][
                 "items"],
             _response(_op(openapi, "post", "/v1/logs/{}/restore"), "200")]
    # A single write also answers which other entries it overlaps (SPEC_DIFFERENCES.md).
    writes = [_response(_op(openapi, "post", "/v1/logs"), "201"),
              _response(_op(openapi, "put", "/v1/logs/{}"), "200"),
              _response(_op(openapi, "patch", "/v1/logs/{}"), "200"),
              _response(_op(openapi, "post", "/v1/timers/stop"), "201"),
              _response(_op(openapi, "post", "/v1/timers/backfill"), "201"),
              _response(_op(openapi, "post", "/v1/timers/switch"), "201")["properties"][
                  "stopped"]]
    for shape in reads:
        assert set(shape["properties"]) == set(spec.LOG_ENTRY_RESPONSE)
    for shape in writes:
        assert set(shape["properties"]) == {*spec.LOG_ENTRY_RESPONSE, "overlaps"}


def test_timer_bodies_use_the_entry_field_names(openapi):
    for method, path in (("post", "/v1/timers/start"), ("patch", "/v1/timers/current"),
                         ("post", "/v1/timers/stop"), ("post", "/v1/timers/backfill")):
        props = set(_body(_op(openapi, method, path))["properties"])
        assert {"type", "value_rating", "impact_level", "project_id", "tags"} <= props, path
    assert "type" in _response(_op(openapi, "get", "/v1/timers/current"), "200")[
        "properties"]["timer"]["properties"]


def test_insight_request_is_the_specs(openapi):
    body = _body(_op(openapi, "post", "/v1/insights/generate"))
    assert set(body["properties"]) == set(spec.INSIGHT_REQUEST)
    assert set(body["required"]) == set(spec.INSIGHT_REQUEST_REQUIRED)
    assert body["properties"]["report_type"]["enum"] == list(spec.REPORT_TYPES)


def test_the_nine_metrics_are_the_specs(openapi):
    dashboard = _response(_op(openapi, "get", "/v1/analytics/dashboard"), "200")
    assert list(dashboard["properties"]["metrics"]["properties"]) \
        == list(spec.PRODUCTIVITY_METRICS)


def test_profile_and_project_carry_the_specs_fields(openapi):
    for method in ("get", "put"):
        profile = _response(_op(openapi, method, "/v1/users/profile"), "200")
        assert set(spec.PROFILE) <= set(profile["properties"])
    project = _response(_op(openapi, "get", "/v1/projects/{}"), "200")
    assert set(spec.PROJECT) <= set(project["properties"])


def test_list_filters_are_the_specs(openapi):
    assert set(spec.LOGS_FILTERS) <= set(_params(_op(openapi, "get", "/v1/logs")))
    assert set(spec.INSIGHTS_FILTERS) <= set(_params(_op(openapi, "get", "/v1/insights")))
    # The JSON export takes GET /v1/logs's filters, its period named as the export's.
    export = set(_params(_op(openapi, "get", "/v1/export/json")))
    assert set(spec.LOGS_FILTERS) - {"start_date", "end_date"} <= export


def _states_the_rule(description: str, end: bool) -> bool:
    words = ("RFC 3339", "YYYY-MM-DD", "your timezone") + (
        ("[start, end)", "inclusive") if end else ())
    return all(w in description for w in words)


def test_every_period_parameter_states_the_rule(openapi):
    for (method, path), names in spec.PERIOD_PARAMETERS.items():
        params = _params(_op(openapi, method, path))
        for name, end in zip(names, (False, True), strict=True):
            assert _states_the_rule(params[name]["description"], end), (path, name)
    for (method, path), names in spec.PERIOD_BODY_FIELDS.items():
        props = _body(_op(openapi, method, path))["properties"]
        for name, end in zip(names, (False, True), strict=True):
            assert _states_the_rule(props[name]["description"], end), (path, name)
            formats = {o.get("format") for o in props[name]["oneOf"]}
            assert formats == {"date", "date-time"}, (path, name)


def test_no_retired_name_is_left_in_the_document(openapi):
    text = str(openapi)
    for name in spec.RETIRED_NAMES:
        assert not re.search(rf"\b{name}\b", text), name


# --- real responses --------------------------------------------------------------------------

def _no_retired_names(body: Any) -> None:
    text = str(body)
    for name in spec.RETIRED_NAMES:
        assert not re.search(rf"'{name}'", text), name


async def test_a_client_written_from_the_spec_logs_and_reads_entries(alice: ApiUser):
    project = (await alice.post("/v1/projects", json={"name": "Auth"})).json()
    r = await alice.post("/v1/logs", json={**ENTRY, "project_id": project["id"]})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert set(entry) == {*spec.LOG_ENTRY_RESPONSE, "overlaps"}
    assert (entry["type"], entry["project_id"], entry["project_name"], entry["duration_minutes"]) \
        == ("code", project["id"], "Auth", 90)
    got = (await alice.get(f"/v1/logs/{entry['id']}")).json()
    assert set(got) == set(spec.LOG_ENTRY_RESPONSE)
    bulk = await alice.post("/v1/logs/bulk", json={"entries": [
        {**ENTRY, "type": "meeting", "start_time": "2026-11-17T09:00:00Z",
         "end_time": "2026-11-17T09:30:00Z"}]})
    assert bulk.status_code == 201, bulk.text
    assert set(bulk.json()["items"][0]) == set(spec.LOG_ENTRY_RESPONSE)
    # Every spec filter at once, with the spec's values, finds the entry; ?type= filters.
    filters = {"start_date": "2026-11-16", "end_date": "2026-11-16",
               "project_id": project["id"], "type": "code", "tags": "bug-fix",
               "value_rating": "high", "impact_level": "product"}
    assert set(filters) == set(spec.LOGS_FILTERS)
    page = (await alice.get("/v1/logs", params=filters)).json()
    assert [i["id"] for i in page["items"]] == [entry["id"]]
    meetings = (await alice.get("/v1/logs", params={"type": "meeting"})).json()["items"]
    assert [i["type"] for i in meetings] == ["meeting"]
    _no_retired_names([entry, got, bulk.json(), page])


async def test_timers_speak_type(alice: ApiUser):
    started = await alice.post("/v1/timers/start", json={"title": "Pairing", "type": "review"})
    assert started.status_code == 201, started.text
    assert started.json()["type"] == "review"
    assert (await alice.get("/v1/timers/current")).json()["timer"]["type"] == "review"
    patched = await alice.patch("/v1/timers/current", json={"type": "mentoring"})
    assert patched.json()["type"] == "mentoring"
    stopped = await alice.post("/v1/timers/stop", json={})
    assert stopped.status_code == 201
    assert set(stopped.json()) == {*spec.LOG_ENTRY_RESPONSE, "overlaps"}  # see SPEC_DIFFERENCES.md
    assert stopped.json()["type"] == "mentoring"
    back = await alice.post("/v1/timers/backfill", json={"minutes": 20, "title": "Standup",
                                                         "type": "meeting"})
    assert back.status_code == 201 and back.json()["type"] == "meeting"
    _no_retired_names([started.json(), patched.json(), stopped.json(), back.json()])


async def test_metrics_profile_and_insights_answer_with_the_specs_names(alice: ApiUser):
    assert (await alice.post("/v1/logs", json=ENTRY)).status_code == 201
    dash = (await alice.get("/v1/analytics/dashboard", params={
        "start_date": "2026-11-16T00:00:00Z", "end_date": "2026-11-23T00:00:00Z"})).json()
    assert list(dash["metrics"]) == list(spec.PRODUCTIVITY_METRICS)
    assert dash["metrics"]["activity_efficiency_score"] == 100.0  # 90 code minutes of 90
    profile = (await alice.get("/v1/users/profile")).json()
    assert set(spec.PROFILE) <= set(profile)
    r = await alice.post("/v1/insights/generate", json={
        "report_type": "weekly", "period_start": "2026-11-16T00:00:00Z",
        "period_end": "2026-11-23T00:00:00Z", "include_projects": [],
        "focus_areas": ["reliability"]})
    assert r.status_code == 202, r.text
    listed = (await alice.get("/v1/insights", params={
        "type": "weekly", "period_start": "2026-11-16", "period_end": "2026-11-22"})).json()
    assert [i["id"] for i in listed["items"]] == [r.json()["id"]]
    _no_retired_names([dash, profile, r.json(), listed])
