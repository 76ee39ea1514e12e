"""Staff pages for suggestions: screening and assignment queues, moderation, managed lists."""
from flask import Blueprint

bp = Blueprint("suggestions_manage", __name__, url_prefix="/admin/suggestions", template_folder="templates")
