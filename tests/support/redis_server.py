"""A redis-server of a test's own, for outages and passwords the shared Redis must not see."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.support.servers import die_with_parent, free_port


class PrivateRedis:
    """A redis-server of our own that can go away and come back with its data (RDB file),
    so writes attempted while it is down are really lost, as in a real outage."""

    def __init__(self, directory: Path, password: str = "") -> None:
        self.port = free_port()
        self.dir = directory
        self.password = password
        self.proc: subprocess.Popen | None = None

    @property
    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, password=self.password or None)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.dir), "--dbfilename", "dump.rdb", "--save", "",
             "--appendonly", "no",
             *(["--requirepass", self.password] if self.password else [])],
            stdout=subprocess.DEVNULL, preexec_fn=die_with_parent)
        client = self.client
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def crash_keeping_data(self) -> None:
        self.client.save()
        self.proc.kill()
        self.proc.wait(5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
