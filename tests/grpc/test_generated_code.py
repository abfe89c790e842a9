"""CI guard: the committed englog.v1 code is what scripts/gen_proto.sh makes from tasks.proto."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_code_is_up_to_date(tmp_path: Path):
    work = tmp_path / "repo"
    (work / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "gen_proto.sh", work / "scripts" / "gen_proto.sh")
    shutil.copytree(ROOT / "proto", work / "proto",
                    ignore=shutil.ignore_patterns("*_pb2*.py*", "__pycache__"))
    subprocess.run(["bash", str(work / "scripts" / "gen_proto.sh")], check=True,
                   env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"})
    committed = sorted(p.name for p in (ROOT / "proto/englog/v1").glob("*_pb2*.py*"))
    generated = sorted(p.name for p in (work / "proto/englog/v1").glob("*_pb2*.py*"))
    assert generated == committed
    for name in committed:
        assert (work / "proto/englog/v1" / name).read_text() == \
            (ROOT / "proto/englog/v1" / name).read_text(), f"{name} is stale: run gen_proto.sh"
