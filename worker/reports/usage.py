"""Shared bookkeeping for one report: token usage, progress and output cleanup."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from worker.llm.base import Completion

ProgressFn = Callable[[int, str], Awaitable[None] | None]


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    model: str = ""
    stages: list[str] = field(default_factory=list)

    def add(self, c: Completion) -> None:
        self.prompt_tokens += c.prompt_tokens
        self.completion_tokens += c.completion_tokens
        self.calls += 1
        self.model = c.model or self.model


class Progress:
    """Maps work done within a stage onto a slice [lo, hi] of the overall percentage."""

    def __init__(self, fn: ProgressFn | None):
        self.fn = fn
        self.last = -1

    async def __call__(self, percent: float, stage: str) -> None:
        pct = max(self.last, min(100, int(percent)))
        self.last = pct
        if self.fn is None:
            return
        result = self.fn(pct, stage)
        if inspect.isawaitable(result):
            await result

    async def step(self, lo: float, hi: float, done: int, total: int, stage: str) -> None:
        await self(lo + (hi - lo) * done / max(total, 1), stage)


_HEADING = re.compile(r"^\s*#{1,6}\s")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
_BOLD_TITLE = re.compile(r"^\s*\**\s*([A-Z][\w &/-]{2,40}?)\s*\**\s*:\s*\**\s*$")


def clean(text: str, title: str = "", truncated: bool = False) -> str:
    """Remove what small models add around the answer: headings, echoed titles, a cut tail."""
    lines = []
    for line in text.replace("\r", "").splitlines():
        bare = line.strip()
        if (_HEADING.match(line) or _BOLD_TITLE.match(line) or not re.search("[A-Za-z]", bare)
                or bare.lower().startswith(("task:", "facts:", "work log:"))
                or (bare.endswith(":") and not _BULLET.match(line))):
            # Headings, echoed prompt parts, stray list numbers and "Here is the section:"
            # preambles carry no content of their own.
            continue
        if title and line.strip().strip("*").lower().startswith(title.lower()):
            line = line.strip().strip("*")[len(title):].lstrip(" :*-")
        lines.append(line.rstrip())
    out = _dedupe("\n".join(lines)).strip()
    if truncated and out and out[-1] not in ".!?":
        # The token budget ended mid-sentence: keep only complete sentences.
        cut = max(out.rfind(". "), out.rfind(".\n"), out.rfind("! "), out.rfind("? "))
        out = out[: cut + 1] if cut > 0 else out
    return out


def _dedupe(text: str) -> str:
    """Drop repeated sentences: tiny models loop, and a repeat says nothing new."""
    seen: set[str] = set()
    out = []
    for line in text.splitlines():
        kept = []
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            key = re.sub(r"\W+", " ", sentence).strip().lower()
            if key and key in seen:
                continue
            seen.add(key)
            kept.append(sentence)
        joined = " ".join(kept)
        if joined.strip() or not line.strip():
            out.append(joined)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))
