"""`make bench`: a large catalogue in PostgreSQL, the shop under gunicorn, wrk against its pages.

Prints one table (requests per second, p50 and p99 latency, and each page's requests per second
as a ratio to the bare view measured in the same round), times the CSV export of the whole
catalogue, and writes both to bench/results/ as JSON and markdown. BENCH.md explains the figures.

Environment: BENCH_PRODUCTS (10000), BENCH_ROUNDS (3), BENCH_DURATION (5s per target and round),
BENCH_CONNECTIONS (16), BENCH_PORT (8765), BENCH_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/shop_bench; the database is dropped and created anew),
REDIS_URL (the cache; the Makefile points it at the local Redis, database 1, which the run
clears).
"""

import json
import os
import re
import secrets
import shutil
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
PORT = int(os.environ.get("BENCH_PORT", "8765"))  # another port when 8765 is taken
BASE = f"http://127.0.0.1:{PORT}"
TARGETS_PAGE_RATIO = {  # the floors of issue 8, as ratios to the bare view
    "product list": 0.30,
    "category page": 0.30,
    "product page": 0.30,
    "cart page (logged in)": 0.20,
}

CART_PUT_LUA = """
wrk.method = "PUT"
wrk.body = "product={product}&quantity=2&mode=set"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{csrf}"
wrk.headers["HX-Request"] = "true"
"""
HEADER_LUA = """
wrk.headers["Cookie"] = "{cookie}"
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


def wait_until_up(process, timeout=30):
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


def seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(url, script, duration, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.M))
    if len(latency) != 2:
        sys.exit(f"wrk measured nothing at {url}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": seconds(latency["50"]) * 1000,
        "p99_ms": seconds(latency["99"]) * 1000,
        "errors": int(errors.group(1)) if errors else 0,
    }


def targets(info, workdir):
    def script(name, template, **values):
        path = workdir / f"{name}.lua"
        path.write_text(template.format(**values))
        return str(path)

    shopper = script("shopper", HEADER_LUA, cookie=info["shopper_cookie"])
    staff = script("staff", HEADER_LUA, cookie=info["staff_cookie"])
    cart_put = script(
        "cart_put",
        CART_PUT_LUA,
        product=info["product"],
        cookie=info["shopper_cookie"],
        csrf=info["shopper_csrf"],
    )
    cart = f"/market/cart/{info['cart']}/"
    return {
        "healthz": ("/healthz", None),
        "bare view": ("/bench/bare/", None),
        "product list": ("/market/products/", None),
        "search": ("/market/products/?q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA", None),  # чайник
        "category page": (f"/market/category/{info['category']}/", None),
        "product page": (f"/market/products/{info['product']}/", None),
        "cart page (logged in)": (cart, shopper),
        "cart PUT (htmx)": (cart, cart_put),
        "staff order list": ("/orders/", staff),
    }


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kib(pid, field):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def time_export(master, staff_cookie):
    """Download the whole catalogue as CSV; rows per second and the workers' peak memory (their
    peak RSS is reset first, so the figure is the export's own)."""
    pids = worker_pids(master)
    before = {pid: memory_kib(pid, "VmRSS") for pid in pids}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM, the peak RSS
    request = urllib.request.Request(
        f"{BASE}/market/export/product", headers={"Cookie": staff_cookie}
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
    bench buyer, in a thread of its own, refills its cart (an htmx cart PUT), opens the
    checkout page (its one-time token and total) and places the order, for `seconds`. Only the
    placing POST is timed."""
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
    names = rounds[0].keys()
    summary = {}
    for name in names:
        runs = [measured[name] for measured in rounds]
        summary[name] = {
            "rps": round(statistics.median(r["rps"] for r in runs), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "ratio_to_bare": round(
                statistics.median(
                    r["rps"] / m["bare view"]["rps"] for r, m in zip(runs, rounds, strict=True)
                ),
                3,
            ),
            "errors": sum(r["errors"] for r in runs),
        }
    return summary


def markdown(meta, summary, export, checkout):
    lines = [
        f"# Benchmark {meta['started']}",
        "",
        f"{meta['products']} products, {meta['categories']} categories; gunicorn "
        f"{meta['workers']} sync workers; cache: {meta['cache']}; wrk {meta['connections']} "
        f"connections, {meta['duration']} per target, {meta['rounds']} rounds alternating the "
        f"targets; medians. Machine: {meta['cpus']} CPUs (wrk runs on the same machine).",
        "",
        "| target | req/s | p50 ms | p99 ms | ÷ bare | floor | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in summary.items():
        floor = TARGETS_PAGE_RATIO.get(name)
        verdict = ""
        if floor is not None:
            met = row["ratio_to_bare"] >= floor and row["p99_ms"] < 50
            verdict = f"{floor:.0%} {'✓' if met else '✗'}"
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{row['ratio_to_bare']:.0%} | {verdict} | {row['errors']} |"
        )
    lines += [
        "",
        f"CSV export of the whole catalogue: {export['rows']} rows in {export['seconds']} s "
        f"({export['rows_per_second']} rows/s, {export['megabytes']} MB); worker memory "
        f"{export['worker_rss_before_mib']} MiB before, peak {export['worker_peak_rss_mib']} MiB "
        "during the export.",
        "",
        f"Placing orders ({checkout['buyers']} shoppers at once, each refilling the cart and "
        f"opening the checkout between orders): {checkout['orders']} orders, "
        f"{checkout['orders_per_second']} a second; the placing POST p50 {checkout['p50_ms']} ms, "
        f"p99 {checkout['p99_ms']} ms; {checkout['errors']} refused.",
    ]
    return "\n".join(lines) + "\n"


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing; install it with: apt-get install wrk")
    products = int(os.environ.get("BENCH_PRODUCTS", "10000"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    duration = os.environ.get("BENCH_DURATION", "5s")
    connections = int(os.environ.get("BENCH_CONNECTIONS", "16"))
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
    workers = 2
    gunicorn = ["gunicorn", "bench.wsgi", "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(
        [PYTHON, "-m", *gunicorn, "--bind", f"127.0.0.1:{PORT}"], cwd=ROOT, env=env
    )
    try:
        wait_until_up(server)
        with tempfile.TemporaryDirectory() as workdir:
            plan = targets(info, Path(workdir))
            for path, script in plan.values():  # warm caches and connections
                run_wrk(BASE + path, script, "1s", connections)
            measured = []
            for number in range(1, rounds + 1):
                log(f"Round {number}/{rounds}…")
                measured.append(
                    {
                        name: run_wrk(BASE + path, script, duration, connections)
                        for name, (path, script) in plan.items()
                    }
                )
        log("Placing orders…")
        checkout = time_checkouts(info["checkout"], seconds(duration) * rounds)
        log("Timing the CSV export…")
        export = time_export(server, info["staff_cookie"])
    finally:
        server.terminate()
        server.wait(timeout=30)

    summary = summarise(measured)
    meta = {
        "started": started,
        "products": products,
        "categories": 8 + 8 * 5 + 8 * 5 * 4,
        "workers": workers,
        "cache": "Redis" if env.get("REDIS_URL") else "local memory (per worker)",
        "connections": connections,
        "duration": duration,
        "rounds": rounds,
        "cpus": os.cpu_count(),
    }
    report = markdown(meta, summary, export, checkout)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{started}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "targets": summary,
                "rounds": measured,
                "export": export,
                "checkout": checkout,
            },
            indent=2,
        )
    )
    (RESULTS / f"{started}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
