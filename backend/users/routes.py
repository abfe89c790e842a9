"""/v1/users: the caller's own profile and preferences (there is no way to name another user)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import json

from backend.api.docs import doc
from backend.api.validation import parse_body
from backend.auth.guard import authenticated
from backend.users import service
from backend.users.schemas import Preferences, ProfileOut, ProfileUpdate

bp = Blueprint("users", url_prefix="/v1/users")


@bp.get("/profile")
@doc("Your profile", tag="users", response=ProfileOut)
@authenticated
async def get_profile(request: Request):
    return json(service.profile_json(await service.load(request.ctx.user.id)))


@bp.put("/profile")
@doc("Update your profile", tag="users", body=ProfileUpdate, response=ProfileOut,
     errors=[403, 409],
     description="Only the given fields change. Changing `email` needs `current_password` "
     "(422 if missing, 403 if wrong) and answers 409 if the address is taken.")
@authenticated
async def put_profile(request: Request):
    body = parse_body(request, ProfileUpdate)
    user = await service.update_profile(request.app.ctx.cache, request.ctx.user.id, body)
    return json(service.profile_json(user))


@bp.get("/preferences")
@doc("Your preferences (defaults filled in)", tag="users", response=Preferences)
@authenticated
async def get_preferences(request: Request):
    return json(await service.get_preferences(request.ctx.user.id))


@bp.put("/preferences")
@doc("Set preferences", tag="users", body=Preferences, response=Preferences,
     description="Merges: only the given keys change, the others keep their stored value "
     "(or default). Unknown keys are rejected with 422 naming the key. Answers with all "
     "preferences, defaults filled in.")
@authenticated
async def put_preferences(request: Request):
    body = parse_body(request, Preferences)
    return json(await service.update_preferences(request.app.ctx.cache, request.ctx.user.id,
                                                 body))
