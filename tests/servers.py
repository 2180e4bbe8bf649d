"""Servers that tests start for themselves, on free ports, so that parallel runs never meet and
the machine's shared servers are left alone."""

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process):
    """Return once something accepts connections on `port`; fail if `process` exits first."""

    def accepts():
        socket.create_connection(("127.0.0.1", port), timeout=1).close()

    wait_for(accepts, process, f"the server on port {port}")


def wait_until_serving(url, process):
    """Return once the server at `url` answers HTTP (any status); fail if `process` exits first."""

    def answers():
        with suppress(urllib.error.HTTPError):  # an answer all the same
            urllib.request.urlopen(f"{url}/healthz", timeout=5).close()

    wait_for(answers, process, f"the server at {url}")


def wait_for(probe, process, server):
    """Try `probe()` until it raises no OSError; fail if `process` exits first."""
    for _ in range(3000):
        if process.poll() is not None:
            raise RuntimeError(f"{server} exited with {process.returncode}")
        try:
            return probe()
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{server} never answered")


@contextmanager
def gunicorn(args, env, log=None):
    """gunicorn (`args` after `python -m gunicorn`) serving on a socket this test holds from the
    start: the kernel picks its port as it binds it, and gunicorn inherits it (`--bind fd://N`).
    A port found free and bound by the server later can be taken meanwhile by another test's
    server, which then gets this test's requests (Redis and PostgreSQL reset them: the likeliest
    reading of a reset CI saw once). Yields the base URL once a worker answers; stops the server
    after. `log`: a file for what it writes (gunicorn's log, the shop's errors), else nowhere."""
    with socket.socket() as listener, open(log or os.devnull, "w") as output:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        command = [sys.executable, "-m", "gunicorn", *args, "--bind", f"fd://{listener.fileno()}"]
        command.append("--no-control-socket")  # one path for every gunicorn: don't share it
        fds = [listener.fileno()]
        process = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=fds, stderr=output)
    try:
        wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def collect_static(env):
    """Run collectstatic for a server started with production settings, whose WhiteNoise serves
    from the manifest it writes (a clean clone has none). Parallel test workers take turns on a
    lock rather than write the folder at the same time."""
    folder = ROOT / "staticfiles"
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        command = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
        subprocess.run(command, cwd=ROOT, env=env, check=True)


def missing(reason):
    """Skip the test for want of a server, saying how to get it; in CI (CI=1), which must run
    every test, fail it instead."""
    if in_ci():
        pytest.fail(f"{reason} CI must run it, not skip it.")
    pytest.skip(reason)


def redis_server_executable():
    """redis-server's path; without it the test is skipped or, in CI, fails (missing())."""
    executable = shutil.which("redis-server")
    if executable is None:
        missing("redis-server is not installed: `apt-get install redis-server` runs this test.")
    return executable


class RedisServer:
    """A Redis server of the test's own on a free port, keeping nothing on disk, which the test
    may stop and start again (on the same port, empty, as a restarted Redis is)."""

    def __init__(self, folder):
        self.executable = redis_server_executable()
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until_listening(self.port, self.process)

    def stop(self):
        """Stop it and return once its port refuses connections."""
        self.process.terminate()
        self.process.wait(timeout=30)

    def command(self, *words):
        """A command sent as redis-cli would (without a client library's retries)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as server:
            parts = [f"${len(word.encode())}\r\n{word}\r\n" for word in words]
            server.sendall(f"*{len(words)}\r\n{''.join(parts)}".encode())
            return server.recv(1024)


@contextmanager
def redis_server(folder):
    """A RedisServer started for the block: its URL."""
    server = RedisServer(folder)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def postgres_bin(program):
    """A PostgreSQL server program's path (Debian keeps them out of PATH); without the server the
    test is skipped or, in CI, fails (missing())."""
    found = shutil.which(program) or next(
        (str(path) for path in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))), None
    )
    if found is None:
        missing(
            "PostgreSQL's server is not installed: `apt-get install postgresql` runs this test."
        )
    return found


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb in a folder of its own, removed by
    `remove()`) on a free port, which the test may stop and start again. PostgreSQL refuses to run
    as root: as root, it runs as `postgres` (the folder is made outside pytest's, which only
    root may enter)."""

    def __init__(self):
        self.port, self.folder = free_port(), Path(tempfile.mkdtemp(prefix="shop-postgres-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self.run(postgres_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *command):
        subprocess.run([*self.as_user, *map(str, command)], check=True, capture_output=True)

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        log = self.folder / "log"  # the server's output: a pipe would keep run() waiting for it
        self.run(postgres_bin("pg_ctl"), "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self):
        """Stop it as an administrator's `pg_ctl stop` does, ending every connection at once."""
        self.run(postgres_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)
