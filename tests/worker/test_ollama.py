"""OllamaBackend through the official client against a stand-in speaking Ollama's HTTP API."""

from __future__ import annotations

import json

import httpx
import ollama
import pytest
from englog.v1 import tasks_pb2 as pb

from tests.support.faithfulness import narrative, weekly_request
from tests.support.report_weeks import load_weeks
from tests.support.servers import free_port
from worker.config import WorkerSettings
from worker.llm import RetryableLLMError, make_backend
from worker.llm.base import LLMError
from worker.llm.ollama_backend import OllamaBackend
from worker.reports import generate_report, jobs
from worker.reports.citations import cite, ref_of
from worker.reports.sections import entry_template

MESSAGES = [{"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Name one benefit of code review."}]


async def test_backend_generates_over_the_ollama_protocol(ollama_standin):
    backend = OllamaBackend(ollama_standin.url, "smollm2:135m", timeout_s=120, num_ctx=2048)
    before = len(ollama_standin.requests)
    out = await backend.generate(MESSAGES, max_tokens=24, temperature=0.1)
    await backend.close()

    assert out.text and out.completion_tokens > 0 and out.prompt_tokens > 10
    assert out.completion_tokens <= 24 and out.model == "smollm2:135m"
    [req] = [r for r in ollama_standin.requests[before:] if r["path"] == "/api/chat"]
    body = req["body"]
    assert body["model"] == "smollm2:135m"
    assert body["messages"] == MESSAGES
    assert body["stream"] is True  # the backend streams so long generations keep the line busy
    assert body["options"]["num_predict"] == 24
    assert body["options"]["temperature"] == 0.1 and body["options"]["num_ctx"] == 2048


async def test_health_reads_tags_and_show(ollama_standin):
    backend = OllamaBackend(ollama_standin.url, "smollm2:135m", num_ctx=4096)
    ok, detail = await backend.health()
    assert ok, detail
    assert backend.context_window == 4096  # SmolLM2 is trained on 8192; we ask for 4096
    missing = OllamaBackend(ollama_standin.url, "llama3.2:3b")
    ok, detail = await missing.health()
    assert not ok and "no model llama3.2:3b" in detail
    await backend.close()
    await missing.close()


async def test_official_client_streaming_and_single_object_modes(ollama_standin):
    client = ollama.AsyncClient(host=ollama_standin.url, timeout=120)
    parts = [p async for p in await client.generate(
        model="smollm2:135m", prompt="Say hello.", stream=True,
        options={"num_predict": 8, "temperature": 0})]
    assert len(parts) >= 2 and parts[-1].done and not any(p.done for p in parts[:-1])
    assert parts[-1].eval_count >= 1 and parts[-1].done_reason in ("stop", "length")
    whole = await client.generate(model="smollm2:135m", prompt="Say hello.", stream=False,
                                  options={"num_predict": 8, "temperature": 0})
    assert whole.done and whole.response == "".join(p.response for p in parts)
    async with httpx.AsyncClient(base_url=ollama_standin.url, timeout=120) as http:
        assert (await http.get("/api/version")).json()["version"]
        # NDJSON on the wire, as Ollama sends it.
        async with http.stream("POST", "/api/chat", json={
                "model": "smollm2:135m", "messages": MESSAGES,
                "options": {"num_predict": 4}}) as r:
            assert r.headers["content-type"] == "application/x-ndjson"
            lines = [json.loads(line) async for line in r.aiter_lines() if line]
    assert lines[-1]["done"] is True and "prompt_eval_count" in lines[-1]


async def test_unknown_model_is_not_retryable(ollama_standin):
    backend = OllamaBackend(ollama_standin.url, "nope:1b")
    with pytest.raises(LLMError) as err:
        await backend.generate("hi", max_tokens=4)
    assert not isinstance(err.value, RetryableLLMError) and "404" in str(err.value)


async def test_refused_connection_raises_the_retryable_error():
    backend = make_backend(WorkerSettings(ollama_host=f"http://127.0.0.1:{free_port()}",
                                          ollama_model="smollm2:135m", llm_timeout_s=5))
    assert backend.name == "ollama"
    with pytest.raises(RetryableLLMError):
        await backend.generate("hi", max_tokens=4)
    ok, detail = await backend.health()
    assert not ok and "unreachable" in detail


# --- the report pipeline over Ollama: the same schema, the same checks ------------------------

SCHEMA = jobs.schema(["E1", "E2"], must_cite=True)


async def test_schema_crosses_the_wire_in_format_and_constrains_the_answer(ollama_standin):
    backend = OllamaBackend(ollama_standin.url, "smollm2:135m", timeout_s=300, num_ctx=2048)
    before = len(ollama_standin.requests)
    out = await backend.generate_json(MESSAGES, SCHEMA, max_tokens=72, temperature=0.2)
    await backend.close()

    [req] = [r for r in ollama_standin.requests[before:] if r["path"] == "/api/chat"]
    assert req["body"]["format"] == SCHEMA  # Ollama's structured outputs: the schema itself
    answer = json.loads(out.text)  # constrained decoding: valid JSON of the schema's shape
    assert set(answer) == {"entries", "sentence"}
    assert 1 <= len(answer["entries"]) <= 2 and set(answer["entries"]) <= {"E1", "E2"}


def _one_entry_request() -> pb.GenerateInsightRequest:
    [week] = [w for w in load_weeks() if w.name == "one_entry"]
    return weekly_request(week)


async def test_report_over_ollama_rejects_answers_that_break_the_schema(ollama_standin):
    req = _one_entry_request()
    [entry] = req.entries
    # A server that ignores `format`: evidence the prompt never offered, then no JSON at all.
    ollama_standin.scripted[:] = [
        '{"entries": ["E7"], "sentence": "You built an AI chatbot for customer service."}',
        "You built an AI chatbot for customer service.",
    ]
    backend = OllamaBackend(ollama_standin.url, "smollm2:135m", timeout_s=300, num_ctx=2048)
    before = len(ollama_standin.requests)
    resp = await generate_report(req, backend)
    await backend.close()

    chats = [r["body"] for r in ollama_standin.requests[before:] if r["path"] == "/api/chat"]
    assert len(chats) == resp.model_calls >= 4
    for body in chats:  # every job sent its schema, allowing only the refs in its prompt
        allowed = body["format"]["properties"]["entries"].get("items", {}).get("enum", [])
        prompt = body["messages"][-1]["content"]
        assert all(f"Work item {ref}:" in prompt for ref in allowed)
        assert "Work item E2:" not in prompt or "E2" in allowed
    md = resp.content_markdown
    assert "chatbot" not in md and "customer" not in md  # never kept
    sections = narrative(md)
    # The accomplishment fell back to the templated sentence, with its citation.
    assert sections["Key Accomplishments"] == f"- {entry_template(entry)} {cite([ref_of(entry)])}"
    checks = {s.section: s for s in resp.sentence_checks}
    assert checks["Key Accomplishments"].replaced == 1
    assert checks["Key Accomplishments"].kept == checks["Key Accomplishments"].regenerated == 0
    assert resp.dropped_sentences >= 2 and resp.backend == "ollama"
    assert ollama_standin.scripted == []
