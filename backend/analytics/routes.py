from sanic import Blueprint

bp = Blueprint("analytics")
