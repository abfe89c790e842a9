"""Start/stop the grpc.aio server (TaskQueue + grpc.health.v1) inside the API process."""

from __future__ import annotations

import logging

import grpc
from englog.v1 import tasks_pb2_grpc as pb_grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from backend.grpc_server.servicer import TaskQueueServicer
from backend.grpc_server.tls import server_credentials, tls_configured
from backend.queue.notify import TaskNotifier
from backend.queue.settings import QueueSettings

log = logging.getLogger("englog.grpc")

SERVICE_NAME = "englog.v1.TaskQueue"


class GrpcServer:
    def __init__(self, server: grpc.aio.Server, health_servicer, port: int):
        self.server = server
        self.health = health_servicer
        self.port = port

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


async def start_grpc_server(settings, notifier: TaskNotifier | None,
                            queue_settings: QueueSettings, cache=None) -> GrpcServer | None:
    if not tls_configured(settings):
        log.info("gRPC server disabled: set ENGLOG_GRPC_CA_CERT, ENGLOG_GRPC_SERVER_CERT and "
                 "ENGLOG_GRPC_SERVER_KEY to let workers connect")
        return None
    server = grpc.aio.server(options=[
        # Several Sanic workers share the port only when asked to; otherwise a stale process
        # on the same port must be an error, not a silent load balancer.
        ("grpc.so_reuseport", 1 if settings.workers > 1 else 0),
        # Workers idle in long polls; let their keepalive pings through.
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ])
    servicer = TaskQueueServicer(notifier, queue_settings, cache)
    pb_grpc.add_TaskQueueServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    creds = server_credentials(settings.grpc_ca_cert, settings.grpc_server_cert,
                               settings.grpc_server_key)
    port = server.add_secure_port(f"{settings.grpc_host}:{settings.grpc_port}", creds)
    await server.start()
    serving = health_pb2.HealthCheckResponse.SERVING
    await health_servicer.set("", serving)
    await health_servicer.set(SERVICE_NAME, serving)
    log.info("gRPC server (mutual TLS) listening on %s:%d", settings.grpc_host, port)
    return GrpcServer(server, health_servicer, port)
