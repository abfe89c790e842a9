"""limit/offset pagination shared by every list endpoint."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_LIMIT = 200


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Page size (1-200).")
    offset: int = Field(0, ge=0, le=10_000_000, description="Rows to skip.")


def page(items: list[Any], total: int, q: PageQuery) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": q.limit, "offset": q.offset}
