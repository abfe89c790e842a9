"""One small, constrained model job: a sentence about chosen entries, checked before it is kept.

A job names its subject (the entries, by short reference E1, E2 ...) and what to say about it.
The model answers JSON that a schema constrains while decoding: the `entries` it rests on can
only be references given in the prompt, and the sentence is a bounded string. The answer is
parsed and validated again here (a cut-off answer or a misbehaving server can still break
it), then checked against the entries and the facts. A dropped sentence is regenerated once
with a stricter prompt; if that fails too, the job's templated sentence, built from the facts
by code, takes its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from englog.v1 import tasks_pb2 as pb

from worker.llm.base import LLMBackend
from worker.reports.usage import Usage

SENTENCE_MAX_CHARS = 220
SYSTEM = ("You write one short sentence for a software engineer's work report. Use only what "
          "the work items and facts say. Answer in JSON.")
STRICT = (" Reuse the words of the work items; add no names, products, people or numbers "
          "that are not given.")

# (ok, reasons): the sentence checker's verdict on one sentence and the entries it cites.
CheckFn = Callable[[str, Sequence[pb.LogEntry]], tuple[bool, list[str]]]


@dataclass
class Job:
    section: str
    instruction: str                 # what to say, e.g. "why this entry mattered"
    entries: list[pb.LogEntry]       # the subject, chosen by code
    template: str                    # the plain sentence from the facts, used as last resort
    context: str = ""                # facts the sentence may use, as plain text
    must_cite: bool = True           # narrative claims about entries must cite one


@dataclass
class Claim:
    sentence: str
    entries: list[pb.LogEntry]
    outcome: str                     # "kept" | "regenerated" | "replaced"


@dataclass
class Tally:
    kept: int = 0
    regenerated: int = 0
    replaced: int = 0


@dataclass
class Tallies:
    by_section: dict[str, Tally] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def count(self, section: str, outcome: str) -> None:
        t = self.by_section.setdefault(section, Tally())
        setattr(t, outcome, getattr(t, outcome) + 1)

    def messages(self) -> list[pb.SectionCheck]:
        return [pb.SectionCheck(section=s, kept=t.kept, regenerated=t.regenerated,
                                replaced=t.replaced) for s, t in self.by_section.items()]


def refs(entries: Sequence[pb.LogEntry]) -> dict[str, pb.LogEntry]:
    return {f"E{i + 1}": e for i, e in enumerate(entries)}


def schema(ref_ids: Sequence[str], must_cite: bool) -> dict:
    """Only the references in the prompt are allowed as evidence (an enum); a job about the
    facts alone has none to give, so its list must stay empty."""
    if ref_ids:
        entries: dict = {"type": "array", "items": {"type": "string", "enum": list(ref_ids)},
                         "maxItems": len(ref_ids)}
        if must_cite:
            entries["minItems"] = 1
    else:
        entries = {"type": "array", "items": {"type": "string"}, "maxItems": 0}
    return {
        "type": "object",
        "properties": {
            "entries": entries,
            "sentence": {"type": "string", "minLength": 12, "maxLength": SENTENCE_MAX_CHARS},
        },
        "required": ["entries", "sentence"],
        "additionalProperties": False,
    }


def describe(ref: str, e: pb.LogEntry) -> str:
    lines = [f"Work item {ref}: {e.title.strip()}"]
    if e.description.strip():
        lines.append(f"Details: {' '.join(e.description.split())[:300]}")
    if e.tags:
        lines.append(f"Tags: {', '.join(e.tags)}")
    kind = [e.type, f"project {e.project}" if e.project else "",
            f"{e.value_rating} value" if e.value_rating else "",
            f"{e.impact_level} impact" if e.impact_level else ""]
    lines.append("Kind: " + ", ".join(k for k in kind if k))
    return "\n".join(lines)


def messages(job: Job, strict: bool) -> list[dict]:
    given = refs(job.entries)
    parts = [describe(r, e) for r, e in given.items()]
    if job.context:
        parts.append(f"Facts: {job.context}")
    example = json.dumps({"entries": list(given)[:1], "sentence": "..."})
    parts.append(f"Write one sentence on {job.instruction}. Answer as JSON: {example}")
    return [{"role": "system", "content": SYSTEM + (STRICT if strict else "")},
            {"role": "user", "content": "\n\n".join(parts)}]


_SPACE = re.compile(r"\s+")
# Not report prose: first person (the report speaks to "you"), echoed prompt parts
# ("work item", "E2"), template braces.
_OFF_STYLE = re.compile(r"\b(?:I|me|my|mine|we|our|us|work items?|E\d+)\b|[{}<>|]",
                        re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)")


def parse(text: str, given: dict[str, pb.LogEntry],
          must_cite: bool) -> tuple[str, list[pb.LogEntry]] | None:
    """The answer's sentence and cited entries, or None when it does not fit the schema."""
    try:
        answer = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None
    if not isinstance(answer, dict) or set(answer) - {"entries", "sentence"}:
        return None
    sentence, cited = answer.get("sentence"), answer.get("entries")
    if not isinstance(sentence, str) or not isinstance(cited, list):
        return None
    if any(not isinstance(r, str) or r not in given for r in cited):
        return None  # evidence the prompt never offered
    if must_cite and given and not cited:
        return None
    sentence = _SPACE.sub(" ", sentence).strip().strip('"').strip()
    first = _FIRST_SENTENCE.match(sentence)
    sentence = first.group(1) if first else sentence
    if len(sentence) < 12 or not sentence[0].isalpha() or _OFF_STYLE.search(sentence):
        return None
    if sentence[-1] not in ".!?":
        sentence += "."
    sentence = sentence[0].upper() + sentence[1:]
    return sentence, [given[r] for r in dict.fromkeys(cited)]


class JobRunner:
    def __init__(self, backend: LLMBackend, check: CheckFn, usage: Usage, tallies: Tallies,
                 max_tokens: int = 80, temperature: float = 0.2):
        self.backend, self.check, self.usage = backend, check, usage
        self.tallies, self.max_tokens, self.temperature = tallies, max_tokens, temperature

    async def run(self, job: Job) -> Claim:
        given = refs(job.entries)
        spec = schema(list(given), job.must_cite)
        for attempt, outcome in ((0, "kept"), (1, "regenerated")):
            c = await self.backend.generate_json(messages(job, strict=attempt > 0), spec,
                                                 self.max_tokens, self.temperature)
            self.usage.add(c)
            parsed = parse(c.text, given, job.must_cite)
            if parsed is None:
                self.tallies.dropped.append(f"[not the schema] {c.text[:200]}")
                continue
            sentence, cited = parsed
            ok, reasons = self.check(sentence, cited or job.entries)
            if ok:
                self.tallies.count(job.section, outcome)
                return Claim(sentence, cited or list(job.entries), outcome)
            self.tallies.dropped.append(f"{sentence} ({'; '.join(reasons)})")
        self.tallies.count(job.section, "replaced")
        return Claim(job.template, list(job.entries) if job.must_cite else [], "replaced")
