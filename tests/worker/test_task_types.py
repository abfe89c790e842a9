"""The task types are listed once, as the payload oneof of englog.v1.Task."""

from __future__ import annotations

import pytest
from englog.v1 import tasks_pb2 as pb
from englog.v1.task_types import PAYLOADS, TASK_TYPES
from pydantic import ValidationError

from backend.grpc_server import convert
from worker.config import WorkerSettings
from worker.tasks import HANDLERS


def test_task_types_are_the_payload_oneof():
    assert TASK_TYPES == ("generate_insight", "send_email", "process_analytics")
    for name, cls in PAYLOADS.items():
        assert pb.Task.DESCRIPTOR.fields_by_name[name].message_type is cls.DESCRIPTOR
    # The worker's default claim list and the gRPC conversion read the same table.
    assert convert.PAYLOADS is PAYLOADS
    assert WorkerSettings().task_types == list(TASK_TYPES)
    assert set(HANDLERS) == set(TASK_TYPES)  # every task type has a worker handler


def test_worker_refuses_an_unknown_task_type_in_its_settings(monkeypatch):
    monkeypatch.setenv("ENGLOG_WORKER_TASK_TYPES", '["send_emails"]')
    with pytest.raises(ValidationError, match="send_emails"):
        WorkerSettings()
