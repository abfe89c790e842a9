"""The LLM backend interface. Reports depend only on this, never on a concrete backend."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Union

Message = dict[str, str]
Prompt = Union[str, list[Message]]  # noqa: UP007 - used at runtime in isinstance-free aliases


class LLMError(Exception):
    """The backend failed in a way retrying the same task will not fix."""


class RetryableLLMError(LLMError):
    """Connection refused, timeout, server overloaded: the task should be tried again."""


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    model: str
    elapsed_ms: int
    finish_reason: str = ""


def as_messages(prompt: Prompt) -> list[Message]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return list(prompt)


class LLMBackend(abc.ABC):
    name: str
    model: str

    @property
    @abc.abstractmethod
    def context_window(self) -> int:
        """Tokens the model sees per call (prompt + completion)."""

    @abc.abstractmethod
    async def generate(self, prompt: Prompt, max_tokens: int = 128,
                       temperature: float = 0.2) -> Completion: ...

    @abc.abstractmethod
    async def generate_json(self, prompt: Prompt, schema: dict, max_tokens: int = 128,
                            temperature: float = 0.2) -> Completion:
        """Generate text constrained at decode time to JSON matching `schema` (a JSON Schema).

        The backend enforces the schema while sampling; callers still parse and validate the
        text, because a cut-off answer (max_tokens) or a misbehaving server can break it."""

    @abc.abstractmethod
    async def health(self) -> tuple[bool, str]: ...

    @abc.abstractmethod
    def count_tokens(self, text: str) -> int: ...

    def count_message_tokens(self, messages: list[Message]) -> int:
        # Chat templates wrap each message in role markers; 6 tokens covers ChatML and Llama 3.
        return sum(self.count_tokens(m["content"]) + 6 for m in messages) + 3

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default has nothing to release."""
