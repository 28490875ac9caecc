"""gunicorn's settings for the tracker (README, Deployment):

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py tracker.wsgi

Every value can be changed on the command line (-b, -w, -t) or with GUNICORN_CMD_ARGS.
"""

import os

# Behind nginx on the same machine: listen on the loopback only, never on the network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, each one request at a time: about two per core (the machine here has 2 cores).
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A worker silent this long is killed and replaced. Long work (an upload's preview and
# import, a big export) runs as a background job, not in the request; nginx waits as long
# (proxy_read_timeout in deploy/nginx.conf).
timeout = 120
# On restart or reload (systemctl reload), requests under way get this long to finish.
graceful_timeout = 30
# Each worker is replaced after about a thousand requests, so memory that grows slowly (a
# large spreadsheet read once) is given back.
max_requests = 1000
max_requests_jitter = 100
# gunicorn's own messages go to stderr (the journal); the application's are JSON lines there
# too (tracker/settings.py, LOGGING). Requests are logged by nginx.
errorlog = "-"
accesslog = None
# No control socket (gunicornc, new in gunicorn 25): systemd starts, reloads and stops it, and
# the socket would be written under the service user's home, which the unit keeps read-only.
control_socket_disable = True
