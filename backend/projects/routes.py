"""/v1/projects: CRUD, list with per-project totals, and per-project stats."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.pagination import page
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.projects import service
from backend.projects.schemas import (
    ProjectBody,
    ProjectListQuery,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    ProjectStats,
)

bp = Blueprint("projects", url_prefix="/v1/projects")

_ARCHIVE_NOTE = (
    "There is no separate archive flag: archiving a project in the UI is "
    "PATCH {\"status\": \"completed\"} (or \"on_hold\"); list with ?status=active to hide them."
)



@bp.get("/")
@doc("List projects with entry counts and total minutes", tag="projects",
     query=ProjectListQuery, response=ProjectPage,
     description="Default project first, then by name. " + _ARCHIVE_NOTE)
@authenticated
async def list_projects(request: Request) -> HTTPResponse:
    q = parse_query(request, ProjectListQuery)
    items, total = await service.list_projects(request.ctx.user.id, q)
    return json(page(items, total, q))


@bp.post("/")
@doc("Create a project", tag="projects", body=ProjectBody, response=ProjectOut, status=201,
     errors=[409],
     description="Names are unique per user, ignoring case (409 naming `name`). "
     "is_default=true clears the user's previous default in the same transaction.")
@authenticated
async def create_project(request: Request) -> HTTPResponse:
    body = parse_body(request, ProjectBody)
    out = await service.save_project(request.ctx.user.id, None, body.model_dump())
    await user_data_changed(request)
    return json(out, status=201)


@bp.get("/<project_id:uuid>")
@doc("Get a project", tag="projects", response=ProjectOut, errors=[404])
@authenticated
async def get_project(request: Request, project_id: uuid.UUID) -> HTTPResponse:
    return json(await service.get_project(request.ctx.user.id, project_id))


@bp.put("/<project_id:uuid>")
@doc("Replace a project", tag="projects", body=ProjectBody, response=ProjectOut,
     errors=[404, 409],
     description="Every field is replaced; omitted optional fields take their defaults.")
@authenticated
async def replace_project(request: Request, project_id: uuid.UUID) -> HTTPResponse:
    body = parse_body(request, ProjectBody)
    out = await service.save_project(request.ctx.user.id, project_id, body.model_dump())
    await user_data_changed(request)
    return json(out)


@bp.patch("/<project_id:uuid>")
@doc("Update some fields of a project", tag="projects", body=ProjectPatch,
     response=ProjectOut, errors=[404, 409],
     description="Only the fields sent change; start_date/end_date may be null to clear them. "
     "end_date is checked against the stored start_date. " + _ARCHIVE_NOTE)
@authenticated
async def patch_project(request: Request, project_id: uuid.UUID) -> HTTPResponse:
    body = parse_body(request, ProjectPatch)
    out = await service.save_project(request.ctx.user.id, project_id, body.changes())
    await user_data_changed(request)
    return json(out)


@bp.delete("/<project_id:uuid>")
@doc("Delete an empty project", tag="projects", status=204, errors=[404, 409],
     description="Only a project without log entries can be deleted. If entries still "
     "reference it, nothing is deleted and the 409 problem carries `entry_count`: move the "
     "entries to another project or delete them first. Entries are never deleted or "
     "detached implicitly, so no work history disappears by accident. A running timer on "
     "the project is detached.")
@authenticated
async def delete_project(request: Request, project_id: uuid.UUID) -> HTTPResponse:
    await service.delete_project(request.ctx.user.id, project_id)
    await user_data_changed(request)
    return empty()


@bp.get("/<project_id:uuid>/stats")
@doc("Time spent on a project, by type, value and impact", tag="projects",
     response=ProjectStats, errors=[404],
     description="Minutes per activity type, value rating and impact level (every key "
     "present, 0 when unused); first_activity is the earliest entry start, last_activity "
     "the latest entry end.")
@authenticated
async def project_stats(request: Request, project_id: uuid.UUID) -> HTTPResponse:
    return json(await service.project_stats(request.ctx.user.id, project_id))
