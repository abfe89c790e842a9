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
        raise ApiError(400, "Bad Request", "The request body is not valid JSON.",
                       kind="bad-json") from exc


def parse_body(request: Request, model: type[M]) -> M:
    data = json_body(request)
    if not isinstance(data, dict):
        raise ApiError(400, "Bad Request", "The request body must be a JSON object.",
                       kind="bad-json")
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
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_problem(pydantic_errors(exc), status=422) from exc
