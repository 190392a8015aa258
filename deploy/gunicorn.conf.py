"""gunicorn's settings for branchsite (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Each value may be overridden in the environment file: GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_TIMEOUT.
"""

import os

# nginx on the same machine talks to this address; nothing else should reach it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: a branch has tens of users; a PDF takes a worker for a second or two.
# 3 suits a 2-core server (2 × cores + 1 is gunicorn's usual ceiling).
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# The year-end summary with its charts renders in seconds; a minute is a hung request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, not all at once), which
# bounds the memory a long-running PDF renderer may gather.
max_requests = 1000
max_requests_jitter = 100
wsgi_app = "branchsite.wsgi:application"

# The access log on stderr (journald), one JSON object per line like the application's logs
# (branchsite.logs.JsonFormatter reads the atoms): the path without its query string, which
# may hold a searched name or identity number; the client's address as nginx passed it.
accesslog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "branchsite.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    # gunicorn merges this over its own defaults, whose root logger names its own handler.
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
