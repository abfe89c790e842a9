"""LLM backends behind one interface; `make_backend` picks one from the settings."""

from __future__ import annotations

from worker.llm.base import Completion, LLMBackend, LLMError, RetryableLLMError


def make_backend(settings) -> LLMBackend:
    if settings.llm_backend == "ollama":
        from worker.llm.ollama_backend import OllamaBackend

        return OllamaBackend(settings.ollama_host or "http://127.0.0.1:11434",
                             settings.ollama_model, timeout_s=settings.llm_timeout_s,
                             num_ctx=settings.ollama_num_ctx, seed=settings.seed)
    from worker.llm.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.model_path, n_ctx=settings.n_ctx,
                           n_threads=settings.n_threads, seed=settings.seed)


__all__ = ["Completion", "LLMBackend", "LLMError", "RetryableLLMError", "make_backend"]
