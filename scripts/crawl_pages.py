"""Crawl every page of the demo and store what each shows, to compare two versions of the code.

Usage::

    .venv/bin/python scripts/crawl_pages.py crawl OUT.json [--max N]
    .venv/bin/python scripts/crawl_pages.py compare BEFORE.json AFTER.json

``crawl`` loads the demo into a fresh SQLite file, logs in as a beleidsadviseur and follows
every same-site link (breadth first, from the start page and the menu) up to ``--max`` pages
(default 3000). For each URL it stores the status code and the page's ``<main>`` with the
per-request parts taken out (CSRF tokens, nonces, print dates), so that two crawls of the same
data differ only where the code changed what a user sees. Downloads are stored whole
(CSV/XLSX text of the CSV only).

``compare`` prints the URLs only one crawl reached and every URL whose content differs, with
the first differing lines, and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "crawl-wachtwoord-42"
START = ["/", "/kaart/", "/vergelijken/", "/monitor/", "/methoden/"]
SKIP_PREFIXES = ("/static/", "/beheer/", "/uitloggen/", "/inloggen/", "/gemeente/")
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r"Afgedrukt op [^<]*"),
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("OV_DEMO", "true")
    os.environ["OV_DATA_DIR"] = tempfile.mkdtemp(prefix="ov-crawl-")
    os.environ.pop("OV_DATABASE_URL", None)
    os.environ.setdefault("OV_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    import django

    django.setup()


def _client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    from openveiligheid.demo.loader import load_demo, reset_demo_user

    call_command("migrate", verbosity=0)
    load_demo(lambda _message: None)
    name, _ = reset_demo_user()  # the demo account has what a demo user may see
    user = get_user_model().objects.get(username=name)
    user.groups.add(Group.objects.get(name="beleidsadviseur"))
    client = Client()
    client.force_login(user)
    return client


def _main_part(text: str) -> str:
    start, end = text.find("<main"), text.rfind("</main>")
    body = text[start : end + 7] if start >= 0 and end >= 0 else text
    for pattern in VOLATILE:
        body = pattern.sub("", body)
    return body


def _local(href: str, base: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(out: Path, limit: int) -> None:
    _setup_django()
    client = _client()
    seen: dict[str, dict] = {}
    queue = deque(START)
    queued = set(START)
    while queue and len(seen) < limit:
        url = queue.popleft()
        response = client.get(url)
        kind = response.get("Content-Type", "")
        if "html" in kind:
            text = response.content.decode()
            seen[url] = {"status": response.status_code, "content": _main_part(text)}
            parser = _Links()
            parser.feed(text)
            for href in parser.hrefs:
                found = _local(href, url)
                if found and found not in queued:
                    queued.add(found)
                    queue.append(found)
        elif "csv" in kind:
            seen[url] = {"status": response.status_code, "content": response.content.decode()}
        else:
            seen[url] = {"status": response.status_code, "content": f"<{kind}>"}
    out.write_text(json.dumps(seen, ensure_ascii=False, indent=0, sort_keys=True))
    statuses: dict[int, int] = {}
    for page in seen.values():
        statuses[page["status"]] = statuses.get(page["status"], 0) + 1
    print(f"{len(seen)} pages crawled ({len(queue)} left in the queue); status codes: {statuses}")


def compare(before_path: Path, after_path: Path) -> int:
    before = json.loads(before_path.read_text())
    after = json.loads(after_path.read_text())
    only_before = sorted(set(before) - set(after))
    only_after = sorted(set(after) - set(before))
    differing = [
        url
        for url in sorted(set(before) & set(after))
        if before[url]["status"] != after[url]["status"]
        or before[url]["content"] != after[url]["content"]
    ]
    print(f"before: {len(before)} pages, after: {len(after)} pages")
    print(f"only before: {len(only_before)}, only after: {len(only_after)}")
    print(f"same URL, different status or content: {len(differing)}")
    for url in only_before[:20]:
        print(f"  only before: {url}")
    for url in only_after[:20]:
        print(f"  only after: {url}")
    for url in differing[:20]:
        old, new = before[url], after[url]
        print(f"\n== {url} (status {old['status']} -> {new['status']})")
        diff = difflib.unified_diff(
            old["content"].splitlines(), new["content"].splitlines(), lineterm="", n=0
        )
        for line in list(diff)[2:14]:
            print(f"  {line[:200]}")
    return 1 if (only_before or only_after or differing) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    crawl_parser = sub.add_parser("crawl")
    crawl_parser.add_argument("out", type=Path)
    crawl_parser.add_argument("--max", type=int, default=3000)
    compare_parser = sub.add_parser("compare")
    compare_parser.add_argument("before", type=Path)
    compare_parser.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "crawl":
        crawl(args.out, args.max)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
