"""What bench/harness.py serves under gunicorn: the app (configured from the environment,
as wsgi.py) and, under /__baseline/, the bare Flask baseline, in the same workers."""
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.harness import BASELINE_PREFIX, baseline_app
from webapp import create_app

app = DispatcherMiddleware(create_app(), {BASELINE_PREFIX: baseline_app()})
