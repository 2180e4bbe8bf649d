"""gunicorn's settings for the shop: `gunicorn -c gunicorn.conf.py` (README, Deploying).

Threaded workers (gthread). A sync worker serves one request at a time and must report to
gunicorn's arbiter between requests; one that has not reported within `timeout` seconds is
killed. A CSV export streamed to a slow reader (SPEC §5: whatever the catalogue's size) took
longer than that and was cut off mid-file. A threaded worker reports from its main thread while
its threads serve, so a download takes as long as the reader needs; `timeout` still restarts a
worker that stops answering altogether.

Overridable from the command line or the environment, as gunicorn allows: --bind, --workers (or
WEB_CONCURRENCY), --threads, --access-logfile; GUNICORN_CMD_ARGS for anything else.
"""

import multiprocessing
import os

wsgi_app = "shop.wsgi"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = 4  # each thread may hold a database connection: workers × threads in all
timeout = 30  # seconds without a word from a worker's main loop before it is restarted
graceful_timeout = 30
