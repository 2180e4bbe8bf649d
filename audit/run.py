"""`make audit`: the shop's pages measured by axe-core and Lighthouse, and photographed.

Serves the demo shop (seed_demo on a fresh SQLite file) under gunicorn with debug off and the
production static files, then, for each page of PAGES as a visitor and as the demo shopper:

- axe-core (from the axe-playwright-python package), injected with Playwright into Debian's
  Chromium, at 390 px and 1366 px: any serious or critical violation fails the audit;
- Lighthouse (npm, `audit/package.json`, mobile preset) with its four scores: below GOALS fails;
- screenshots at 390 px and 1366 px, in Russian and English.

Everything goes to artifacts/audit/: summary.md, Lighthouse's HTML and JSON reports, axe's
violations (axe-*.json) and screens/. Exits 1 if a goal is missed. Environment: AUDIT_PAGES (a
comma-separated subset of PAGES' names), AUDIT_LIGHTHOUSE=0 to run axe and screenshots only.
"""

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "audit"
LIGHTHOUSE = ROOT / "audit" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHTHOUSE_ATTEMPTS = 3
SHOPPER, PASSWORD = "shopper", "shopper12345"  # seed_demo's demo shopper
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
LANGUAGES = ("ru", "en")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
SERIOUS = ("serious", "critical")

# name -> (path, who sees it); a path in braces is looked up once the shop runs.
PAGES = {
    "front": ("/", ("visitor", "shopper")),
    "products": ("/market/products/", ("visitor", "shopper")),
    "product": ("{product}", ("visitor", "shopper")),
    "categories": ("/market/category/", ("visitor", "shopper")),
    "cart": ("/market/cart/", ("shopper",)),
    "checkout": ("/orders/checkout/", ("shopper",)),
    "login": ("/users/user/login/", ("visitor",)),
    "signup": ("/users/user/register/", ("visitor",)),
}


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(folder):
    """Migrate and seed a fresh database, collect the static files, start gunicorn."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": f"sqlite:///{folder / 'audit.sqlite3'}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # seed_demo refuses to run with debug off (it sets known passwords): this database is ours.
    seeding = {**env, "DJANGO_DEBUG": "1"}
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=seeding, check=True, capture_output=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the shop did not start")


class Session:
    """The demo shopper, logged in through the login form like anyone else."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data, headers=None):
        request = urllib.request.Request(
            self.base + path, urlencode(data).encode(), headers=headers or {}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def token(self, page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self):
        page = self.get("/users/user/login/")
        form = {"login": SHOPPER, "password": PASSWORD, "csrfmiddlewaretoken": self.token(page)}
        self.post("/users/user/login/", form)
        if "sessionid" not in self.cookies():
            raise SystemExit("the demo shopper could not log in")

    def fill_cart(self):
        """Two lines in the cart, so that the cart and checkout pages have something to show."""
        products = re.findall(r'href="/market/products/(\d+)/"', self.get("/market/products/"))
        cart = re.search(r'href="(/market/cart/\d+/)"', self.get("/"))
        for product in products[:2]:
            page = self.get(f"/market/products/{product}/")
            data = {"_method": "PUT", "product": product, "quantity": 1, "mode": "add"}
            self.post(cart.group(1), {**data, "csrfmiddlewaretoken": self.token(page)})

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}


def exists(base, path, cookies):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie_header(cookies)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status == 200 and response.geturl() == base + path
    except urllib.error.HTTPError:
        return False


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# A screen at a time, a frame each, down to the bottom of the page.
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await new Promise(requestAnimationFrame);
  }
}"""


def run_axe_and_photograph(base, targets, cookies):
    """axe at both widths (Russian, the default) and screenshots in both languages; returns
    {(page, role, width): [serious violations]}."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe, found = Axe(), {}
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
        for name, path, role in targets:
            for width_name, (width, height) in WIDTHS.items():
                for language in LANGUAGES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale=language
                    )
                    if role == "shopper":
                        context.add_cookies(
                            [{"name": k, "value": v, "url": base} for k, v in cookies.items()]
                        )
                    page = context.new_page()
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    # Lazy pictures far below the first screen load only once scrolled near: a
                    # full-page shot would show their cards empty.
                    page.evaluate(SCROLL_THROUGH)
                    page.wait_for_function("[...document.images].every(image => image.complete)")
                    page.evaluate("window.scrollTo(0, 0)")
                    shot = screens / f"{name}-{role}-{width_name}-{language}.png"
                    page.screenshot(path=shot, full_page=True)
                    if language == "ru":
                        violations = axe.run(page).response["violations"]
                        serious = [v for v in violations if v["impact"] in SERIOUS]
                        found[(name, role, width_name)] = serious
                        report = ARTIFACTS / f"axe-{name}-{role}-{width_name}.json"
                        report.write_text(json.dumps(violations, indent=2, ensure_ascii=False))
                    context.close()
        browser.close()
    return found


def run_lighthouse(base, name, path, role, cookies):
    """Lighthouse's mobile preset on one page: its four scores, 0-100, and the SEO audits it
    failed."""
    output = ARTIFACTS / f"lighthouse-{name}-{role}"
    command = [
        str(LIGHTHOUSE),
        base + path,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if role == "shopper":
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie_header(cookies)})}")
    # On a busy machine Lighthouse now and then loses its trace (NO_NAVSTART): try again.
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode == 0:
            break
        log(f"lighthouse failed on {name} as {role} (attempt {attempt} of {LIGHTHOUSE_ATTEMPTS})")
    else:
        raise SystemExit(f"Lighthouse failed {LIGHTHOUSE_ATTEMPTS} times on {path}")
    report = json.loads(Path(f"{output}.report.json").read_text())
    return {key: round(report["categories"][key]["score"] * 100) for key in GOALS}


def main():
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit("Chromium is needed: apt-get install chromium")
    with_lighthouse = os.environ.get("AUDIT_LIGHTHOUSE", "1") != "0"
    if with_lighthouse and not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm ci --prefix audit (make audit does it)")
    wanted = [n for n in os.environ.get("AUDIT_PAGES", "").split(",") if n] or list(PAGES)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    folder = Path(tempfile.mkdtemp(prefix="shop-audit-"))
    server, base = serve(folder)
    try:
        shopper = Session(base)
        shopper.log_in()
        shopper.fill_cart()
        cookies = shopper.cookies()
        product = re.search(r'href="(/market/products/\d+/)"', shopper.get("/market/products/"))
        targets = []
        for name in wanted:
            path, roles = PAGES[name]
            path = path.format(product=product.group(1))
            for role in roles:
                if exists(base, path, cookies if role == "shopper" else {}):
                    targets.append((name, path, role))
                else:
                    log(f"skipped {name} as {role}: {path} does not answer 200 here")
        log(f"axe and screenshots: {len(targets)} pages")
        serious = run_axe_and_photograph(base, targets, cookies)
        scores = {}
        if with_lighthouse:
            for name, path, role in targets:
                log(f"lighthouse: {name} as {role}")
                scores[(name, role)] = run_lighthouse(base, name, path, role, cookies)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return report(targets, serious, scores)


def report(targets, serious, scores):
    lines = [
        "| page | as | axe serious/critical (390 px, 1366 px) | " + " | ".join(GOALS) + " |",
        "|---|---|---|" + "---:|" * len(GOALS),
    ]
    failed = False
    for name, _path, role in targets:
        found = [serious[(name, role, width)] for width in WIDTHS]
        ids = ", ".join(sorted({v["id"] for violations in found for v in violations})) or "none"
        failed |= any(found)
        row = [name, role, ids]
        for key, goal in GOALS.items():
            score = scores.get((name, role), {}).get(key)
            if score is None:
                row.append("—")
            else:
                failed |= score < goal
                row.append(f"{score}{'' if score >= goal else ' ✗'}")
        lines.append("| " + " | ".join(row) + " |")
    goals = ", ".join(f"{key} ≥ {goal}" for key, goal in GOALS.items())
    lines += ["", f"Goals: no serious or critical axe violation; Lighthouse (mobile) {goals}."]
    summary = "\n".join(lines)
    (ARTIFACTS / "summary.md").write_text(summary + "\n")
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
