"""Imports every model module so SQLAlchemy metadata knows all tables."""
from webapp.accounts import models as accounts_models  # noqa: F401
from webapp.core import models as core_models  # noqa: F401
from webapp.notifications import models as notifications_models  # noqa: F401
from webapp.suggestions import models as suggestions_models  # noqa: F401
