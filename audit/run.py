"""`make audit`: the site and its emails through outside checkers, run by hand (not a test).

1. Serves the site as production does: the audit's database migrated and loaded with the demo
   content, static files collected, gunicorn with gunicorn.conf.py (DEBUG off) behind Caddy with
   the repository's Caddyfile (TLS with Caddy's own local certificate authority, compression), on
   free loopback ports.
2. Lighthouse (mobile, its default) on the main pages: the four category scores and every audit
   that scored below 0.9.
3. axe-core, injected with Playwright into Debian's Chromium, on the same pages in light and dark
   colour schemes, on a phone (390x844) and a desktop (1280x800): each violation, its impact and
   how many elements.
4. SpamAssassin (local tests only) on the confirmation, welcome and edition emails, as the bytes
   the mailer sends (``audit.emails``): the score and the rules that hit.
5. doiuse-email (the caniemail data) on each email's HTML part, for Outlook on Windows, Gmail,
   Apple Mail and Yahoo.

Everything printed also goes to .audit/REPORT.md; the raw outputs (Lighthouse JSON, axe JSON, the
.eml files) stay in .audit/. The audit reports and always finishes; it fails only when a checker
cannot run.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".audit"
NODE_MODULES = ROOT / ".tools" / "audit" / "node_modules"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
DOIUSE = NODE_MODULES / "doiuse-email" / "bin" / "cli.js"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# Chromium as the build machines allow it (as the browser tests run it); the certificate is Caddy's
# own local authority's, which no trust store holds.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--ignore-certificate-errors",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index"]  # fmt: skip
VIEWPORTS = {"phone 390x844": (390, 844, True), "desktop 1280x800": (1280, 800, False)}
SCHEMES = ["light", "dark"]
# The clients the newsletter cares about, as doiuse-email names them (globs).
EMAIL_CLIENTS = {
    "Outlook Windows": "outlook.windows",
    "Gmail": "gmail.*",
    "Apple Mail": "apple-mail.*",
    "Yahoo": "yahoo.*",
}
# The emails are built for the public site's name, not the loopback address the pages are served
# on: a link to a bare IP address is itself a spam sign no real copy carries.
EMAIL_SITE_URL = os.environ.get("AUDIT_EMAIL_SITE_URL", "https://verdicts.example")
POSTAL_ADDRESS = "AI Tool Verdicts, 1 Example Street, Springfield"

_report: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    _report.append(line)


def audit_env(**overrides: str) -> dict[str, str]:
    """The production configuration (DEBUG off) on the audit's database and Redis database."""
    return {
        **{name: value for name, value in os.environ.items() if name != "DEBUG"},
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aitv_audit"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
        ),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "NEWSLETTER_POSTAL_ADDRESS": POSTAL_ADDRESS,
        **overrides,
    }


def prepare(env: dict[str, str]) -> None:
    """The audit's database (created when missing) migrated, seeded and its static files
    collected, as a deploy does; its Redis database emptied."""
    import psycopg
    import redis

    server, name = env["DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
    # Pages cached by an earlier run name that run's address: the audit's Redis database is its own.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def main_pages(base: str) -> dict[str, str]:
    """The pages to audit: the first comparison the home page links to, and the first tool that
    comparison links to."""
    from tests.services import Browser

    comparison = re.search(r'href="(/compare/[a-z0-9-]+/)"', Browser(base).get("/").body)
    assert comparison, "the home page links to no comparison"
    tool = re.search(r'href="(/tools/[a-z0-9-]+/)"', Browser(base).get(comparison.group(1)).body)
    assert tool, f"{comparison.group(1)} links to no tool"
    return {
        "home": "/",
        "comparison": comparison.group(1),
        "tool": tool.group(1),
        "tool index": "/tools/",
        "search": "/search/?q=vision",
        "newsletter": "/newsletter/",
    }


# --- Lighthouse -------------------------------------------------------------------------------


def lighthouse(name: str, url: str, tries: int = 3) -> None:
    output = OUT / "lighthouse" / f"{slug(name)}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(tries):
        output.unlink(missing_ok=True)
        result = subprocess.run(
            ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={output}", "--quiet",
             f"--only-categories={','.join(CATEGORIES)}",
             f"--chrome-flags=--headless=new {' '.join(CHROMIUM_FLAGS)}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
        )  # fmt: skip
        # A trace Chromium failed to record (NO_NAVSTART, on a busy machine) is worth a new try.
        if result.returncode == 0 and output.exists():
            break
        say(f"- **{name}**: Lighthouse failed ({result.returncode}): {last_line(result.stderr)}")
    else:
        return
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        say(f"- **{name}**: runtime error {report['runtimeError']}")
    scores = " · ".join(
        f"{category} {score(report['categories'][category]['score'])}" for category in CATEGORIES
    )
    say(f"- **{name}** `{urlpath(url)}`: {scores}")
    metrics = ", ".join(
        f"{metric} {report['audits'][metric].get('displayValue', '?')}" for metric in METRICS
    )
    benchmark = report["environment"].get("benchmarkIndex", "?")
    say(f"  - {metrics}; the machine's benchmark index {benchmark}")
    for category in CATEGORIES:
        failed = [
            finding
            for ref in report["categories"][category]["auditRefs"]
            if (finding := shortfall(ref["id"], report["audits"][ref["id"]]))
        ]
        if failed:
            say(f"  - {category} below 0.9: {', '.join(failed)}")


def shortfall(name: str, audit: dict) -> str | None:
    """An audit that failed or scored below 0.9, with its value and the addresses it names."""
    mode = audit.get("scoreDisplayMode")
    if mode == "error":
        return f"{name} (error: {audit.get('errorMessage', '')[:80]})"
    scored = mode in ("binary", "numeric", "metricSavings") and audit["score"] is not None
    if not scored or audit["score"] >= 0.9:
        return None
    shown = f" {audit['displayValue']}" if audit.get("displayValue") else ""
    # An insight's estimated gain: zero for all its metrics means it costs this page nothing.
    savings = audit.get("metricSavings") or {}
    if savings and name.endswith("-insight"):
        shown += " est. savings " + " ".join(f"{k} {v:.0f}ms" for k, v in savings.items())
    urls = sorted(set(re.findall(r'"url": "([^"]+)"', json.dumps(audit.get("details", {})))))
    named = f"; {', '.join(urlpath(url) for url in urls[:4])}" if urls else ""
    reflows = re.findall(r'"reflowTime": ([\d.]+)', json.dumps(audit.get("details", {})))
    if reflows:
        shown += f" forced reflows {sum(map(float, reflows)):.0f}ms"
    return f"{name} ({audit['score']:.2f}{shown}{named})"


def score(value: float | None) -> str:
    return "n/a" if value is None else str(round(value * 100))


# --- axe --------------------------------------------------------------------------------------


def axe(pages: dict[str, str], base: str) -> None:
    from playwright.sync_api import sync_playwright

    source = AXE.read_text()
    found: dict[str, list] = {}
    review: dict[str, list] = {}  # what axe could not decide (a colour over an image, say)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            for viewport, (width, height, mobile) in VIEWPORTS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        is_mobile=mobile,
                        has_touch=mobile,
                        color_scheme=scheme,  # type: ignore[arg-type]
                        ignore_https_errors=True,
                    )
                    page = context.new_page()
                    for name, path in pages.items():
                        page.goto(base + path, wait_until="networkidle")
                        # Evaluated through the DevTools protocol: the page's CSP does not apply.
                        page.evaluate(source)
                        result = page.evaluate(
                            "axe.run(document, {resultTypes: ['violations', 'incomplete']})"
                        )
                        key = f"{name} · {viewport} · {scheme}"
                        found[key] = result["violations"]
                        review[key] = result["incomplete"]
                    context.close()
        finally:
            browser.close()
    (OUT / "axe.json").write_text(json.dumps({"violations": found, "incomplete": review}, indent=1))
    version = re.search(r"axe v([\d.]+)", source)
    say(f"axe-core {version.group(1) if version else '?'}, {len(found)} page loads.")
    say()
    for key, violations in found.items():
        if not violations:
            say(f"- {key}: no violations")
            continue
        listed = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations)
        say(f"- {key}: {listed}")
    undecided = Counter(
        f"{item['id']} ({item['impact']}) on `{' '.join(map(str, node['target']))}`: "
        + (node["any"][0]["message"] if node.get("any") else "")
        for items in review.values()
        for item in items
        for node in item["nodes"]
    )
    if undecided:
        say()
        say("Left for a person to check (axe's incomplete results), with how many page loads:")
        say()
        for finding, count in undecided.most_common():
            say(f"- {finding} ({count})")
    # Each distinct violation once, with one element it names, for the fixes.
    details: dict[str, tuple[str, str, str]] = {}
    for key, violations in found.items():
        for violation in violations:
            node = violation["nodes"][0]
            details.setdefault(
                violation["id"],
                (violation["help"], key, f"{node['target']}: {node.get('failureSummary', '')}"),
            )
    if details:
        say()
        say("First occurrence of each violation:")
        say()
        for rule, (help_text, key, node) in details.items():
            say(f"- `{rule}` — {help_text}; first on {key}: `{' '.join(node.split())[:400]}`")


# --- Emails -----------------------------------------------------------------------------------


def build_emails(env: dict[str, str]) -> list[Path]:
    folder = OUT / "emails"
    if folder.exists():
        shutil.rmtree(folder)
    result = subprocess.run(
        [sys.executable, "-m", "audit.emails", str(folder)],
        cwd=ROOT, env={**env, "SITE_URL": EMAIL_SITE_URL}, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"building the emails failed:\n{result.stdout}\n{result.stderr}")
    for line in result.stdout.splitlines():
        say(f"- {line}")
    return sorted(folder.glob("*.eml"))


# SpamAssassin's own test message (GTUBE): any working setup scores it 1000 or more.
GTUBE = (
    "From: someone@example.com\nTo: reader@example.com\nSubject: control\n\n"
    "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n"
)


def spamassassin_setup() -> None:
    version = subprocess.run(["spamassassin", "-V"], capture_output=True, text=True).stdout
    updates = sorted(Path("/var/lib/spamassassin").glob("*/updates_spamassassin_org"))
    rules = str(updates[-1]) if updates else "the package's own, /usr/share/spamassassin"
    say(f"{version.splitlines()[0] if version else 'SpamAssassin ?'}; rules: {rules}.")
    checked = subprocess.run(
        ["spamassassin", "-t", "-L"], input=GTUBE.encode(), capture_output=True
    )
    found = re.search(rb"score=(-?[\d.]+)", checked.stdout)
    say(f"Control (the GTUBE test message): score {found.group(1).decode() if found else '?'}.")
    say()


def spamassassin(eml: Path) -> None:
    result = subprocess.run(
        ["spamassassin", "-t", "-L"], input=eml.read_bytes(), capture_output=True,
    )  # fmt: skip
    checked = result.stdout
    (eml.with_suffix(".spamassassin.txt")).write_bytes(checked)
    message = message_from_bytes(checked, policy=policy.compat32)
    status = " ".join((message["X-Spam-Status"] or "").split())
    found = re.search(r"score=(-?[\d.]+)", status)
    tests = re.search(r"tests=(\S+)", status)
    say(f"- **{eml.stem}**: score {found.group(1) if found else '?'} (`{status[:60]}…`)")
    # The report's table: points, rule, description.
    text = checked.decode(errors="replace")
    table = re.search(r"Content analysis details:.*?\n\n?(.*?)(\n\n|\Z)", text, re.S)
    if table:
        for line in table.group(1).splitlines():
            if re.match(r"\s*-?\d+(\.\d+)?\s+[A-Z0-9_]+", line):
                say(f"  - `{' '.join(line.split())}`")
    elif tests:
        say(f"  - rules: {tests.group(1)}")
    if result.returncode not in (0, 1):
        say(f"  - spamassassin exited {result.returncode}: {result.stderr.decode()[-300:]}")


def html_part(eml: Path) -> Path:
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    part = message.get_body(preferencelist=("html",))
    assert part is not None, f"{eml.name} has no HTML part"
    path = eml.with_suffix(".html")
    path.write_text(part.get_content())  # type: ignore[attr-defined]
    return path


def caniemail(html: Path) -> None:
    say(f"- **{html.stem}**:")
    for client, pattern in EMAIL_CLIENTS.items():
        result = subprocess.run(
            ["node", str(DOIUSE), "--email-clients", pattern, str(html)],
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            say(f"  - {client}: doiuse-email failed: {result.stderr[-300:]}")
            continue
        answer = json.loads(result.stdout)
        errors, notes = answer.get("errors", []), answer.get("notes", [])
        say(f"  - {client} (`{pattern}`): {len(errors)} unsupported, {len(notes)} notes")
        # The same finding comes once per element or declaration: each once, with its count.
        for kind, lines in (("unsupported", errors), ("note", notes)):
            for line, count in Counter(lines).items():
                say(f"    - {kind} x{count}: {line}")


# --- Running it -------------------------------------------------------------------------------


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def urlpath(url: str) -> str:
    """An address on the audited site without its origin; another origin's whole."""
    parts = url.split("/", 3)
    return "/" + parts[3] if len(parts) == 4 and parts[2].startswith("127.0.0.1") else url


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def needed() -> None:
    missing = [str(p.relative_to(ROOT)) for p in (LIGHTHOUSE, AXE, DOIUSE) if not p.exists()]
    missing += [c for c in (CHROMIUM, "caddy", "spamassassin", "node") if not shutil.which(c)]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)} (make audit installs them)")


def main() -> None:
    needed()
    from tests.services import CADDYFILE, caddy, free_port, gunicorn

    OUT.mkdir(exist_ok=True)
    started = time.monotonic()
    app, front = free_port(), free_port()
    base = f"https://127.0.0.1:{front}"
    env = audit_env(SITE_URL=base)
    versions = subprocess.run(
        ["node", str(LIGHTHOUSE), "--version"], capture_output=True, text=True
    ).stdout.strip()
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    say(f"# Audit, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    say()
    say(f"Commit {git('rev-parse', '--short', 'HEAD')} ({git('log', '-1', '--format=%s')[:80]}).")
    say(f"Lighthouse {versions}, {chromium.strip()}; the site at {base} (gunicorn behind Caddy,")
    say(f"DEBUG off, demo content). Load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    say()
    prepare(env)
    with ExitStack() as stack:
        stack.enter_context(gunicorn(env, app))
        # The Caddyfile's placeholders: where it answers, and the gunicorn behind it.
        proxy = {
            "PROXY_ADDRESS": base,
            "PROXY_UPSTREAM": f"127.0.0.1:{app}",
            "PROXY_BIND": "127.0.0.1",
        }
        stack.enter_context(caddy(CADDYFILE, proxy, base))
        pages = main_pages(base)
        say("## Lighthouse (mobile)")
        say()
        for name, path in pages.items():
            lighthouse(name, base + path)
        say()
        say("## axe")
        say()
        axe(pages, base)
    say()
    say(f"## SpamAssassin (local tests), emails built for {EMAIL_SITE_URL}")
    say()
    emls = build_emails(env)
    say()
    spamassassin_setup()
    for eml in emls:
        spamassassin(eml)
    say()
    say("## caniemail (doiuse-email)")
    say()
    for eml in emls:
        caniemail(html_part(eml))
    say()
    say(f"Took {time.monotonic() - started:.0f} s.")
    (OUT / "REPORT.md").write_text("\n".join(_report) + "\n")
    print(f"Written to {(OUT / 'REPORT.md').relative_to(ROOT)}")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
