from sanic import Blueprint

bp = Blueprint("insights")
