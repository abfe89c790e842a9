"""Prometheus metrics of the API process (prometheus-client), in one registry of our own.

Counters and histograms are updated where things happen (request middleware, Redis errors,
task completion, password hashing). Gauges that describe shared state (queue depth, worker
heartbeats, the workers' own figures, the DB pool) are read when /metrics is scraped, by
`collect_state`, so every API process reports the same view of PostgreSQL.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from backend.db.setup import db

log = logging.getLogger("englog.metrics")

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "englog_http_requests", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"], registry=REGISTRY)
HTTP_LATENCY = Histogram(
    "englog_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["method", "route", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
REDIS_ERRORS = Counter(
    "englog_redis_errors", "Redis calls that failed or timed out (the API then degrades).",
    registry=REGISTRY)
RATE_LIMITED = Counter(
    "englog_rate_limited", "Requests refused with 429 by a rate-limit policy.", ["policy"],
    registry=REGISTRY)
PASSWORD_HASHES = Counter(
    "englog_password_hashes", "argon2 computations (hash or verify).", ["op"],
    registry=REGISTRY)
TASK_DURATION = Histogram(
    "englog_task_duration_seconds",
    "Time from a task's claim to its completion or failure, as seen by this API process.",
    ["task_type", "outcome"], registry=REGISTRY,
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800))
DB_POOL_IN_USE = Gauge(
    "englog_db_pool_connections_in_use", "PostgreSQL connections checked out of the pool.",
    registry=REGISTRY)
DB_POOL_SIZE = Gauge(
    "englog_db_pool_connections", "PostgreSQL connections open in the pool.", registry=REGISTRY)


def db_pool_stats() -> tuple[int, int]:
    """(open, in use) of the default Tortoise pool; (0, 0) before it exists."""
    try:
        pool = getattr(db(), "_pool", None)
    except Exception:  # not initialised
        return 0, 0
    if pool is None:
        return 0, 0
    size = pool.get_size()
    return size, size - pool.get_idle_size()


_QUEUE_SQL = "SELECT task_type, status, count(*) AS n FROM tasks GROUP BY task_type, status"
_WORKERS_SQL = """
SELECT worker_id, extract(epoch FROM now() - last_seen)::float8 AS age, busy, concurrency,
       llm_ok, smtp_ok, metrics
  FROM worker_status WHERE last_seen > now() - interval '1 day'
"""


class StateCollector(Collector):
    """Families filled from PostgreSQL just before a scrape renders them."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def collect(self):
        return list(self.families)

    async def refresh(self) -> None:
        conn = db()
        queue = await conn.execute_query_dict(_QUEUE_SQL)
        workers = await conn.execute_query_dict(_WORKERS_SQL)
        self.families = [_queue_family(queue), *_worker_families(workers)]


def _queue_family(rows: list[dict]) -> Metric:
    fam = GaugeMetricFamily("englog_queue_tasks", "Tasks in the queue by type and state.",
                            labels=["task_type", "state"])
    for r in rows:
        fam.add_metric([r["task_type"], r["status"]], r["n"])
    return fam


def _worker_families(rows: list[dict]) -> list[Metric]:
    age = GaugeMetricFamily("englog_worker_heartbeat_age_seconds",
                            "Seconds since each worker was last heard from.", labels=["worker"])
    busy = GaugeMetricFamily("englog_worker_busy_slots", "Tasks a worker is running.",
                             labels=["worker"])
    up = GaugeMetricFamily("englog_worker_dependency_up",
                           "Whether a worker reaches its LLM and SMTP server (1) or not (0).",
                           labels=["worker", "dependency"])
    tasks = CounterMetricFamily("englog_worker_tasks",
                                "Tasks a worker finished since it started, by outcome.",
                                labels=["worker", "task_type", "outcome"])
    seconds = CounterMetricFamily("englog_worker_task_seconds",
                                  "Seconds a worker spent on tasks since it started.",
                                  labels=["worker", "task_type"])
    tokens = CounterMetricFamily("englog_worker_llm_completion_tokens",
                                 "Tokens the worker's model generated since it started.",
                                 labels=["worker"])
    gen_seconds = CounterMetricFamily("englog_worker_llm_generation_seconds",
                                      "Seconds the worker's model spent generating.",
                                      labels=["worker"])
    rate = GaugeMetricFamily("englog_worker_llm_tokens_per_second",
                             "Generation speed of the worker's most recent model call.",
                             labels=["worker"])
    for r in rows:
        w = r["worker_id"]
        age.add_metric([w], r["age"])
        busy.add_metric([w], r["busy"])
        up.add_metric([w, "llm"], 1 if r["llm_ok"] else 0)
        up.add_metric([w, "smtp"], 1 if r["smtp_ok"] else 0)
        m = _as_dict(r.get("metrics"))
        for t in m.get("tasks", []):
            tt = str(t.get("task_type", ""))
            tasks.add_metric([w, tt, "completed"], float(t.get("completed", 0)))
            tasks.add_metric([w, tt, "failed"], float(t.get("failed", 0)))
            seconds.add_metric([w, tt], float(t.get("seconds_total", 0.0)))
        tokens.add_metric([w], float(m.get("llm_completion_tokens_total", 0)))
        gen_seconds.add_metric([w], float(m.get("llm_generation_seconds_total", 0.0)))
        rate.add_metric([w], float(m.get("llm_tokens_per_second", 0.0)))
    return [age, busy, up, tasks, seconds, tokens, gen_seconds, rate]


def _as_dict(raw: Any) -> dict:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str | bytes) and raw:
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}


STATE = StateCollector()
REGISTRY.register(STATE)


async def render() -> bytes:
    """The exposition text, after refreshing what is read from PostgreSQL."""
    size, in_use = db_pool_stats()
    DB_POOL_SIZE.set(size)
    DB_POOL_IN_USE.set(in_use)
    try:
        await STATE.refresh()
    except Exception as exc:  # the scrape still shows request figures when the DB is away
        log.warning("metrics: could not read queue/worker state: %r", exc)
        STATE.families = []
    return generate_latest(REGISTRY)
