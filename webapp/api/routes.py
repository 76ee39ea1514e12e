"""Imports every capability's api module so their routes register on the API blueprint."""
from webapp.accounts import api as accounts_api  # noqa: F401
from webapp.admin import api as admin_api  # noqa: F401
from webapp.api import meta  # noqa: F401
from webapp.notifications import api as notifications_api  # noqa: F401
from webapp.suggestions import api as suggestions_api  # noqa: F401
