"""Parse request bodies and query strings into pydantic models, with field-level 422s."""

from __future__ import annotations

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


def _unstorable_strings(value: Any, path: str = "") -> list[dict[str, Any]]:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot encode lone surrogates; both would
    surface as a 500 deep in the driver, so every field is checked here, once."""
    if isinstance(value, str):
        bad = "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
        if bad:
            return [
                {
                    "field": path or "body",
                    "code": "invalid_characters",
                    "message": "contains characters that cannot be stored (NUL or lone surrogate)",
                }
            ]
        return []
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            key = str(k)
            out += (
                _unstorable_strings(key, f"{path}.{key}".lstrip(".")) if isinstance(k, str) else []
            )
            out += _unstorable_strings(v, f"{path}.{key}".lstrip("."))
        return out
    if isinstance(value, list):
        return [
            e
            for i, v in enumerate(value)
            for e in _unstorable_strings(v, f"{path}.{i}".lstrip("."))
        ]
    return []


def parse_body(request: Request, model: type[M]) -> M:
    data = json_body(request)
    if not isinstance(data, dict):
        raise ApiError(
            400, "Bad Request", "The request body must be a JSON object.", kind="bad-json"
        )
    if errors := _unstorable_strings(data):
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
