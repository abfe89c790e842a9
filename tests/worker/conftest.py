"""Worker tests: the real embedded model, a real Ollama-protocol stand-in, real SMTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.ollama_standin import OllamaStandIn
from tests.support.smtp import smtp_server  # noqa: F401 - fixture
from worker.config import default_model_path
from worker.llm.embedded import EmbeddedBackend


@pytest.fixture(scope="session")
def embedded() -> EmbeddedBackend:
    backend = EmbeddedBackend(default_model_path(), n_ctx=2048, n_threads=2, seed=42)
    backend.llm  # noqa: B018 - load once for the session
    return backend


@pytest.fixture(scope="session")
def ollama_standin() -> Iterator[OllamaStandIn]:
    standin = OllamaStandIn()
    standin.start()
    yield standin
    standin.stop()
