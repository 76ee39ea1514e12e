"""WSGI entry point.

gunicorn:   gunicorn -k gevent -w 1 --no-control-socket -b 127.0.0.1:5000 wsgi:app
embedded:   python wsgi.py   (in-process Socket.IO, threading mode, for development: `make run`)
"""
import os

from webapp import create_app
from webapp.config import ConfigError, exit_on_config_error
from webapp.extensions import socketio

try:
    app = create_app()
except ConfigError as exc:  # one line and status 1 for the operator, not a traceback
    exit_on_config_error(exc)

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    if app.config["SOCKETIO_ASYNC_MODE"] == "threading":
        # Werkzeug's development server, as `flask run` starts it: Socket.IO's middleware is
        # already the app's wsgi_app. (socketio.run() would refuse to start without a terminal,
        # or with allow_unsafe_werkzeug warn that it "appears to be used in a production deployment".)
        app.run(host=host, port=port, threaded=True, debug=False)
    else:
        socketio.run(app, host=host, port=port, debug=False)
