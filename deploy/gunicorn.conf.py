"""gunicorn settings for worldcafe: one gevent worker per core, WebSockets through simple-websocket.

    gunicorn -c deploy/gunicorn.conf.py 'worldcafe:create_app()'

With more than one worker, set WORLDCAFE_MESSAGE_QUEUE (Redis) and WORLDCAFE_DATABASE_URL
(PostgreSQL), and put a proxy with cookie-based sticky sessions in front (deploy/nginx.conf):
a Socket.IO session lives in one worker.
"""

from __future__ import annotations

import os

bind = os.environ.get("WORLDCAFE_BIND", "127.0.0.1:8000")
worker_class = "gevent"
# One worker per gunicorn: run one gunicorn per core on its own port (deploy/worldcafe.service)
# so the proxy can pin each browser to one worker; each holds thousands of phones.
workers = int(os.environ.get("WORLDCAFE_WORKERS", "1"))
worker_connections = 5000
backlog = 2048
# gunicorn sets TCP_NODELAY on TCP listeners itself: small Socket.IO frames go out at once.
# Socket.IO keeps connections open; the worker heartbeat, not the request, must stay short.
timeout = 60
graceful_timeout = 30
keepalive = 75
# The app is built in each worker, after gevent has patched the standard library.
preload_app = False
accesslog = None
errorlog = "-"
loglevel = "info"


def post_worker_init(worker: object) -> None:
    """In each worker: the retention check and the garbage-collector tuning that `run` has."""
    from worldcafe.serving import start_background_work

    start_background_work(worker.wsgi)  # type: ignore[attr-defined]
