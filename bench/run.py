"""`make bench`: a large catalogue in PostgreSQL, the shop under gunicorn, wrk against its pages.

Prints one table (requests per second, p50 and p99 latency, and each page's requests per second
and p99 as ratios to the bare view measured in the same round), times the CSV export of the whole
catalogue, and writes both to bench/results/ as JSON and markdown. BENCH.md explains the figures.

The shopper and the staff member log in through the login form, as a browser would. Every page
measured as the shopper is checked for the shopper's name and cart badge: a page without them
makes the run fail. Staff edit a product every second for the whole run (the catalogue's version
moves under load), and a run in which an edit or a page answers an error fails too.

Environment: BENCH_PRODUCTS (10000), BENCH_ROUNDS (3), BENCH_DURATION (5s per target and round),
BENCH_CONNECTIONS (16), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/shop_bench; the
database is dropped and created anew), BENCH_PORT (a free one by default), BENCH_EDIT_SECONDS
(1; 0: no edits), BENCH_TARGETS (names to measure, separated by ";"; all by default), REDIS_URL
(the cache; the Makefile points it at the local Redis, database 1, which the run clears).
"""

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or free_port())
BASE = f"http://127.0.0.1:{PORT}"
WORKERS = 2

# The targets of issue 12, as ratios to the bare view: requests per second at least, and for the
# logged-in shopper's catalogue pages a p99 at most 10 times the bare view's.
FLOORS = {
    "product list": 0.30,
    "category page": 0.30,
    "product page": 0.30,
    "product list, shopper": 0.30,
    "category page, shopper": 0.30,
    "product page, shopper": 0.30,
    "cart page, shopper": 0.25,
    "product list, a new address every request": 0.08,
}
P99_CEILING = 10  # times the bare view's p99
SHOPPER_PAGES = [name for name in FLOORS if name.endswith(", shopper")]

# Sends the shopper's cookies, and counts the answers without the shopper's name or badge.
SHOPPER_LUA = """
wrk.headers["Cookie"] = {cookie}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) checked = 0; missing = 0 end
function response(status, headers, body)
  checked = checked + 1
  if not (string.find(body, {name}, 1, true) and string.find(body, {badge}, 1, true)) then
    missing = missing + 1
  end
end
function done(summary, latency, requests)
  local c, m = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("checked"); m = m + t:get("missing") end
  io.write(string.format("CHECKED %d MISSING %d\\n", c, m))
end
"""
# A product list at an address no request asked for since the catalogue last changed (staff edit
# every second; an address comes back after thousands of requests): every request renders. Each
# comes from another client (a proxy names it in X-Forwarded-For), as visitors do.
MISS_LUA = """
local categories = {{{categories}}}
local sorts = {{"name", "price", "-price", "-created"}}
local threads = {{}}
function setup(thread) thread:set("number", #threads); table.insert(threads, thread) end
function init(args) counter = 0 end
function request()
  counter = counter + 1
  local c = counter
  local category = categories[c % #categories + 1]
  local sort = sorts[math.floor(c / #categories) % 4 + 1]
  local page = math.floor(c / (#categories * 4)) % 3 + 1
  local path = string.format("/market/products/?category=%d&sort=%s&page=%d&in_stock=%d",
                             category, sort, page, number)
  local client = string.format("198.18.%d.%d", number, c % 250 + 1)
  return wrk.format(nil, path, {{["X-Forwarded-For"] = client}})
end
"""
HEADER_LUA = """
wrk.headers["Cookie"] = {cookie}
"""
CART_PUT_LUA = """
wrk.method = "PUT"
wrk.body = "product=" .. {product} .. "&quantity=2&mode=set"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = {cookie}
wrk.headers["X-CSRFToken"] = {csrf}
wrk.headers["HX-Request"] = "true"
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def environment(database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",  # plain HTTP on loopback; no TLS proxy in front
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def recreate_database(database_url):
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn stopped while starting; see its output above")
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz in time")


class Browser:
    """Cookies of one person, and the login form as a browser fills it in."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path, data=None, method=None, headers=None):
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(BASE + path, body, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), "")

    def log_in(self, username, password):
        _, page = self.request("/users/user/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"login": username, "password": password, "csrfmiddlewaretoken": token}
        status, page = self.request("/users/user/login/", form)
        if status != 200 or f">{username}</a>" not in page:
            sys.exit(f"{username} could not log in (status {status})")
        return self

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


class Editor(threading.Thread):
    """Staff saving a product every `seconds`, its stock going up and down."""

    def __init__(self, staff, edited, seconds):
        super().__init__(daemon=True)
        self.staff, self.edited, self.seconds = staff, edited, seconds
        self.stopped = threading.Event()
        self.edits, self.failures = 0, []

    def run(self):
        while not self.stopped.wait(self.seconds):
            data = {**self.edited, "stock": 100 + self.edits % 2}
            del data["url"]
            headers = {"X-CSRFToken": self.staff.cookie("csrftoken"), "Referer": BASE}
            try:
                status, _ = self.staff.request(self.edited["url"], data, "PUT", headers)
            except OSError as error:
                status = str(error)
            self.edits += 1
            if status != 303:  # sent on to the product page
                self.failures.append(status)


def seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def lua(value):
    """A value for a wrk script: a list of numbers as it is, anything else as a Lua string in
    long brackets, which need no escaping (a badge's `data-count="10"` has quotes in it)."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    text, level = str(value), ""
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def run_wrk(url, script, duration, connections):
    # wrk's own timeout (2 s) counts a slower answer as a socket error and leaves it out of the
    # latencies: a slow page would show a better p99 than it has, and an error it doesn't.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "30s", "--latency"]
    command.append(url)
    if script:
        command[1:1] = ["-s", script]
    ran = subprocess.run(command, capture_output=True, text=True, check=True)
    output = ran.stdout
    if ran.stderr.strip():  # wrk reports a broken script there and goes on without it
        sys.exit(f"wrk failed at {url}:\n{ran.stderr}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.M))
    if len(latency) != 2:
        sys.exit(f"wrk measured nothing at {url}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    checked = re.search(r"CHECKED (\d+) MISSING (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": seconds(latency["50"]) * 1000,
        "p99_ms": seconds(latency["99"]) * 1000,
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        "missing_name_or_badge": int(checked.group(2)) if checked else None,
    }


def measure(url, script, duration, connections):
    """A target's run, after a second of it unmeasured: its caches and connections warm, and
    the work the target before it left queued in the workers done (the renders of the
    every-request-a-miss target took a fifth of the next target's five seconds)."""
    run_wrk(url, script, "1s", connections)
    return run_wrk(url, script, duration, connections)


def targets(info, shopper, staff, workdir):
    def script(file_name, template, **values):
        path = workdir / f"{file_name}.lua"
        path.write_text(template.format(**{name: lua(value) for name, value in values.items()}))
        return str(path)

    checked = script(
        "shopper",
        SHOPPER_LUA,
        cookie=shopper.cookie_header(),
        name=f">{info['shopper']}</a>",
        badge=f'data-count="{info["badge"]}"',
    )
    misses = script("misses", MISS_LUA, categories=info["categories"])
    staff_pages = script("staff", HEADER_LUA, cookie=staff.cookie_header())
    cart_put = script(
        "cart_put",
        CART_PUT_LUA,
        product=info["product"],
        cookie=shopper.cookie_header(),
        csrf=shopper.cookie("csrftoken"),
    )
    product = f"/market/products/{info['product']}/"
    category = f"/market/category/{info['category']}/"
    return {
        "healthz": ("/healthz", None),
        "bare view": ("/bench/bare/", None),
        "product list": ("/market/products/", None),
        "search": ("/market/products/?q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA", None),  # чайник
        "category page": (category, None),
        "product page": (product, None),
        "product list, a new address every request": ("/market/products/", misses),
        "product list, shopper": ("/market/products/", checked),
        "category page, shopper": (category, checked),
        "product page, shopper": (product, checked),
        "cart page, shopper": (f"/market/cart/{info['cart']}/", checked),
        "cart PUT (htmx), shopper": (f"/market/cart/{info['cart']}/", cart_put),
        "staff order list": ("/orders/", staff_pages),
    }


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kib(pid, field):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def time_export(master, staff):
    """Download the whole catalogue as CSV; rows per second and the workers' peak memory (their
    peak RSS is reset first, so the figure is the export's own)."""
    pids = worker_pids(master)
    before = {pid: memory_kib(pid, "VmRSS") for pid in pids}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM, the peak RSS
    request = urllib.request.Request(
        f"{BASE}/market/export/product", headers={"Cookie": staff.cookie_header()}
    )
    started = time.perf_counter()
    rows = size = 0
    with urllib.request.urlopen(request, timeout=600) as response:
        for line in response:
            rows += 1
            size += len(line)
    elapsed = time.perf_counter() - started
    peak = max(memory_kib(pid, "VmHWM") for pid in pids)
    rows -= 1  # the header
    return {
        "rows": rows,
        "seconds": round(elapsed, 3),
        "rows_per_second": round(rows / elapsed),
        "megabytes": round(size / 1e6, 1),
        "worker_rss_before_mib": round(max(before.values()) / 1024, 1),
        "worker_peak_rss_mib": round(peak / 1024, 1),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 after placing an order is the answer measured, not the next page


def time_checkouts(checkout, seconds):
    """Placing orders (wrk can't carry a fresh token and a refilled cart per request): each
    bench buyer (logged in through the login form), in a thread of its own, refills its cart
    (an htmx cart PUT), opens the checkout page (its one-time token and total) and places the
    order, for `seconds`. Only the placing POST is timed."""
    opener = urllib.request.build_opener(NoRedirect)
    form = "application/x-www-form-urlencoded"
    deadline = time.monotonic() + seconds
    timings, errors, lock = [], [], threading.Lock()

    def buyer(who):
        headers = {"Cookie": who["cookie"], "X-CSRFToken": who["csrf"], "Content-Type": form}
        cart = f"{BASE}/market/cart/{who['cart']}/"
        refill = f"product={checkout['product']}&quantity=2&mode=set".encode()
        while time.monotonic() < deadline:
            put = urllib.request.Request(
                cart, refill, {**headers, "HX-Request": "true"}, method="PUT"
            )
            opener.open(put, timeout=30).read()
            request = urllib.request.Request(f"{BASE}/orders/checkout/", headers=headers)
            page = opener.open(request, timeout=30).read().decode()
            fields = dict(re.findall(r'name="(token|total)" value="([^"]+)"', page))
            body = urlencode(
                {
                    **fields,
                    "name": "Покупатель",
                    "email": "buyer@example.com",
                    "phone": "+7 900 000-00-00",
                    "delivery": "pickup",
                    "payment": "invoice",
                    "csrfmiddlewaretoken": who["csrf"],
                }
            ).encode()
            started = time.perf_counter()
            try:
                opener.open(urllib.request.Request(f"{BASE}/orders/", body, headers), timeout=30)
                status = 200
            except urllib.error.HTTPError as answer:
                status = answer.code
            with lock:
                (timings if status == 303 else errors).append(time.perf_counter() - started)

    threads = [threading.Thread(target=buyer, args=(who,)) for who in checkout["buyers"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(timings, n=100) if len(timings) > 1 else [0] * 99
    return {
        "buyers": len(threads),
        "orders": len(timings),
        "orders_per_second": round(len(timings) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "errors": len(errors),
    }


def summarise(rounds):
    summary = {}
    for name in rounds[0]:
        runs = [measured[name] for measured in rounds]
        bare = [measured["bare view"] for measured in rounds]
        summary[name] = {
            "rps": round(statistics.median(r["rps"] for r in runs), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "ratio_to_bare": round(
                statistics.median(r["rps"] / b["rps"] for r, b in zip(runs, bare, strict=True)), 3
            ),
            "p99_to_bare": round(
                statistics.median(
                    r["p99_ms"] / b["p99_ms"] for r, b in zip(runs, bare, strict=True)
                ),
                1,
            ),
            "errors": sum(r["errors"] for r in runs),
            "missing_name_or_badge": (
                None
                if runs[0]["missing_name_or_badge"] is None
                else sum(r["missing_name_or_badge"] for r in runs)
            ),
        }
    return summary


def verdict(name, row):
    floor = FLOORS.get(name)
    if floor is None:
        return ""
    met = row["ratio_to_bare"] >= floor
    if name in SHOPPER_PAGES and name != "cart page, shopper":
        met = met and row["p99_to_bare"] <= P99_CEILING
    return f"{floor:.0%} {'✓' if met else '✗'}"


def markdown(meta, summary, export, editor, checkout):
    lines = [
        f"# Benchmark {meta['started']}",
        "",
        f"{meta['products']} products, {meta['categories']} categories; gunicorn "
        f"{meta['workers']} threaded workers; cache: {meta['cache']}; wrk {meta['connections']} "
        f"connections, {meta['duration']} per target, {meta['rounds']} rounds alternating the "
        f"targets; medians. Machine: {meta['cpus']} CPUs (wrk runs on the same machine). "
        f"Staff saved a product every {meta['edit_seconds']} s during the run: "
        f"{editor['edits']} edits, {len(editor['failures'])} failed.",
        "",
        "| target | req/s | p50 ms | p99 ms | ÷ bare | p99 ÷ bare | floor | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in summary.items():
        errors = row["errors"]
        if row["missing_name_or_badge"]:
            errors = f"{errors} (+{row['missing_name_or_badge']} without name or badge)"
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{row['ratio_to_bare']:.0%} | {row['p99_to_bare']:.1f} | {verdict(name, row)} | "
            f"{errors} |"
        )
    if export:
        lines += [
            "",
            f"CSV export of the whole catalogue: {export['rows']} rows in {export['seconds']} s "
            f"({export['rows_per_second']} rows/s, {export['megabytes']} MB); worker memory "
            f"{export['worker_rss_before_mib']} MiB before, peak "
            f"{export['worker_peak_rss_mib']} MiB during the export.",
        ]
    if checkout:
        lines += [
            "",
            f"Placing orders ({checkout['buyers']} shoppers at once, each refilling the cart and "
            f"opening the checkout between orders): {checkout['orders']} orders, "
            f"{checkout['orders_per_second']} a second; the placing POST p50 "
            f"{checkout['p50_ms']} ms, p99 {checkout['p99_ms']} ms; {checkout['errors']} refused.",
        ]
    return "\n".join(lines) + "\n"


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing; install it with: apt-get install wrk")
    products = int(os.environ.get("BENCH_PRODUCTS", "10000"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    duration = os.environ.get("BENCH_DURATION", "5s")
    connections = int(os.environ.get("BENCH_CONNECTIONS", "16"))
    edit_seconds = float(os.environ.get("BENCH_EDIT_SECONDS", "1"))
    chosen = [name.strip() for name in os.environ.get("BENCH_TARGETS", "").split(";") if name]
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench"
    )
    env = environment(database_url)
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")

    log(f"Preparing {database_url} with {products} products…")
    recreate_database(database_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    prepared = subprocess.run(
        [PYTHON, "-m", "bench.prepare", str(products)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(prepared.stdout.strip().splitlines()[-1])

    log("Starting gunicorn…")
    gunicorn = ["gunicorn", "-c", "gunicorn.conf.py", "bench.wsgi", "--workers", str(WORKERS)]
    gunicorn += ["--log-level", "warning"]
    server = subprocess.Popen(
        [PYTHON, "-m", *gunicorn, "--bind", f"127.0.0.1:{PORT}"], cwd=ROOT, env=env
    )
    editor = None
    try:
        wait_until_up(server)
        shopper = Browser().log_in(info["shopper"], info["password"])
        staff = Browser().log_in(info["staff"], info["password"])
        if edit_seconds:
            editor = Editor(staff, info["edited"], edit_seconds)
            editor.start()
        with tempfile.TemporaryDirectory() as workdir:
            plan = targets(info, shopper, staff, Path(workdir))
            if chosen:
                plan = {name: plan[name] for name in ["bare view", *chosen] if name in plan}
            measured = []
            for number in range(1, rounds + 1):
                log(f"Round {number}/{rounds}…")
                measured.append(
                    {
                        name: measure(BASE + path, script, duration, connections)
                        for name, (path, script) in plan.items()
                    }
                )
        if editor:
            editor.stopped.set()
            editor.join()
        export = checkout = None
        if not chosen:
            log("Placing orders…")
            buyers = []
            for buyer in info["checkout"]["buyers"]:
                browser = Browser().log_in(buyer["username"], info["password"])
                cookie, csrf = browser.cookie_header(), browser.cookie("csrftoken")
                buyers.append({"cart": buyer["cart"], "cookie": cookie, "csrf": csrf})
            checkout = time_checkouts(
                {"product": info["checkout"]["product"], "buyers": buyers},
                seconds(duration) * rounds,
            )
            log("Timing the CSV export…")
            export = time_export(server, staff)
    finally:
        if editor:
            editor.stopped.set()
        server.terminate()
        server.wait(timeout=30)

    summary = summarise(measured)
    edits = {"edits": editor.edits if editor else 0, "failures": editor.failures if editor else []}
    meta = {
        "started": started,
        "products": products,
        "categories": len(info["categories"]),
        "workers": WORKERS,
        "cache": "Redis" if env.get("REDIS_URL") else "none (no REDIS_URL)",
        "connections": connections,
        "duration": duration,
        "rounds": rounds,
        "edit_seconds": edit_seconds,
        "cpus": os.cpu_count(),
    }
    report = markdown(meta, summary, export, edits, checkout)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{started}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "targets": summary,
                "rounds": measured,
                "export": export,
                "checkout": checkout,
                "editor": edits,
            },
            indent=2,
        )
    )
    (RESULTS / f"{started}.md").write_text(report)
    print(report)
    missing = sum(row["missing_name_or_badge"] or 0 for row in summary.values())
    missing += sum(  # a shopper page wrk did not check counts as missing
        1
        for name in SHOPPER_PAGES
        if summary.get(name, {"missing_name_or_badge": 0})["missing_name_or_badge"] is None
    )
    errors = sum(row["errors"] for row in summary.values())
    refused = checkout["errors"] if checkout else 0
    if missing or errors or edits["failures"] or refused:
        sys.exit(
            f"The run failed: {missing} shopper pages without the shopper's name or badge, "
            f"{errors} error answers, {len(edits['failures'])} failed edits, {refused} orders "
            "refused."
        )


if __name__ == "__main__":
    main()
