"""Leaders' pages: the leader's inbox, each verified leader's public page, the association-wide ranking."""
from flask import Blueprint

bp = Blueprint("leaders", __name__, url_prefix="/leaders", template_folder="templates")
