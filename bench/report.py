"""RESULTS.md from one run's figures."""

from __future__ import annotations

import statistics


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(
    *,
    environment,
    seeding,
    interview,
    latencies,
    throughput,
    photos,
    quick,
    seconds,
    side_by_side=None,
    listings=None,
    small_seeding=None,
    fold=None,
    relay=None,
    sizes="",
    front=None,
    scans=None,
) -> str:
    from . import goals

    targets = (
        goals.case_study(side_by_side or [])
        + goals.listings(listings)
        + goals.photos(photos)
        + goals.background(fold, relay, scans)
        + goals.front(front)
    )
    parts = [
        "# Benchmark results",
        "",
        f"Written by `bin/bench{' --quick' if quick else ''}` on {environment['date']} at commit "
        f"{environment['commit']}; the whole run took {seconds / 60:.1f} minutes. Every figure below "
        "comes from this one run. How to reproduce it and what the figures mean: README.md, section "
        '"Benchmarks".',
    ]
    if quick:
        parts += ["", "**Quick run: too few samples to compare with anything. Not for RESULTS.md.**"]
    parts += [
        "",
        "## Targets",
        "",
        "Each target of issues 16 and 17 beside the figure this run measured. Both sides of every ratio "
        f"were measured in this run, taking turns where the section below says so. {sizes}",
        "",
        _table(["target", "figure", ""], [[g.target, g.figure, g.verdict] for g in targets]),
        "",
        "## Machine",
        "",
        _table(
            ["", ""],
            [
                ["CPU", environment["cpu"]],
                ["cores", environment["cores"]],
                ["memory", environment["memory"]],
                ["OS", environment["os"]],
                ["Python", environment["python"]],
                ["PostgreSQL", environment["postgresql"]],
                ["Redis", environment["redis"]],
                ["packages", environment["packages"]],
                [
                    "load average (1/5/15 min)",
                    f"{environment['load_before']} at the start, {environment['load_after']} at the end",
                ],
            ],
        ),
        "",
        "PostgreSQL, Redis, the server and the load generator all share these cores; the load "
        "average says how much else was running. Figures that are ratios were measured side by "
        "side in this run and are what to compare across machines; absolute times are this "
        "machine's.",
        "",
        "## Data",
        "",
        _seeding(seeding),
        "",
        "## Latency and SQL queries per request",
        "",
        "In-process through Django's test Client: the whole middleware stack, view and template "
        "against PostgreSQL and Redis, with production settings (DEBUG off, hashed static files, "
        "HTTPS as behind the proxy, a browser's User-Agent so page views are counted); no HTTP "
        "server. *miss*: the page cache's generation is bumped before each request (as a publish "
        "does), so the page is rendered and stored; *hit*: a reader without a session cookie gets "
        'the stored copy. Renditions and "most read" stay cached, as on a running site. Wall '
        "time includes the waits for PostgreSQL and Redis; *CPU* is this process's CPU time only. "
        f"Samples: {_samples(latencies)}. Queries are counted on three further requests "
        "(a range where they differed).",
        "",
        _table(
            ["request", "page cache", "p50 ms", "p95 ms", "CPU p50 ms", "SQL queries"],
            [
                [
                    f"{m.name} `{m.method} {m.url}`",
                    m.cache,
                    _ms(m.p50),
                    _ms(m.p95),
                    _ms(m.cpu_p50),
                    m.query_text,
                ]
                for m in latencies
            ],
        ),
        "",
        f"The questionnaire is the seeded request with the longest contact log ({interview['events']} "
        f"events, {interview['questions']} questions). The link is exchanged for a session on "
        "every sample (a new session each time); autosave writes a new text on every sample.",
        "",
        _page_cache_ratio(latencies),
        "",
        "## Case study against a plain Wagtail page",
        "",
        _side_by_side(side_by_side),
        "",
        "## Listings at two data sizes",
        "",
        _listings(listings, small_seeding),
        "",
        "## Background work",
        "",
        _background(fold, relay),
        "",
        "## Throughput under gunicorn",
        "",
        _throughput(throughput),
        "",
        "## Photos",
        "",
        _photos(photos),
        "",
    ]
    return "\n".join(parts)


def _samples(latencies) -> str:
    by_cache: dict[str, int] = {}
    for m in latencies:
        by_cache.setdefault(m.cache, len(m.samples))
    return ", ".join(f"{count} per row ({cache})" for cache, count in by_cache.items())


def _seeding(seeding) -> str:
    scale = seeding["scale"]
    what = (
        f"{scale['case_studies']:,} case studies (from {scale['companies']:,} companies, "
        f"{scale['authors']} authors besides the demo's, {scale['tags']} tags, "
        f"{scale['images']} shared images), {scale['interview_requests']:,} interview requests "
        f"({scale['questions_per_request']} questions each, answers where the status has them) and "
        f"{scale['contact_events']:,} contact events, on top of the demo (`manage.py load_demo`); "
        f'plus {scale["pageview_days"]} days of page views for "most read".'
    )
    if seeding["skipped"]:
        return f"{what} Already seeded at this scale by an earlier run: seeding skipped."
    steps = ", ".join(f"{name} {secs:.1f} s" for name, secs in seeding["steps"].items())
    return f"{what} Seeded in this run in {seeding['seconds']:.1f} s ({steps})."


def _page_cache_ratio(latencies) -> str:
    pairs = {}
    for m in latencies:
        pairs.setdefault(m.name, {})[m.cache] = m
    lines = ["Page cache, p50 of a miss divided by p50 of a hit (same run, same page):", ""]
    for name, pair in pairs.items():
        if "miss" in pair and "hit" in pair:
            lines.append(f"- {name}: {pair['miss'].p50 / pair['hit'].p50:.0f}×")
    return "\n".join(lines)


def _round_ratios(result, ceiling) -> list[float]:
    return [
        run.requests_per_second / base.requests_per_second
        for run, base in zip(result.runs, ceiling.runs, strict=True)
    ]


def _throughput(load) -> str:
    results = load["results"]
    ceiling = results[0]
    rows = []
    for result in results:
        ratios = _round_ratios(result, ceiling)
        rows.append(
            [
                result.target.name,
                " / ".join(f"{run.requests_per_second:,.0f}" for run in result.runs),
                f"{statistics.median(run.requests_per_second for run in result.runs):,.0f}",
                f"{statistics.median(ratios):.2f}",
                f"{result.cpu_ms:.2f}",
                " / ".join(f"{run.p50_ms:.0f}" if run.p50_ms is not None else "–" for run in result.runs),
                " / ".join(f"{run.p99_ms:.0f}" if run.p99_ms is not None else "–" for run in result.runs),
                str(sum(run.errors for run in result.runs)),
            ]
        )
    cached, cached_ceiling = results[1], results[2]
    ratios = _round_ratios(cached, ceiling)
    hit_ratios = _round_ratios(cached, cached_ceiling)
    return "\n".join(
        [
            f"`{load['server']}` (sync workers, as in the Docker image; no access log), "
            f"load from `{load['tool']}` with {load['connections']} connections"
            f"{', ' + str(load['threads']) + ' thread' if 'wrk' in load['tool'] else ''}, "
            f"{load['duration']} s per run after a {load['warmup']} s warm-up per target, "
            f"{load['rounds']} rounds with the targets taking turns (A B C, A B C, …), so that "
            "whatever else the machine does falls on all of them alike; a ratio is taken per round "
            "and the median of the rounds is given. Every request sends `X-Forwarded-Proto: https` "
            "(as the proxy does) and a browser's User-Agent (so the page-view counter runs: one "
            "Redis round trip). The minimal view is mounted only in `bench/urls.py`: it runs the "
            "same middleware, including the page cache's lookup (two Redis round trips, a miss: "
            "it is marked no-store), and returns `ok`; its twin *minimal view, page cache hit* is "
            "stored by the page cache, so it is the least a cache hit can cost (a 3-byte body, no "
            "page-view count). *Server CPU* is the CPU time of gunicorn's "
            "master and workers during a run divided by its requests (median of the rounds): it "
            "depends much less on what else the machine runs than requests per second do.",
            "",
            _table(
                [
                    "target",
                    "req/s per round",
                    "median req/s",
                    "÷ minimal",
                    "server CPU ms/request",
                    "p50 ms per round",
                    "p99 ms per round",
                    "errors",
                ],
                rows,
            ),
            "",
            f"**Cached case study ÷ minimal view: {statistics.median(ratios):.2f} of the requests "
            f"per second** (per round: {', '.join(f'{ratio:.2f}' for ratio in ratios)}); "
            f"server CPU per request {cached.cpu_ms:.2f} ms against {ceiling.cpu_ms:.2f} ms "
            f"({cached.cpu_ms / ceiling.cpu_ms:.2f}×). Against the minimal page-cache hit: "
            f"{statistics.median(hit_ratios):.2f} of the requests per second, "
            f"{cached.cpu_ms / cached_ceiling.cpu_ms:.2f}× the server CPU per request.",
        ]
    )


def _photos(results) -> str:
    if not results:
        return "No photo was measured."
    rows = []
    ratios = []
    for result in results:
        pipeline, plain = result["pipeline"], result["pillow"]
        clean = statistics.median(run["clean"] for run in pipeline["runs"])
        base = statistics.median(run["decode_encode"] for run in plain["runs"])
        cpu_pipeline = statistics.median(run["cpu"] for run in pipeline["runs"])
        cpu_plain = statistics.median(run["cpu"] for run in plain["runs"])
        extra_pipeline = pipeline["peak_kib"] - pipeline["rss_before_kib"]
        extra_plain = plain["peak_kib"] - plain["rss_before_kib"]
        rows.append(
            [
                result["file"],
                _ms(clean),
                _ms(base),
                f"{clean / base:.2f} (CPU {cpu_pipeline / cpu_plain:.2f})",
                f"{_mib(extra_pipeline)} / {_mib(extra_plain)}",
                f"{extra_pipeline / extra_plain:.2f}",
                f"{_mib(pipeline['peak_kib'])} / {_mib(plain['peak_kib'])}",
            ]
        )
        ratios.append((result["file"].split(":")[0], clean / base, extra_pipeline / extra_plain))
    runs = len(results[0]["pipeline"]["runs"])
    return "\n".join(
        [
            "Our pipeline (`casestudies/interviews/photos.py`: `clean_photo`, what an upload costs = "
            "read within the byte limit, hash, identify, check the pixel limit, decode once, read the "
            "EXIF orientation, convert to RGB unless it is, make the upright thumbnail from the decoded "
            "pixels (`reduce` by an integer factor, then resampled), re-encode the photo in the camera's "
            "pixel order as JPEG quality 88 with no metadata but the orientation tag) against Pillow's plain round trip of the same file "
            "(`Image.open`, `load()`, `save` as JPEG quality 88, HEIC through the same "
            "pillow-heif plugin). Each measurement runs in a fresh Python process that imports the "
            f"same modules and reads the file first; times are the median of {runs} runs after one "
            "warm-up. Memory is resident memory (RSS, so Pillow's and libheif's C buffers count): "
            "*extra* is the peak during the work (the warm-up included; the kernel's high-water "
            "mark, reset just before) minus the RSS just before it.",
            "",
            _table(
                [
                    "file",
                    "pipeline ms (clean + thumbnail)",
                    "Pillow plain ms",
                    "pipeline ÷ plain, time",
                    "extra MiB, pipeline / plain",
                    "÷, memory",
                    "peak RSS MiB, pipeline / plain",
                ],
                rows,
            ),
            "",
            *[
                f"**{name}: pipeline (clean + thumbnail) ÷ Pillow plain = {time_ratio:.2f}× the time, "
                f"{memory_ratio:.2f}× the extra memory.**"
                for name, time_ratio, memory_ratio in ratios
            ],
        ]
    )


def _latency_rows(measurements) -> list[list[str]]:
    return [
        [f"{m.name} `{m.method} {m.url}`", _ms(m.p50), _ms(m.p95), _ms(m.cpu_p50), m.query_text]
        for m in measurements
    ]


def _side_by_side(measurements) -> str:
    if not measurements:
        return "Not measured in this run."
    return "\n".join(
        [
            "Page-cache misses (the generation bumped before each request, as any publish does), "
            "the two pages taking turns request by request. The reference is a plain Wagtail page "
            "(`bench/reference`, installed only by the bench settings) beside the case study in the "
            "tree: a rich-text body as long as the case study's text and one image, rendered by a "
            "minimal template without the site's base template. The case study is served from its "
            "stored rendering (blog/rendered_pages.py: kept across page-cache generations, valid "
            "while its publication and comment stamps are unchanged), as it is for every reader "
            "after a publish elsewhere; the plain page is rendered by Wagtail each time. Routing "
            "comes from the cache for both pages.",
            "",
            _table(["request", "p50 ms", "p95 ms", "CPU p50 ms", "SQL queries"], _latency_rows(measurements)),
        ]
    )


def _listings(results, small_seeding) -> str:
    if not results:
        return "Not measured in this run."
    small = small_seeding["scale"] if small_seeding else {}
    rows = []
    for big, little in [*zip(results["big"], results["small"], strict=True), *results.get("same_rows", [])]:
        rows.append(
            [
                big.name,
                f"{_ms(big.p50)} / {_ms(little.p50)}",
                f"{_ms(big.cpu_p50)} / {_ms(little.cpu_p50)}",
                f"{max(big.queries)} / {max(little.queries)}",
                f"{big.p50 / little.p50:.2f}",
            ]
        )
    return "\n".join(
        [
            "The same requests against the main database and a small one seeded the same way "
            f"({small.get('case_studies', 100):,} case studies, {small.get('interview_requests', 10):,} "
            "interview requests; database `<name>_small`, its own cache prefix), the two taking "
            "turns in rounds. Public pages as page-cache misses, the admin as an editor. The "
            "filtered index asks for one outcome, which leaves a full page of cards at both sizes "
            "(two filters left 4 of 100, so the small page rendered a third of the cards). The "
            "admin's list shows 20 rows of 1,000 but all of the small database's (the 10 and the "
            "bench's own request); measured once more with as many rows a page at both sizes (the "
            "bench sets the page length; editors always get 20), it tells the growth of the data "
            "from the growth of the page.",
            "",
            _table(["request", "p50 ms big / small", "CPU p50 ms big / small", "SQL queries", "÷"], rows),
        ]
    )


def _background(fold, relay) -> str:
    lines = []
    if fold:
        lines.append(
            f"- Page views: {fold['counters']:,} counters (page and day) in Redis, {fold['views']:,} views, "
            f"folded into PageViewDay by `blog.pageviews.flush_counters` in {fold['seconds']:.2f} s "
            f"(CPU of this process {fold['cpu']:.2f} s, {fold['queries']} SQL statements: batched upserts, "
            f"up to {fold['writers']} at once, each on its own connection)."
        )
    if relay:
        lines.append(
            f"- Outbox: {relay['count']:,} queued emails relayed by the beat sweep "
            f"(`relay_pending_emails`, repeated until nothing is due) to aiosmtpd (own process, "
            f"discarding), taking turns with the loop below in four rounds, in {relay['relay_seconds']:.1f} s ({relay['relay_rate']:,.0f}/s); a bare "
            f"`smtplib` loop over one connection sends the same messages in {relay['smtplib_seconds']:.1f} s "
            f"({relay['smtplib_rate']:,.0f}/s): {relay['ratio']:.2f}×."
        )
    return "\n".join(lines) or "Not measured in this run."
