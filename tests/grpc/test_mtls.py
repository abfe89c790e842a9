"""Only clients presenting a certificate signed by the deployment's CA reach the queue."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.certs import channel, make_pki, write_self_signed_client


async def _check(ch: grpc.aio.Channel) -> pb.HealthCheckResponse:
    async with ch:
        return await pb_grpc.TaskQueueStub(ch).Check(pb.HealthCheckRequest(), timeout=10)


async def test_client_with_ca_signed_cert_is_served(grpc_api):
    reply = await _check(grpc_api.worker_channel("worker-1"))
    assert reply.healthy is True


async def test_client_without_certificate_is_refused(grpc_api):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check(channel(grpc_api.target, grpc_api.pki.ca))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_self_signed_client_cert_is_refused(grpc_api, tmp_path: Path):
    cert, key = write_self_signed_client(tmp_path, "intruder")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check(channel(grpc_api.target, grpc_api.pki.ca, cert, key))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_cert_from_another_ca_is_refused(grpc_api, tmp_path: Path):
    other = make_pki(tmp_path / "other", "worker-1")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check(channel(grpc_api.target, grpc_api.pki.ca, *other.client("worker-1")))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_worker_refuses_a_server_not_signed_by_its_ca(grpc_api, tmp_path: Path):
    other = make_pki(tmp_path / "other", "worker-1")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check(channel(grpc_api.target, other.ca, *other.client("worker-1")))
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_standard_grpc_health_service_answers_serving(grpc_api):
    async with grpc_api.worker_channel("worker-1") as ch:
        stub = health_pb2_grpc.HealthStub(ch)
        overall = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
        queue = await stub.Check(
            health_pb2.HealthCheckRequest(service="englog.v1.TaskQueue"), timeout=10)
    assert overall.status == health_pb2.HealthCheckResponse.SERVING
    assert queue.status == health_pb2.HealthCheckResponse.SERVING
