"""Work that leaves the request (SPEC §1): the shop's task queue.

`enqueue(task, *args)` runs a task once the current transaction commits (at once outside one),
never in the request that asked for it, so a slow or absent mail server neither slows nor fails
a checkout:

- with `TASKS_BROKER_URL` set (redis://... or amqp://...), Celery hands it to a worker process
  (`celery -A shop.tasks worker`), which retries a failure with exponential backoff;
- unset (the default: `make run`, the tests), a background thread of this process runs it, with
  the same retries. If the broker can't be reached, the task runs here too rather than being lost.

Tasks are Celery tasks (`@app.task`) whose arguments are plain values (ids, not objects): the
worker reads what it needs from the database, as it is when the task runs.
"""

import logging
import os
import queue
import threading
from functools import partial

from celery import Celery
from django.conf import settings
from django.db import connections, transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # apps/*/tasks.py

logger = logging.getLogger(__name__)


def enqueue(task, *args):
    """Run `task(*args)` outside the request once the transaction commits (never if it rolls
    back)."""
    transaction.on_commit(partial(dispatch, task, args))


def dispatch(task, args):
    if settings.TASKS_BROKER_URL:
        try:
            task.apply_async(args, retry=True, retry_policy={"max_retries": 1})
            return
        except Exception:  # the broker is down: the work must still be done, here
            logger.exception("Could not hand %s to the task broker; running it here", task.name)
    in_process.submit(task, args)


def retry_delay(attempt):
    """Seconds to wait before retry number `attempt` (1, 2, ...): doubling each time, up to
    TASKS_RETRY_MAX_DELAY."""
    return min(settings.TASKS_RETRY_DELAY * 2 ** (attempt - 1), settings.TASKS_RETRY_MAX_DELAY)


class InProcessRunner:
    """Runs tasks in daemon threads of this process, retrying a failed one after
    `retry_delay()` up to TASKS_MAX_RETRIES times.

    The threads start with the first task of each process (a gunicorn worker forked from its
    master gets threads of its own). Work still waiting when the process ends is lost, as with
    any in-process queue: production with more at stake sets TASKS_BROKER_URL.
    """

    THREADS = 2

    def __init__(self):
        self.pid = None
        self.unfinished = 0
        self.failures = 0  # attempts that failed, for the logs' readers and the tests
        self.idle = threading.Condition()

    def submit(self, task, args):
        with self.idle:
            self.unfinished += 1
            if self.pid != os.getpid():
                self.pid = os.getpid()
                self.jobs = queue.SimpleQueue()
                for number in range(self.THREADS):
                    name = f"shop-tasks-{number}"
                    threading.Thread(target=self.work, name=name, daemon=True).start()
            jobs = self.jobs
        jobs.put((task, args, 0))

    def work(self):
        jobs = self.jobs
        while True:
            task, args, attempt = jobs.get()
            try:
                task.run(*args)
            except Exception:
                with self.idle:
                    self.failures += 1
                    self.idle.notify_all()
                if attempt < settings.TASKS_MAX_RETRIES:
                    delay = retry_delay(attempt + 1)
                    logger.warning(
                        "Task %s%r failed; retry %d in %s s",
                        task.name,
                        args,
                        attempt + 1,
                        delay,
                        exc_info=True,
                    )
                    timer = threading.Timer(delay, jobs.put, [(task, args, attempt + 1)])
                    timer.daemon = True
                    timer.start()
                    continue
                logger.exception("Task %s%r failed %d times; given up", task.name, args, attempt)
            finally:
                connections.close_all()  # this thread's own connections
            with self.idle:
                self.unfinished -= 1
                self.idle.notify_all()

    def wait(self, timeout=60):
        """Block until every task submitted so far has succeeded or been given up (tests call
        this instead of sleeping). Returns False if that took longer than `timeout`."""
        with self.idle:
            return self.idle.wait_for(lambda: self.unfinished == 0, timeout)


in_process = InProcessRunner()
