"""WSGI entry point.

gunicorn:   gunicorn -k gevent -w 1 --no-control-socket -b 127.0.0.1:5000 wsgi:app
embedded:   python wsgi.py   (in-process Socket.IO, threading mode, for development)
"""
import os

from webapp import create_app
from webapp.extensions import socketio

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    socketio.run(app, host=host, port=port, debug=False, allow_unsafe_werkzeug=True)
