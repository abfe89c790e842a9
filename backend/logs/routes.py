from sanic import Blueprint

bp = Blueprint("logs")
