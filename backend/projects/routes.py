from sanic import Blueprint

bp = Blueprint("projects")
