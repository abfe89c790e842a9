"""The embedded backend: real SmolLM2 through llama.cpp."""

from __future__ import annotations

import asyncio
import json

from worker.config import WorkerSettings
from worker.llm import make_backend
from worker.reports import jobs
from worker.reports.figures import allowed_figures, check_text


async def test_generates_text_with_token_counts(embedded):
    out = await embedded.generate([{"role": "user", "content": "Name a programming language."}],
                                  max_tokens=16, temperature=0.1)
    assert out.text
    assert 0 < out.completion_tokens <= 16 and out.prompt_tokens > 5
    assert out.model == "SmolLM2-135M-Instruct.Q4_1" and out.elapsed_ms >= 0
    assert embedded.context_window == 2048
    assert embedded.count_tokens("hello world") >= 2
    ok, detail = await embedded.health()
    assert ok and "SmolLM2" in detail


async def test_concurrent_calls_are_serialized_not_broken(embedded):
    outs = await asyncio.gather(*(embedded.generate(f"Say the word {w}.", max_tokens=8)
                                  for w in ("apple", "river")))
    assert all(o.completion_tokens > 0 for o in outs)


def test_embedded_is_the_default_without_ollama(monkeypatch):
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("ENGLOG_WORKER_OLLAMA_HOST", raising=False)
    assert make_backend(WorkerSettings()).name == "embedded"
    monkeypatch.setenv("OLLAMA_HOST", "http://10.0.0.5:11434")
    settings = WorkerSettings()
    assert settings.llm_backend == "ollama" and settings.ollama_host == "http://10.0.0.5:11434"


async def test_figure_check_on_real_model_output(embedded):
    """Ask the model to state figures that are not in the facts; the check removes them."""
    prompt = ("Write three sentences about a software team. The first says they fixed 4711 "
              "bugs. The second says tests took 93.7 hours. The third praises their teamwork.")
    out = await embedded.generate(prompt, max_tokens=80, temperature=0.0)
    allowed = allowed_figures({"totals": {"entries": 15, "hours": 22.5}})
    result = check_text(out.text, allowed)
    for sentence in result.text.splitlines():
        assert "4711" not in sentence and "93.7" not in sentence
    if "4711" in out.text or "93.7" in out.text:
        assert result.dropped  # the model did state them, and they were dropped


async def test_json_schema_constrains_the_answer_at_decode_time(embedded):
    """The enum allows only the references given; the answer is JSON of the schema's shape,
    whatever the model would rather say."""
    schema = jobs.schema(["E1", "E2"], must_cite=True)
    prompt = [{"role": "user", "content": "Tell me a joke about cats."}]  # no JSON asked for
    # 160 tokens hold the longest answer the schema allows (a 220-character sentence).
    out = await embedded.generate_json(prompt, schema, max_tokens=160, temperature=0.8)
    assert out.finish_reason == "stop", out.text
    answer = json.loads(out.text)
    assert set(answer) == {"entries", "sentence"}
    assert answer["entries"] and set(answer["entries"]) <= {"E1", "E2"}
    assert 12 <= len(answer["sentence"]) <= 220
