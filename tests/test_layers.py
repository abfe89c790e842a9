"""The architecture's import rules, checked by import-linter (contracts in pyproject.toml):
backend, worker and tui are independent (each may import englog.v1); inside backend, the
app wiring sits on top of the domains, the domains on the queue and the shared
infrastructure, and all of it on backend.db; inside each domain, routes -> service ->
queries -> schemas. docs/ARCHITECTURE_MAP.md names the layers."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_import_contracts_hold() -> None:
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 3 kept, 0 broken" in r.stdout, r.stdout


def _copy_tree(dst: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", dst)
    for pkg in ("backend", "tui", "worker"):
        shutil.copytree(ROOT / pkg, dst / pkg, ignore=shutil.ignore_patterns("__pycache__"))


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + "\n" + line + "\n")


def test_the_contracts_catch_a_lower_layer_importing_a_higher_one(tmp_path: Path) -> None:
    """The same contracts on a copy of the tree with three violations planted: the database
    layer importing a domain, a domain's service importing its routes, and the worker
    importing backend code. Each contract must report its own."""
    _copy_tree(tmp_path)
    _append(tmp_path / "backend/db/models.py", "import backend.logs.service  # noqa")
    _append(tmp_path / "backend/projects/service.py", "import backend.projects.routes  # noqa")
    _append(tmp_path / "worker/config.py", "import backend.config  # noqa")
    r = _lint(tmp_path)
    assert r.returncode != 0, r.stdout
    assert "Contracts: 0 kept, 3 broken" in r.stdout, r.stdout
    assert "backend.db.models -> backend.logs.service" in r.stdout, r.stdout
    assert "backend.projects.service -> backend.projects.routes" in r.stdout, r.stdout
    assert "worker.config -> backend.config" in r.stdout, r.stdout
