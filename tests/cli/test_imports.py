"""The shell verbs must not load Textual: `englog status` runs in prompts and status bars."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.conftest import Shell

PROBE = """
import json, sys
from tui.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "backend"))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def probe(shell: Shell, *args: str) -> dict:
    env = {"XDG_CONFIG_HOME": str(shell.home), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                       env=env, timeout=60)
    return json.loads(r.stderr.strip().splitlines()[-1])


def test_status_does_not_import_textual(shell: Shell):
    assert shell.run("start", "Probe").returncode == 0
    out = probe(shell, "status")
    assert out == {"code": 0, "heavy": []}


def test_the_other_verbs_do_not_either(shell: Shell):
    for args in (["add", "5m admin probe"], ["log"], ["start", "probe"], ["stop"],
                 ["--help"]):
        out = probe(shell, *args)
        assert out["heavy"] == [], (args, out)
        assert out["code"] == 0, (args, out)
