"""Report generation on this machine, with the embedded model.

1. A weekly report end to end, against raw llama.cpp (llama_cpp.Llama directly) replaying the
   same prompts for the same token counts. The ratio raw/pipeline is the share of the report's
   time that is model time (target >= 0.9: the pipeline adds little of its own).
2. An annual review over 1,250 synthetic entries: wall time, calls, tokens, stages.

Run: python -m bench.bench_report
"""

from __future__ import annotations

import asyncio
import time
from datetime import date

from tests.worker.synthetic import insight_request, random_entries, week_entries
from worker.config import WorkerSettings
from worker.llm.base import Completion, LLMBackend, as_messages
from worker.llm.embedded import EmbeddedBackend
from worker.reports import ReportOptions, generate_report


class Recording(LLMBackend):
    """Delegates to a backend and keeps each call's prompt and completion size."""

    def __init__(self, inner: LLMBackend):
        self.inner, self.name, self.model = inner, inner.name, inner.model
        self.calls: list[tuple[list[dict], int, float]] = []

    @property
    def context_window(self) -> int:
        return self.inner.context_window

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    async def health(self):
        return await self.inner.health()

    async def generate(self, prompt, max_tokens=128, temperature=0.2) -> Completion:
        out = await self.inner.generate(prompt, max_tokens, temperature)
        self.calls.append((as_messages(prompt), out.completion_tokens, temperature))
        return out


def raw_replay(settings: WorkerSettings, calls) -> tuple[float, int]:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=settings.model_path, n_ctx=settings.n_ctx,
                          n_threads=settings.n_threads, n_batch=512, verbose=False)
    tokens = 0
    started = time.perf_counter()
    for messages, n, temperature in calls:
        out = llm.create_chat_completion(messages=messages, max_tokens=max(n, 1),
                                         temperature=temperature, seed=settings.seed,
                                         repeat_penalty=1.1)
        tokens += out["usage"]["completion_tokens"]
    elapsed = time.perf_counter() - started
    llm.close()
    return elapsed, tokens


async def main() -> None:
    s = WorkerSettings()
    backend = Recording(EmbeddedBackend(s.model_path, s.n_ctx, s.n_threads, s.seed))
    await backend.inner.load()
    opts = ReportOptions(section_max_tokens=s.section_max_tokens,
                         summary_max_tokens=s.summary_max_tokens)
    print(f"model {backend.model}, n_ctx {s.n_ctx}, n_threads {s.n_threads}, "
          f"section/summary max_tokens {opts.section_max_tokens}/{opts.summary_max_tokens}")

    week = insight_request(week_entries(), date(2024, 3, 4), date(2024, 3, 10), "weekly")
    started = time.perf_counter()
    resp = await generate_report(week, backend, None, opts)
    pipeline_s = time.perf_counter() - started
    raw_s, raw_tokens = raw_replay(s, backend.calls)
    print(f"weekly report: {pipeline_s:.1f} s pipeline, {len(backend.calls)} calls, "
          f"{resp.prompt_tokens} prompt + {resp.completion_tokens} completion tokens, "
          f"{resp.dropped_sentences} sentences dropped")
    print(f"raw llama.cpp, same prompts: {raw_s:.1f} s for {raw_tokens} tokens")
    print(f"ratio raw/pipeline: {raw_s / pipeline_s:.2f} (target >= 0.9)")

    backend.calls.clear()
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    annual = insight_request(random_entries(start, 366, 1250), start, end, "annual")
    stages: list[str] = []
    started = time.perf_counter()
    resp = await generate_report(annual, backend, lambda p, st: stages.append(st), opts)
    annual_s = time.perf_counter() - started
    weeks = sum(st.startswith("summarizing week") for st in stages)
    months = sum(st.startswith("summarizing month") for st in stages)
    print(f"annual review, 1,250 entries: {annual_s:.1f} s, {len(backend.calls)} calls "
          f"({weeks} weeks, {months} months, year, 5 sections), {resp.prompt_tokens} prompt + "
          f"{resp.completion_tokens} completion tokens, {resp.dropped_sentences} dropped")


if __name__ == "__main__":
    asyncio.run(main())
