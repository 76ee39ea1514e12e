"""Which capabilities have API routes. Temporary: each capability's `init_app(app)` will
import its own api module."""


def register_capability_apis():
    """Import every capability's api module, which registers its routes on the API blueprint."""
    from webapp.accounts import api as accounts_api  # noqa: F401
    from webapp.admin import api as admin_api  # noqa: F401
    from webapp.notifications import api as notifications_api  # noqa: F401
    from webapp.suggestions import api as suggestions_api  # noqa: F401
