"""Latency (p50, p95) and SQL queries per request, in this process, through
Django's test Client: the whole middleware stack, the view and the template,
against the configured PostgreSQL and Redis; no HTTP server, no network.

Public pages are measured twice:
- "miss": the page cache's generation is bumped before every request (what a
  publish does), so each request renders the page and stores it again;
- "hit": a reader without a session cookie gets the stored copy.
The questionnaire and the admin are never cached. Other caches (renditions,
"most read") stay warm, as they are on a running site. Timings are taken
without query capture; queries are counted on separate requests in the same
state."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.page_cache import CACHE_HIT_HEADER, invalidate_all

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"


@dataclass
class Measurement:
    name: str
    method: str
    url: str
    cache: str  # "miss", "hit" or "never cached"
    samples: list[float] = field(default_factory=list)  # wall seconds
    cpu: list[float] = field(default_factory=list)  # CPU seconds of this process
    queries: list[int] = field(default_factory=list)
    status: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def cpu_p50(self) -> float:
        return percentile(self.cpu, 50)

    @property
    def query_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between the closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def reader() -> Client:
    """A reader's browser behind the production proxy (HTTPS at the proxy)."""
    return Client(
        enforce_csrf_checks=True,
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_USER_AGENT=BROWSER,
        HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9",
    )


def _check(response, name: str, expected: int = 200):
    if response.status_code != expected:
        raise RuntimeError(f"{name}: status {response.status_code}, expected {expected}")
    return response


def timed(request) -> tuple[float, float, object]:
    cpu = time.process_time()
    started = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - started
    return elapsed, time.process_time() - cpu, response


def counted(request) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    queries = len(captured)  # read before the log is emptied
    reset_queries()
    return queries, response


def measure(
    name: str,
    request,
    *,
    method: str,
    url: str,
    cache: str,
    samples: int,
    before=None,
    expected: int = 200,
    warmup: int = 3,
    count_runs: int = 3,
    after_response=None,
) -> Measurement:
    """Time `request()` `samples` times (after `before()` each time, untimed)."""
    result = Measurement(name=name, method=method, url=url, cache=cache)
    for _ in range(warmup):
        if before:
            before()
        _check(request(), name, expected)
    for _ in range(samples):
        if before:
            before()
        elapsed, cpu, response = timed(request)
        _check(response, name, expected)
        if after_response:
            after_response(response)
        result.samples.append(elapsed)
        result.cpu.append(cpu)
    for _ in range(count_runs):
        if before:
            before()
        queries, response = counted(request)
        _check(response, name, expected)
        result.queries.append(queries)
    result.status = expected
    return result


def expect_cache(state: str):
    def check(response):
        got = response.get(CACHE_HIT_HEADER)
        if got != state:
            raise RuntimeError(f"expected a page-cache {state}, got {got!r}")

    return check


def public_page(name: str, url: str, *, miss_samples: int, hit_samples: int) -> list[Measurement]:
    client = reader()
    get = lambda: client.get(url)  # noqa: E731
    miss = measure(
        name,
        get,
        method="GET",
        url=url,
        cache="miss",
        samples=miss_samples,
        before=invalidate_all,
        after_response=expect_cache("miss"),
    )
    _check(client.get(url), name)  # stores the copy
    hit = measure(
        name,
        get,
        method="GET",
        url=url,
        cache="hit",
        samples=hit_samples,
        after_response=expect_cache("hit"),
    )
    return [miss, hit]


def run(targets: dict, *, miss_samples: int, hit_samples: int, private_samples: int, log=print):
    """Measure every target; `targets` comes from bench.targets.prepare()."""
    results: list[Measurement] = []
    for name, url in targets["public"]:
        log(f"latency: {name} {url}")
        results += public_page(name, url, miss_samples=miss_samples, hit_samples=hit_samples)

    interview = targets["interview"]
    contact = reader()
    start_url = interview["start_url"]
    page_url = interview["page_url"]
    log(f"latency: questionnaire {page_url}")
    # Each sample is a first opening: a new browser without the session, as a
    # contact clicking the link in the email, each from an address of its own
    # (a browser that has the session is only redirected, and the rate limit
    # on link openings per network is not what this row measures).
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**7))
    first_visit = {}

    def new_browser():
        first_visit["client"] = reader()
        first_visit["client"].defaults["REMOTE_ADDR"] = next(addresses)

    results.append(
        measure(
            "questionnaire link (token → session, redirect)",
            lambda: first_visit["client"].get(start_url),
            method="GET",
            url="/interview/<token>/",
            cache="never cached",
            samples=private_samples,
            before=new_browser,
            expected=302,
        )
    )
    _check(contact.get(start_url), "questionnaire link", 302)
    results.append(
        measure(
            "questionnaire page",
            lambda: contact.get(page_url),
            method="GET",
            url="/interview/r/<public_id>/",
            cache="never cached",
            samples=private_samples,
        )
    )
    csrf = contact.cookies["csrftoken"].value
    autosave_url = interview["autosave_url"]
    question_id = interview["question_id"]
    counter = iter(range(10**9))

    def autosave():
        # A new text every time, as when someone types: each request writes.
        return contact.post(
            autosave_url,
            {"question": question_id, "text": f"Unsere Antwort, Fassung {next(counter)}."},
            headers={"X-CSRFToken": csrf, "Origin": "https://localhost", "Referer": "https://localhost/"},
        )

    results.append(
        measure(
            "questionnaire autosave",
            autosave,
            method="POST",
            url="/interview/r/<public_id>/autosave/",
            cache="never cached",
            samples=private_samples,
        )
    )

    editor = reader()
    editor.force_login(targets["admin_user"])
    for name, url in targets["admin"]:
        log(f"latency: {name} {url}")
        results.append(
            measure(
                name,
                lambda url=url: editor.get(url),
                method="GET",
                url=url,
                cache="never cached",
                samples=private_samples,
            )
        )
    return results


def side_by_side(pairs: list[tuple[str, str]], *, samples: int, log=print) -> list[Measurement]:
    """Page-cache misses of several pages, taking turns sample by sample (A B,
    A B, ...), so that whatever else the machine does falls on all alike."""
    client = reader()
    results = [Measurement(name=name, method="GET", url=url, cache="miss") for name, url in pairs]
    log("latency: side by side: " + ", ".join(name for name, _ in pairs))
    for _ in range(3):  # warm-up
        for name, url in pairs:
            invalidate_all()
            _check(client.get(url), name)
    for _ in range(samples):
        for result in results:
            invalidate_all()
            elapsed, cpu, response = timed(lambda url=result.url: client.get(url))
            _check(response, result.name)
            expect_cache("miss")(response)
            result.samples.append(elapsed)
            result.cpu.append(cpu)
    for result in results:
        for _ in range(3):
            invalidate_all()
            queries, response = counted(lambda url=result.url: client.get(url))
            result.queries.append(queries)
        result.status = 200
    return results
