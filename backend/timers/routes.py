from sanic import Blueprint

bp = Blueprint("timers")
