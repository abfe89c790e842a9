from sanic import Blueprint

bp = Blueprint("users")
