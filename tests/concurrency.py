"""Requests sent at the same moment, each from its own thread with its own database connection."""

import threading

from django.db import connection


def at_once(calls):
    """Run every callable of `calls` in a thread of its own, released together by a barrier
    (nothing waits on the clock); their results, in the order of `calls`. Each thread closes
    its database connection when done."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
