"""JSON-schema-constrained decoding for the embedded model, at a cost the CPU can carry.

llama-cpp-python turns a JSON schema into a GBNF grammar (LlamaGrammar.from_json_schema) and
llama.cpp's grammar sampler enforces it. Passed as `grammar=`, that sampler runs over the
whole vocabulary (49k tokens for SmolLM2) at every step: measured here it made a 50-token
answer take 35 s instead of 5. llama.cpp's own tools avoid this by checking the few likely
tokens first and the whole vocabulary only when none of them fits; this processor does the
same with the same C grammar sampler, so every emitted token is still one the grammar allows.
"""

from __future__ import annotations

import ctypes

import numpy as np

# llama_token_data {int32 id; float logit; float p}: 12 bytes, no padding
_TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
TOP_K = 400  # likely tokens checked first; forced JSON punctuation is usually among them


_control_masks: dict[int, np.ndarray] = {}


def control_token_mask(llm) -> np.ndarray:
    """True for every token whose text holds a control character (newline, tab, ...).

    Our answers are compact JSON: they never need a raw control character, and inside a
    string one makes the JSON invalid. The grammar should forbid them there, yet with this
    processor a raw newline was seen inside a string on one build, so they are ruled out
    here too. Computed once per model (49k detokenizations, well under a second).
    """
    key = id(llm)
    if key not in _control_masks:
        n = llm.n_vocab()
        mask = np.zeros(n, dtype=bool)
        for t in range(n):
            piece = llm.detokenize([t])
            mask[t] = any(b < 0x20 for b in piece)
        _control_masks[key] = mask
    return _control_masks[key]


class GrammarProcessor:
    """A llama-cpp-python logits processor: scores of tokens the grammar forbids become -inf.

    One instance per generation (the grammar state advances with the generated tokens).
    """

    def __init__(self, llm, gbnf: str):
        import llama_cpp

        self._c = llama_cpp
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        self._sampler = llama_cpp.llama_sampler_init_grammar(vocab, gbnf.encode(), b"root")
        if not self._sampler:
            raise ValueError("llama.cpp could not parse the grammar")
        self._seen: int | None = None
        self._forbidden = control_token_mask(llm)

    def close(self) -> None:
        if self._sampler:
            self._c.llama_sampler_free(self._sampler)
            self._sampler = None

    def _advance(self, input_ids: np.ndarray) -> None:
        # The processor sees the tokens so far: accept the ones generated since the last call.
        if self._seen is None:
            self._seen = len(input_ids)  # the prompt
            return
        for token in input_ids[self._seen:]:
            self._c.llama_sampler_accept(self._sampler, int(token))
        self._seen = len(input_ids)

    def _allowed(self, ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The subset of ids the grammar allows next."""
        cands = np.empty(len(ids), dtype=_TOKEN_DATA)
        cands["id"], cands["logit"], cands["p"] = ids, scores, 0.0
        arr = self._c.llama_token_data_array(
            data=cands.ctypes.data_as(ctypes.POINTER(self._c.llama_token_data)),
            size=len(ids), selected=-1, sorted=False)
        self._c.llama_sampler_apply(self._sampler, ctypes.byref(arr))
        # The grammar sampler marks forbidden candidates with -inf, in place.
        return ids[np.isfinite(cands["logit"])]

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        self._advance(input_ids)
        k = min(TOP_K, len(scores))
        top = np.argpartition(-scores, k - 1)[:k].astype(np.int32)
        allowed = self._allowed(top, scores[top])
        if len(allowed) == 0:  # none of the likely tokens fits: ask about every token
            every = np.arange(len(scores), dtype=np.int32)
            allowed = self._allowed(every, scores)
        out = np.full_like(scores, -np.inf)
        out[allowed] = scores[allowed]
        out[self._forbidden[: len(out)]] = -np.inf
        if not np.isfinite(out).any():  # only a control token fits: let the grammar decide
            out[allowed] = scores[allowed]
        return out
