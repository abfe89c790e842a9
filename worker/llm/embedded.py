"""llama.cpp in-process: SmolLM2-135M-Instruct by default, so a fresh machine works offline."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import threading
import time
from functools import lru_cache

from worker.llm.base import Completion, LLMBackend, LLMError, Prompt, as_messages
from worker.llm.grammar import GrammarProcessor

# One model per process: the weights are shared by every claim loop, and llama.cpp contexts are
# not safe for concurrent use, so generation is serialized by this lock.
_models: dict[tuple[str, int, int], object] = {}
_load_lock = threading.Lock()
_gen_lock = threading.Lock()


def _load(path: str, n_ctx: int, n_threads: int):
    # Busy-waiting OpenMP threads starve each other on a shared, oversubscribed CPU; passive
    # waiting measured up to 2x faster here. Must be set before the library loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import llama_cpp  # heavy import; only processes using the embedded backend pay for it

    key = (path, n_ctx, n_threads)
    with _load_lock:
        model = _models.get(key)
        if model is None:
            if not path or not os.path.exists(path):
                raise LLMError(f"embedded model file not found: {path or '(unset)'}")
            model = llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads,
                                    n_batch=512, verbose=False)
            _models[key] = model
        return model


@lru_cache(maxsize=64)
def _gbnf(schema_json: str) -> str:
    """llama.cpp's GBNF grammar for a JSON schema: sampling can then only produce tokens that
    keep the output valid JSON of that shape (enums included). Cached: reports reuse schemas."""
    import llama_cpp

    return llama_cpp.LlamaGrammar.from_json_schema(schema_json, verbose=False)._grammar


@atexit.register
def _close_models() -> None:
    # Free llama.cpp contexts while the interpreter is intact; left to __del__ at shutdown
    # they raise "NoneType is not callable" noise.
    for model in _models.values():
        model.close()
    _models.clear()


class EmbeddedBackend(LLMBackend):
    name = "embedded"

    def __init__(self, model_path: str, n_ctx: int = 2048, n_threads: int = 2, seed: int = 42):
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self.model = os.path.basename(model_path).removesuffix(".gguf") or "embedded"
        self._llm = None

    @property
    def llm(self):
        if self._llm is None:
            self._llm = _load(self.model_path, self.n_ctx, self.n_threads)
        return self._llm

    @property
    def context_window(self) -> int:
        return self.n_ctx

    async def load(self) -> None:
        await asyncio.to_thread(lambda: self.llm)

    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _generate_sync(self, messages, max_tokens: int, temperature: float,
                       schema: dict | None = None) -> Completion:
        import llama_cpp

        llm = self.llm
        with _gen_lock:
            started = time.perf_counter()
            constrain = (GrammarProcessor(llm, _gbnf(json.dumps(schema, sort_keys=True)))
                         if schema is not None else None)
            try:
                out = llm.create_chat_completion(
                    messages=messages, max_tokens=max_tokens, temperature=temperature,
                    seed=self.seed, repeat_penalty=1.1,  # Ollama's default
                    logits_processor=llama_cpp.LogitsProcessorList([constrain])
                    if constrain else None)
            finally:
                if constrain:
                    constrain.close()
            elapsed = int((time.perf_counter() - started) * 1000)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=(choice["message"].get("content") or "").strip(),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            model=self.model,
            elapsed_ms=elapsed,
            finish_reason=choice.get("finish_reason") or "",
        )

    async def generate(self, prompt: Prompt, max_tokens: int = 128,
                       temperature: float = 0.2) -> Completion:
        return await self._run(prompt, max_tokens, temperature, None)

    async def generate_json(self, prompt: Prompt, schema: dict, max_tokens: int = 128,
                            temperature: float = 0.2) -> Completion:
        return await self._run(prompt, max_tokens, temperature, schema)

    async def _run(self, prompt: Prompt, max_tokens: int, temperature: float,
                   schema: dict | None) -> Completion:
        messages = as_messages(prompt)
        # Never ask for more than the window leaves; llama.cpp would raise mid-task otherwise.
        room = self.n_ctx - self.count_message_tokens(messages)
        if room < 8:
            raise LLMError(f"prompt of ~{self.n_ctx - room} tokens exceeds the {self.n_ctx} window")
        try:
            return await asyncio.to_thread(self._generate_sync, messages,
                                           min(max_tokens, room), temperature, schema)
        except ValueError as exc:  # llama.cpp reports context overflow as ValueError
            raise LLMError(str(exc)) from exc

    async def health(self) -> tuple[bool, str]:
        try:
            await self.load()
        except Exception as exc:  # a health probe reports, it does not raise
            return False, f"embedded model unavailable: {exc}"
        return True, f"embedded {self.model} n_ctx={self.n_ctx}"
