"""Ollama through the official client. Production deployments run the model here."""

from __future__ import annotations

import time

import httpx
import ollama

from worker.llm.base import (
    Completion,
    LLMBackend,
    LLMError,
    Prompt,
    RetryableLLMError,
    as_messages,
)

# Ollama has no tokenize endpoint; budget with a conservative chars-per-token estimate
# (real tokenizers average ~4 chars per token on English prose).
CHARS_PER_TOKEN = 3.2


def _translate(exc: Exception, host: str) -> LLMError:
    if isinstance(exc, ollama.ResponseError):
        code = exc.status_code
        # 5xx/429: the server is overloaded or restarting. -1: an error object mid-stream.
        if code >= 500 or code in (408, 429, -1):
            return RetryableLLMError(f"ollama {code}: {exc.error}")
        return LLMError(f"ollama {code}: {exc.error}")
    if isinstance(exc, ConnectionError | httpx.TransportError | TimeoutError):
        # The host is named: the user reads this message on the failed report.
        return RetryableLLMError(f"ollama at {host} unreachable: {type(exc).__name__}: {exc}")
    return LLMError(f"ollama: {type(exc).__name__}: {exc}")


class OllamaBackend(LLMBackend):
    name = "ollama"

    def __init__(self, host: str, model: str, timeout_s: float = 300.0, num_ctx: int = 4096,
                 seed: int | None = 42):
        self.host = host
        self.model = model
        self.num_ctx = num_ctx
        self.seed = seed
        self._model_ctx: int | None = None
        self.client = ollama.AsyncClient(host=host, timeout=timeout_s)

    @property
    def context_window(self) -> int:
        # We ask for num_ctx per request; a model trained on less cannot use more.
        return min(self.num_ctx, self._model_ctx or self.num_ctx)

    def count_tokens(self, text: str) -> int:
        return int(len(text) / CHARS_PER_TOKEN) + 1 if text else 0

    async def generate(self, prompt: Prompt, max_tokens: int = 128,
                       temperature: float = 0.2) -> Completion:
        return await self._chat(prompt, max_tokens, temperature, None)

    async def generate_json(self, prompt: Prompt, schema: dict, max_tokens: int = 128,
                            temperature: float = 0.2) -> Completion:
        # Ollama's structured outputs: `format` takes a JSON schema and constrains decoding.
        return await self._chat(prompt, max_tokens, temperature, schema)

    async def _chat(self, prompt: Prompt, max_tokens: int, temperature: float,
                    schema: dict | None) -> Completion:
        options = {"num_predict": max_tokens, "temperature": temperature, "num_ctx": self.num_ctx}
        if self.seed is not None:
            options["seed"] = self.seed
        started = time.perf_counter()
        parts: list[str] = []
        final = None
        try:
            # Streaming keeps the connection busy, so a slow generation is not mistaken for a
            # dead server by the read timeout, which then applies per chunk.
            stream = await self.client.chat(model=self.model, messages=as_messages(prompt),
                                            options=options, stream=True,
                                            format=schema)
            async for part in stream:
                parts.append(part.message.content or "")
                if part.done:
                    final = part
        except Exception as exc:
            raise _translate(exc, self.host) from exc
        if final is None:
            raise RetryableLLMError("ollama stream ended without a final message")
        return Completion(
            text="".join(parts).strip(),
            prompt_tokens=int(final.prompt_eval_count or 0),
            completion_tokens=int(final.eval_count or 0),
            model=final.model or self.model,
            elapsed_ms=int((time.perf_counter() - started) * 1000),
            finish_reason=final.done_reason or "",
        )

    async def model_context_length(self) -> int | None:
        info = (await self.client.show(self.model)).modelinfo or {}
        for key, value in info.items():
            if key.endswith(".context_length"):
                return int(value)
        return None

    async def health(self) -> tuple[bool, str]:
        try:
            listed = await self.client.list()
            names = {m.model for m in listed.models}
            if self.model not in names and f"{self.model}:latest" not in names:
                return False, f"ollama at {self.host} has no model {self.model}"
            self._model_ctx = await self.model_context_length()
        except Exception as exc:  # a health probe reports, it does not raise
            return False, str(_translate(exc, self.host))
        return True, f"ollama {self.model} at {self.host} ctx={self.context_window}"

    async def close(self) -> None:
        await self.client._client.aclose()
