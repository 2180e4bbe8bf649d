"""The benchmark's wrk scripts (bench/run.py) carry cookies, the shopper's name and the badge
as Lua strings: whatever those hold, the scripts must load, or wrk measures without them (no
cookie, no check) and says so only on stderr."""

import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import run


class Someone:
    def cookie_header(self):
        return 'sessionid=a"b; csrftoken=c]]d]=]e'

    def cookie(self, name):
        return 'x"y'


INFO = {"shopper": 'o"brien', "badge": 10, "categories": [1, 2, 3], "product": 7, "category": 2}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('data-count="10"', '[[data-count="10"]]'),
        ("a]]b", "[=[a]]b]=]"),
        ("a]]b]=]c", "[==[a]]b]=]c]==]"),
        (7, "[[7]]"),
        ([1, 2, 3], "1, 2, 3"),
    ],
)
def test_values_go_into_the_scripts_as_lua_long_strings(value, written):
    assert run.lua(value) == written


WRK = shutil.which("wrk")


@pytest.mark.skipif(WRK is None, reason="wrk is not installed")
def test_every_script_loads_in_wrk(tmp_path):
    plan = run.targets({**INFO, "cart": 1}, Someone(), Someone(), Path(tmp_path))
    scripts = {name: script for name, (_, script) in plan.items() if script}
    assert "product list, shopper" in scripts
    for name, script in scripts.items():
        # Port 9 (discard) refuses the connection: only the script's loading is tried.
        ran = subprocess.run(
            [WRK, "-s", script, "-t1", "-c1", "-d1s", "http://127.0.0.1:9/"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Connection refused" in ran.stderr, name
        assert ran.stderr.strip().splitlines() == [ran.stderr.strip().splitlines()[-1]], name


class Slow(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(3)  # longer than wrk's own timeout
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(WRK is None, reason="wrk is not installed")
def test_a_slow_answer_is_measured_not_counted_as_an_error():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        measured = run.run_wrk(f"http://127.0.0.1:{server.server_port}/", None, "4s", 2)
    finally:
        server.shutdown()
    assert measured["errors"] == 0
    assert measured["p50_ms"] >= 3000
