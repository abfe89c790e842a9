"""process_analytics: the worker's plain aggregates over the entries a task carries."""

from englog.v1 import tasks_pb2 as pb

from worker.analytics import process_analytics


def _entry(start: str, minutes: int, kind: str, project: str = "") -> pb.LogEntry:
    return pb.LogEntry(
        start_time=start, duration_minutes=minutes, type=kind, project=project
    )


def test_totals_by_type_project_and_day() -> None:
    req = pb.ProcessAnalyticsRequest(
        period_start="2026-11-02",
        period_end="2026-11-08",
        entries=[
            _entry("2026-11-02T09:00:00+00:00", 90, "code", "auth"),
            _entry("2026-11-02T13:00:00+00:00", 30, "meeting"),
            _entry("2026-11-04T10:00:00+00:00", 60, "code", "billing"),
            _entry("not a time", 15, "review", "auth"),  # counted, but has no day
        ],
    )
    out = process_analytics(req)
    assert out.entries == 4
    assert out.total_minutes == 195  # 90 + 30 + 60 + 15
    assert out.active_days == 2

    def pairs(buckets):
        return [(b.name, b.minutes) for b in buckets]

    assert pairs(out.by_type) == [("code", 150), ("meeting", 30), ("review", 15)]
    assert pairs(out.by_project) == [("auth", 105), ("billing", 60), ("No project", 30)]
    assert pairs(out.by_day) == [("2026-11-02", 120), ("2026-11-04", 60)]
    assert (out.period_start, out.period_end) == ("2026-11-02", "2026-11-08")


def test_empty_request_is_all_zero() -> None:
    out = process_analytics(pb.ProcessAnalyticsRequest())
    assert out.entries == 0 and out.total_minutes == 0 and list(out.by_type) == []
