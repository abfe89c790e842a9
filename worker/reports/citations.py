"""Citations a reader can follow: each narrative sentence ends with the entries it rests on,
as "[Entry title, YYYY-MM-DD]" (several joined by "; "). Plain bracketed text is not a link in
Markdown, so it renders as written in the TUI, the PDF and any Markdown viewer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from englog.v1 import tasks_pb2 as pb

CITATION_RE = re.compile(r"\s*\[((?:[^\[\]]+?, \d{4}-\d{2}-\d{2})(?:; [^\[\]]+?, "
                         r"\d{4}-\d{2}-\d{2})*)\]\s*$")
_REF_RE = re.compile(r"(.+?), (\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Ref:
    title: str
    date: str  # YYYY-MM-DD, the entry's local day


def _title(text: str) -> str:
    # Brackets and "; " would end the citation early; they are layout here, not content.
    clean = " ".join(text.replace("[", "(").replace("]", ")").replace("; ", ", ").split())
    return clean.rstrip(".") or "(untitled)"


def ref_of(e: pb.LogEntry) -> Ref:
    return Ref(_title(e.title), e.start_time[:10])


def cite(refs: Sequence[Ref]) -> str:
    return "[" + "; ".join(f"{r.title}, {r.date}" for r in refs) + "]" if refs else ""


def with_citation(sentence: str, refs: Sequence[Ref]) -> str:
    marker = cite(refs)
    return f"{sentence} {marker}" if marker else sentence


def split_citation(line: str) -> tuple[str, list[Ref]]:
    """A narrative line -> (sentence without its citation, the refs it cites)."""
    m = CITATION_RE.search(line)
    if not m:
        return line.strip(), []
    refs = []
    for part in m.group(1).split("; "):
        r = _REF_RE.match(part.strip())
        if r:
            refs.append(Ref(r.group(1), r.group(2)))
    return line[:m.start()].strip(), refs
