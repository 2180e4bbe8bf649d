"""Servers that tests start for themselves, on free ports, so that parallel runs never meet and
the machine's shared servers are left alone."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process):
    """Return once something accepts connections on `port`; fail if `process` exits first."""
    for _ in range(3000):
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def redis_server(folder):
    """A Redis server of the test's own on a free port, keeping nothing on disk: its URL.

    Without redis-server on the machine the test is skipped, saying how to get it; in CI
    (CI=1), which must run every test, it fails instead."""
    executable = shutil.which("redis-server")
    if executable is None:
        reason = "redis-server is not installed: `apt-get install redis-server` runs this test."
        if in_ci():
            pytest.fail(f"{reason} CI must run it, not skip it.")
        pytest.skip(reason)
    port = free_port()
    command = [executable, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(folder)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_until_listening(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)
