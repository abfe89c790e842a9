"""One decorator that documents an endpoint in the OpenAPI spec served at /docs.

Every endpoint states its request body, its responses (problem+json for errors) and
whether it needs the bearer token, so the spec is complete enough to fuzz.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sanic_ext import openapi
from sanic_ext.extensions.openapi.builders import OperationStore

F = TypeVar("F", bound=Callable[..., Any])


class FieldProblem(BaseModel):
    field: str
    message: str
    code: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(None, description="Field-level validation errors.")


def oas_schema(model: type[BaseModel] | dict) -> dict:
    """A pydantic model as a self-contained OpenAPI 3.0 schema ($defs inlined, nullable)."""
    if isinstance(model, dict):
        return model
    raw = model.model_json_schema(mode="serialization")
    defs = raw.pop("$defs", {})

    def conv(node: Any) -> Any:
        if isinstance(node, list):
            return [conv(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return conv(defs[node["$ref"].rsplit("/", 1)[-1]])
        options = node.get("anyOf")
        if options and any(o.get("type") == "null" for o in options):
            rest = [o for o in options if o.get("type") != "null"]
            base = {k: v for k, v in node.items() if k != "anyOf"}
            inner = conv(rest[0]) if len(rest) == 1 else {"anyOf": conv(rest)}
            return {**base, **inner, "nullable": True}
        # Drop pydantic's "title" annotations (strings), not a property named "title" (a
        # schema): entries, projects and reports all have one.
        out = {k: conv(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
        if node.get("type") == "null":
            out = {"nullable": True}
        return out

    return conv(raw)


_ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing, invalid or expired token",
    403: "Forbidden",
    404: "Not found (or owned by another user)",
    409: "Conflict",
    422: "Validation failed",
    429: "Too many requests",
    503: "Dependency unavailable",
}


def _request_body(content: dict[str, Any]) -> Callable[[F], F]:
    # Not openapi.body: that also wraps the handler in a coroutine that runs on every request
    # (a frame and an await per call) even with validation off, to validate what
    # parse_body validates anyway. This only writes the documentation.
    def inner(func: F) -> F:
        OperationStore()[func].body(content, required=True)
        return func

    return inner


def doc(
    summary: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | dict | None = None,
    status: int = 200,
    errors: Iterable[int] = (),
    auth: bool = True,
    query: type[BaseModel] | None = None,
    description: str | None = None,
) -> Callable[[F], F]:
    def wrap(func: F) -> F:
        decorators: list[Callable[[Any], Any]] = [openapi.summary(summary), openapi.tag(tag)]
        if description:
            decorators.append(openapi.description(description))
        if body is not None:
            decorators.append(_request_body({"application/json": oas_schema(body)}))
        if response is not None:
            decorators.append(
                openapi.response(status, {"application/json": oas_schema(response)}, "OK")
            )
        else:
            decorators.append(openapi.response(status, description="OK"))
        codes = set(errors)
        if body is not None:
            codes |= {400, 422}
        if query is not None:
            codes.add(422)
        if auth:
            codes.add(401)
            decorators.append(openapi.secured("bearer"))
        for code in sorted(codes):
            decorators.append(
                openapi.response(
                    code, {"application/problem+json": oas_schema(Problem)},
                    _ERROR_TEXT.get(code, "Error"),
                )
            )
        if query is not None:
            for name, field in query.model_fields.items():
                ann = field.annotation
                schema_type: Any = str
                if ann in (int, int | None):
                    schema_type = int
                elif ann in (bool, bool | None):
                    schema_type = bool
                elif getattr(ann, "__origin__", None) is list or "list[" in str(ann):
                    schema_type = [str]
                decorators.append(
                    openapi.parameter(
                        name, schema_type, "query", required=field.is_required(),
                        description=field.description or "",
                    )
                )
        for d in reversed(decorators):
            func = d(func)
        return func

    return wrap
