"""Report generation on this machine, with the embedded model.

1. A weekly report end to end (the issue's fixture week), against raw llama.cpp
   (llama_cpp.Llama directly, its own instance) replaying exactly the pipeline's model calls:
   the same messages, the same JSON-schema constraint (the same GBNF, enforced by the same
   grammar logits processor the embedded backend uses: llama-cpp-python's own `grammar=`
   path checks the whole vocabulary every step and is ~7x slower, which would flatter the
   pipeline), the same max_tokens (after the same context clamp), temperature, seed,
   repeat penalty and stop (the chat template's end of turn). Same seed and prompt -> the
   same tokens, which the replay checks and prints. Runs are interleaved and the order
   alternates (pipeline first, then raw first, ...) so a swing in machine load hits both.
   The ratio raw/pipeline is the share of the report's time that is model time (target
   >= 0.9: selection, parsing, checking and rendering add little of their own).
2. The faithfulness rates over the fixture weeks (tests/fixtures/report_weeks): invented
   figures and unsupported sentences found by re-checking the final Markdown, and the
   generated sentences kept, regenerated and replaced.
3. With --annual: an annual review over 1,250 synthetic entries sent as entries (no stored
   digests): wall time, model calls, tokens. (The digest-aware annual benchmark, cold and
   warm through the API, is bench/bench_report_annual.py.)

Run: python -m bench.bench_report [--runs 2] [--weeks all|none|NAME,NAME] [--annual]
     [--sample PATH]   (writes the issue week's report Markdown there)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.support.faithfulness import measure, table, weekly_request
from tests.support.report_weeks import load_weeks
from tests.worker.synthetic import insight_request, random_entries
from worker.config import WorkerSettings
from worker.llm.base import Completion, LLMBackend, as_messages
from worker.llm.embedded import EmbeddedBackend, _gbnf
from worker.llm.grammar import GrammarProcessor
from worker.reports import ReportOptions, generate_report


@dataclass
class Call:
    """One model call as the pipeline made it, enough to replay it exactly."""

    messages: list[dict]
    schema: dict | None
    max_tokens: int          # after the backend's context clamp
    temperature: float
    text: str
    completion_tokens: int
    model_s: float           # the backend's own time for the call (lock held, llama.cpp)


class Recording(LLMBackend):
    """Delegates to the embedded backend and keeps each call for the raw replay."""

    def __init__(self, inner: EmbeddedBackend):
        self.inner, self.name, self.model = inner, inner.name, inner.model
        self.calls: list[Call] = []

    @property
    def context_window(self) -> int:
        return self.inner.context_window

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    async def health(self):
        return await self.inner.health()

    def _clamped(self, prompt, max_tokens: int) -> int:
        # EmbeddedBackend._run's clamp: never more than the window leaves.
        room = self.inner.n_ctx - self.inner.count_message_tokens(as_messages(prompt))
        return min(max_tokens, room)

    async def generate(self, prompt, max_tokens=128, temperature=0.2) -> Completion:
        out = await self.inner.generate(prompt, max_tokens, temperature)
        self.calls.append(Call(as_messages(prompt), None, self._clamped(prompt, max_tokens),
                               temperature, out.text, out.completion_tokens,
                               out.elapsed_ms / 1000))
        return out

    async def generate_json(self, prompt, schema, max_tokens=128, temperature=0.2) -> Completion:
        out = await self.inner.generate_json(prompt, schema, max_tokens, temperature)
        self.calls.append(Call(as_messages(prompt), schema, self._clamped(prompt, max_tokens),
                               temperature, out.text, out.completion_tokens,
                               out.elapsed_ms / 1000))
        return out


def load_raw(settings: WorkerSettings):
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as the worker does
    import llama_cpp

    return llama_cpp.Llama(model_path=settings.model_path, n_ctx=settings.n_ctx,
                           n_threads=settings.n_threads, n_batch=512, verbose=False)


@dataclass
class Replay:
    seconds: float
    tokens: int
    same_text: int       # calls whose answer is the pipeline's, character for character


def raw_replay(llm, settings: WorkerSettings, calls: list[Call]) -> Replay:
    import llama_cpp

    tokens = same = 0
    started = time.perf_counter()
    for c in calls:
        constrain = (GrammarProcessor(llm, _gbnf(json.dumps(c.schema, sort_keys=True)))
                     if c.schema is not None else None)
        try:
            out = llm.create_chat_completion(
                messages=c.messages, max_tokens=c.max_tokens, temperature=c.temperature,
                seed=settings.seed, repeat_penalty=1.1,
                logits_processor=llama_cpp.LogitsProcessorList([constrain])
                if constrain else None)
        finally:
            if constrain:
                constrain.close()
        tokens += out["usage"]["completion_tokens"]
        same += (out["choices"][0]["message"].get("content") or "").strip() == c.text
    return Replay(time.perf_counter() - started, tokens, same)


async def weekly_vs_raw(backend: Recording, settings: WorkerSettings, opts: ReportOptions,
                        runs: int, sample: str = "") -> None:
    [week] = [w for w in load_weeks() if w.name == "issue_week"]
    req = weekly_request(week)
    raw_llm = load_raw(settings)
    pipeline_s, raw_s, ratios, inside = [], [], [], []
    resp = None
    calls: list[Call] = []

    async def pipeline_run():
        nonlocal resp, calls
        backend.calls.clear()
        started = time.perf_counter()
        resp = await generate_report(req, backend, None, opts)
        pipeline_s.append(time.perf_counter() - started)
        calls = list(backend.calls)
        # Within one run, unaffected by load swings between runs: the share of the
        # pipeline's wall time spent inside model calls.
        inside.append(sum(c.model_s for c in calls) / pipeline_s[-1])

    # Warm-up: the first run fills the GBNF cache and the pipeline's lazy imports; it also
    # records the calls the first raw replay needs when raw goes first.
    await pipeline_run()
    pipeline_s.clear()
    inside.clear()
    for i in range(runs):
        # Interleaved, order alternating: a change in machine load hits both alike.
        if i % 2 == 0:
            await pipeline_run()
            replay = await asyncio.to_thread(raw_replay, raw_llm, settings, calls)
        else:
            replay = await asyncio.to_thread(raw_replay, raw_llm, settings, calls)
            await pipeline_run()
        raw_s.append(replay.seconds)
        ratios.append(replay.seconds / pipeline_s[-1])
        assert resp is not None
        print(f"  run {i + 1} ({'pipeline first' if i % 2 == 0 else 'raw first'}): pipeline "
              f"{pipeline_s[-1]:.1f} s ({len(calls)} calls, {resp.completion_tokens} tokens), "
              f"raw {replay.seconds:.1f} s ({replay.tokens} tokens, {replay.same_text}/"
              f"{len(calls)} answers identical) -> ratio {ratios[-1]:.2f}; model time "
              f"{inside[-1]:.0%} of the pipeline run, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    raw_llm.close()
    p, r = statistics.median(pipeline_s), statistics.median(raw_s)
    print(f"weekly report (issue week, 7 entries): median {p:.1f} s pipeline vs {r:.1f} s raw "
          f"llama.cpp replaying the same constrained calls -> ratio raw/pipeline "
          f"{r / p:.2f} (median per-run ratio {statistics.median(ratios):.2f}; target >= 0.9); "
          f"inside a pipeline run, model calls take {statistics.median(inside):.2f} of the "
          f"wall time")
    assert resp is not None
    checks = ", ".join(f"{s.section}: {s.kept}/{s.regenerated}/{s.replaced}"
                       for s in resp.sentence_checks)
    print(f"  kept/regenerated/replaced per section: {checks}")
    if sample:
        await asyncio.to_thread(Path(sample).write_text, resp.content_markdown, "utf-8")
        print(f"  sample report written to {sample}")


async def faithfulness(backend: LLMBackend, opts: ReportOptions, names: list[str] | None):
    results = []
    for week in load_weeks():
        if names and week.name not in names:
            continue
        started = time.perf_counter()
        resp = await generate_report(weekly_request(week), backend, None, opts)
        result = measure(week, resp)
        result.seconds = time.perf_counter() - started
        results.append(result)
        print(f"  {week.name}: {result.seconds:.0f} s", flush=True)
    print("faithfulness over the fixture weeks (final Markdown re-checked):")
    print(table(results))


async def annual(backend: Recording, opts: ReportOptions) -> None:
    backend.calls.clear()
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    req = insight_request(random_entries(start, 366, 1250), start, end, "annual")
    started = time.perf_counter()
    resp = await generate_report(req, backend, None, opts)
    print(f"annual review, 1,250 entries, no digests: {time.perf_counter() - started:.1f} s, "
          f"{resp.model_calls} model calls, {resp.prompt_tokens} prompt + "
          f"{resp.completion_tokens} completion tokens, {len(resp.new_digests)} digests built")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--weeks", default="all")
    ap.add_argument("--annual", action="store_true")
    ap.add_argument("--sample", default="")
    args = ap.parse_args()
    s = WorkerSettings()
    backend = Recording(EmbeddedBackend(s.model_path, s.n_ctx, s.n_threads, s.seed))
    await backend.inner.load()
    opts = ReportOptions(claim_max_tokens=s.claim_max_tokens, temperature=s.temperature)
    print(f"model {backend.model}, n_ctx {s.n_ctx}, n_threads {s.n_threads}, "
          f"claim max_tokens {opts.claim_max_tokens}, load {os.getloadavg()[0]:.1f}")
    await weekly_vs_raw(backend, s, opts, args.runs, args.sample)
    if args.weeks != "none":
        names = None if args.weeks == "all" else args.weeks.split(",")
        await faithfulness(backend, opts, names)
    if args.annual:
        await annual(backend, opts)


if __name__ == "__main__":
    asyncio.run(main())
