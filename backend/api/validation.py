"""Parse request bodies and query strings into pydantic models, with field-level 422s."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sanic import Request

from backend.api.errors import ApiError, pydantic_errors, validation_problem

M = TypeVar("M", bound=BaseModel)


def json_body(request: Request) -> Any:
    if not request.body:
        raise ApiError(400, "Bad Request", "A JSON request body is required.", kind="bad-json")
    try:
        return request.json
    except Exception as exc:  # sanic raises BadRequest with a parser-specific message
        raise ApiError(
            400, "Bad Request", "The request body is not valid JSON.", kind="bad-json"
        ) from exc


# No request body needs more than a few levels (bulk entries with tags is 4). A deep body is
# refused before anything recursive touches it: 500 levels once ended in a RecursionError.
MAX_DEPTH = 32


# One C-level scan per string (a per-character Python loop cost ~2% of a request).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _bad_string(s: str) -> bool:
    return _UNSTORABLE.search(s) is not None


def _unstorable_strings(value: Any) -> list[dict[str, Any]]:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot encode lone surrogates; both would
    surface as a 500 deep in the driver, so every key and value is checked here, once.

    Iterative, with a depth limit: raises a 400 for bodies nested deeper than MAX_DEPTH."""
    out: list[dict[str, Any]] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            if _bad_string(node):
                out.append({
                    "field": path or "body",
                    "code": "invalid_characters",
                    "message": "contains characters that cannot be stored (NUL or lone surrogate)",
                })
            continue
        if not isinstance(node, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise ApiError(400, "Bad Request",
                           f"The request is nested more than {MAX_DEPTH} levels deep.",
                           kind="too-deep")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        children = []
        for k, v in items:
            child = f"{path}.{k}".lstrip(".")
            if isinstance(k, str) and _bad_string(k):
                children.append((k, child, depth + 1))
            children.append((v, child, depth + 1))
        stack.extend(reversed(children))  # report in document order
    return out


def _plainly_fine(raw: bytes) -> bool:
    """True when the raw JSON body can hold neither an unstorable string nor deep nesting,
    so parse_body may skip the walk (~10 us of every request). A NUL can only arrive as the
    escape \\u0000 (the parser refuses raw control characters and lone surrogates), and a
    body cannot nest deeper than it has brackets. A false alarm only costs the walk."""
    return b"\\u0000" not in raw and raw.count(b"{") + raw.count(b"[") < MAX_DEPTH


def parse_body(request: Request, model: type[M]) -> M:
    data = json_body(request)
    if not isinstance(data, dict):
        raise ApiError(
            400, "Bad Request", "The request body must be a JSON object.", kind="bad-json"
        )
    if not _plainly_fine(request.body) and (errors := _unstorable_strings(data)):
        raise validation_problem(errors)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(pydantic_errors(exc)) from exc


def parse_query(request: Request, model: type[M], *, lists: tuple[str, ...] = ()) -> M:
    """Query args: single values, except names in `lists` which may repeat or be comma-separated."""
    raw: dict[str, Any] = {}
    for key, values in request.args.items():
        if key in lists:
            items: list[str] = []
            for v in values:
                items.extend(p for p in (s.strip() for s in v.split(",")) if p)
            raw[key] = items
        else:
            raw[key] = values[-1]
    if errors := _unstorable_strings(raw):
        raise validation_problem(errors)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_problem(pydantic_errors(exc), status=422) from exc
