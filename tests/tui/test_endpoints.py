"""The TUI and the shell verbs spell API paths in one place: tui/api/endpoints.py."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tui.api import endpoints as ep

TUI = Path(__file__).resolve().parents[2] / "tui"
V1 = re.compile(r"""["']/v1""")


def test_no_v1_path_outside_the_endpoints_module() -> None:
    offenders = [
        f"{path.relative_to(TUI.parent)}:{n}: {line.strip()}"
        for path in sorted(TUI.rglob("*.py")) if path.name != "endpoints.py"
        for n, line in enumerate(path.read_text().splitlines(), 1) if V1.search(line)
    ]
    assert offenders == [], "use tui.api.endpoints instead:\n" + "\n".join(offenders)


def test_the_check_would_catch_a_literal() -> None:
    # The pattern the test above relies on really matches the usual spellings.
    assert V1.search('await api.get("/v1/logs")')
    assert V1.search("f'/v1/logs/{entry_id}'")
    assert not V1.search("ep.LOGS_LIST.path()")


def test_every_endpoint_is_listed_once_with_a_method() -> None:
    assert ep.LOGS_LIST in ep.ALL and ep.TIMER_STOP in ep.ALL
    assert len({(e.method, e.template) for e in ep.ALL}) == len(ep.ALL)
    assert all(e.method in {"GET", "POST", "PUT", "PATCH", "DELETE"} for e in ep.ALL)
    assert all(e.template.startswith("/v1/") for e in ep.ALL)


def test_paths_fill_their_placeholders() -> None:
    assert ep.LOG_UPDATE.path(entry_id="abc") == "/v1/logs/abc"
    assert ep.INSIGHT_EVENTS.path(report_id="r1") == "/v1/insights/r1/events"
    assert ep.export_path("csv") == "/v1/export/csv"


def test_every_endpoint_is_served_by_the_api(api_url: str) -> None:
    """A path or method typed wrong here would only show up as a 404/405 on a screen."""
    doc = httpx.get(f"{api_url}/docs/openapi.json", timeout=30).json()
    served = {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path).rstrip("/"))
              for path, item in doc["paths"].items() for method in item}
    wanted = set()
    for e in ep.ALL:
        if e is ep.EXPORT:
            wanted |= {(e.method, ep.export_path(fmt)) for fmt in ("csv", "json", "pdf")}
        else:
            wanted.add((e.method, re.sub(r"\{[^}]+\}", "{}", e.template)))
    assert wanted - served == set()
