"""Build what deploy/Dockerfile builds, without a Docker engine: its own instructions, run in
order, into a clean directory, with a virtualenv standing in for the base image's Python.

    python -m deploy_tools.dockerless --out DIR [--build-arg EXTRAS=llm] [--dockerfile F]

- FROM python:X.Y-...: the running interpreter must be Python X.Y; it makes DIR/venv.
- WORKDIR, ENV, ARG, COPY: as Docker does them, with WORKDIR under DIR/root.
- RUN: through bash in the work dir, with the venv first on PATH, so `pip` is the image's pip.
  `apt-get` steps are not run (they need root inside an image); they are listed instead,
  and the tools they would install must already be on this machine.
- ENV PIP_NO_CACHE_DIR is dropped: it keeps image layers small, and here pip's cache is what
  makes a rebuild take a minute instead of compiling llama-cpp-python again.
- USER is noted, not switched to.

deploy/dry_run.sh builds the API and worker this way and runs them.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED_ENV = {"PIP_NO_CACHE_DIR"}


@dataclass
class Build:
    context: Path
    out: Path
    args: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def venv(self) -> Path:
        return self.out / "venv"

    def root_path(self, path: str) -> Path:
        p = Path(path)
        if not p.is_absolute():
            p = (self.workdir or Path("/")) / p
        return self.out / "root" / p.relative_to("/")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, argument text) with comments dropped and continuations joined."""
    out, buf = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        word, _, rest = buf.partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    return out


def _expand(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m[1] or m[2], ""), text)


def _from(b: Build, arg: str) -> None:
    m = re.match(r"python:(\d+)\.(\d+)", arg)
    if not m:
        raise SystemExit(f"dockerless: only python:X.Y base images are supported, not {arg}")
    want = (int(m[1]), int(m[2]))
    if sys.version_info[:2] != want:
        raise SystemExit(f"dockerless: the image uses Python {want[0]}.{want[1]}; run this "
                         f"with that interpreter, not {sys.version.split()[0]}")
    venv.EnvBuilder(with_pip=True, clear=True).create(b.venv)


def _env(b: Build, arg: str) -> None:
    for pair in shlex.split(arg):
        key, _, value = pair.partition("=")
        if key in SKIPPED_ENV:
            b.notes.append(f"ENV {key} not applied (pip's cache is wanted here)")
            continue
        b.env[key] = _expand(value, {**b.args, **b.env})


def _arg(b: Build, arg: str) -> None:
    key, _, default = arg.partition("=")
    b.args.setdefault(key, default.strip('"'))


def _copy(b: Build, arg: str) -> None:
    *sources, dest = shlex.split(arg)
    target = b.root_path(dest)
    into_dir = dest.endswith("/") or len(sources) > 1
    for src in sources:
        for m in (Path(p) for p in sorted(glob.glob(str(b.context / src)))):
            if m.is_dir():  # Docker copies a directory's contents, not the directory
                shutil.copytree(m, target, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif into_dir:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(m, target / m.name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(m, target)


def _run(b: Build, arg: str) -> None:
    if re.search(r"\bapt-get\b", arg):
        b.notes.append(f"RUN not run (system packages, needs root in an image): {arg[:90]}")
        return
    env = {**os.environ, **b.args, **b.env,
           "PATH": f"{b.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
           "VIRTUAL_ENV": str(b.venv)}
    for key in SKIPPED_ENV:
        env.pop(key, None)
    cwd = b.root_path(str(b.workdir or "/"))
    cwd.mkdir(parents=True, exist_ok=True)
    print(f"dockerless: RUN {arg}", flush=True)
    subprocess.run(["bash", "-euo", "pipefail", "-c", arg], cwd=cwd, env=env, check=True)


def _workdir(b: Build, arg: str) -> None:
    b.workdir = Path(_expand(arg, {**b.args, **b.env}))
    b.root_path(str(b.workdir)).mkdir(parents=True, exist_ok=True)


def _user(b: Build, arg: str) -> None:
    b.notes.append(f"USER {arg} not switched to (the image runs as {arg})")


STEPS = {"FROM": _from, "ENV": _env, "ARG": _arg, "COPY": _copy, "RUN": _run,
         "WORKDIR": _workdir, "USER": _user}


def build(dockerfile: Path, context: Path, out: Path, args: dict[str, str]) -> Build:
    b = Build(context=context.resolve(), out=out.resolve(), args=dict(args))
    if b.out.exists():
        shutil.rmtree(b.out)
    b.out.mkdir(parents=True)
    for word, arg in instructions(dockerfile.read_text()):
        step = STEPS.get(word)
        if step is None:
            raise SystemExit(f"dockerless: {word} is not supported")
        step(b, arg)
    for note in b.notes:
        print(f"dockerless: {note}")
    return b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dockerless", description=__doc__.split("\n")[0])
    parser.add_argument("--dockerfile", type=Path, default=Path("deploy/Dockerfile"))
    parser.add_argument("--context", type=Path, default=Path("."))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--build-arg", action="append", default=[], metavar="KEY=VALUE")
    a = parser.parse_args(argv)
    args = dict(x.split("=", 1) for x in a.build_arg)
    b = build(a.dockerfile, a.context, a.out, args)
    print(f"dockerless: built {b.venv} (sources in {b.root_path(str(b.workdir or '/'))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
