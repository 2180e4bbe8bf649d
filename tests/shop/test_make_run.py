"""`make run` (SPEC §7): the demo shop from a fresh checkout, on the port PORT names."""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.processes


def test_make_run_serves_the_shop_on_the_port_port_names(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    env.update(MEDIA_ROOT=str(tmp_path / "media"))  # the demo's pictures, not in the repository
    server = subprocess.Popen(
        [shutil.which("make") or "make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # runserver's reloader is a child of a child: stop them all
    )
    try:
        deadline = time.monotonic() + 300  # migrating and seeding on a busy machine
        while True:
            assert server.poll() is None, f"make run exited with {server.returncode}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert time.monotonic() < deadline, f"nothing answered on port {port}"
                time.sleep(0.2)
        # The demo's products have the pictures seed_demo drew, served at /media/.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as front:
            picture = re.search(r'<img src="(/media/products/[^"]+)"', front.read().decode())
        assert picture, "no product picture on the front page"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{picture.group(1)}", timeout=30) as r:
            assert r.headers["Content-Type"] == "image/webp"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
