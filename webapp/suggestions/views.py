"""Suggestion pages: browse, write, read, support, answer, rate; leaders' inbox and public pages."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__, template_folder="templates")
