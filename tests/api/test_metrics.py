"""Prometheus /metrics: behind a bearer token, request counts and latency by route template
and status, DB pool, Redis errors, queue depth, worker heartbeats and the workers' own
figures (which arrive over gRPC in the heartbeat)."""

from __future__ import annotations

import re

from tests.support.users import ApiUser

ENTRY = {"title": "Counted", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


def sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_need_the_token(client) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "englog_" not in wrong.text


async def test_requests_are_counted_by_route_template_and_status(alice: ApiUser,
                                                                 metrics_text) -> None:
    before = sample(await metrics_text(), "englog_http_requests_total", method="GET",
                    route="/v1/logs/<raw_id>", status="404") or 0.0
    for _ in range(3):
        assert (await alice.get("/v1/logs/00000000-0000-0000-0000-000000000000")).status_code == 404
    assert (await alice.post("/v1/logs", json=ENTRY)).status_code == 201
    text = await metrics_text()
    assert sample(text, "englog_http_requests_total", method="GET", route="/v1/logs/<raw_id>",
                  status="404") == before + 3
    assert sample(text, "englog_http_requests_total", method="POST", route="/v1/logs",
                  status="201") >= 1
    assert sample(text, "englog_http_request_duration_seconds_count", method="POST",
                  route="/v1/logs", status="201") >= 1
    assert sample(text, "englog_http_request_duration_seconds_bucket", method="POST",
                  route="/v1/logs", status="201", le="+Inf") >= 1
    # Raw ids never become labels.
    assert "00000000-0000" not in text


async def test_pool_redis_and_queue_figures_are_there(alice: ApiUser, metrics_text) -> None:
    text = await metrics_text()
    assert sample(text, "englog_db_pool_connections") >= 1
    assert sample(text, "englog_db_pool_connections_in_use") is not None
    assert sample(text, "englog_redis_errors_total") is not None
    # alice's welcome email waits in the queue (no worker runs in this API's tests).
    assert sample(text, "englog_queue_tasks", task_type="send_email", state="queued") >= 1
    assert re.search(r"^# TYPE englog_http_request_duration_seconds histogram$", text, re.M)


async def test_the_grafana_dashboard_only_uses_metrics_the_api_exports(metrics_text) -> None:
    import json

    from tests.support.servers import ROOT

    dash = json.loads((ROOT / "deploy/grafana/englog-dashboard.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    used = {re.sub(r"_(bucket|count|sum)$", "", m) for e in exprs
            for m in re.findall(r"\benglog_\w+", e)}
    text = await metrics_text()
    exported = set(re.findall(r"^# TYPE (\w+) ", text, re.M))
    exported |= {n + "_total" for n in exported}  # counters are exposed with _total samples
    assert used and used <= exported, used - exported
