from sanic import Blueprint

bp = Blueprint("tags")
