"""The targets of issue 16, each beside the figure this run measured and
whether it is met. Ratios only: both sides of each were measured in this run."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Goal:
    target: str
    figure: str
    met: bool | None  # None: not measured in this run

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**not met**", None: "not measured"}[self.met]


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def case_study(side_by_side: list) -> list[Goal]:
    if not side_by_side:
        return [Goal("uncached case study ≤ 0.5× a plain Wagtail page", "—", None)]
    story, reference = side_by_side
    wall = _ratio(story.p50, reference.p50)
    cpu = _ratio(story.cpu_p50, reference.cpu_p50)
    most = max(story.queries)
    return [
        Goal(
            "uncached case study ≤ 0.5× a plain Wagtail page (p50 wall time)",
            f"{wall:.2f}× ({story.p50 * 1000:.1f} ms ÷ {reference.p50 * 1000:.1f} ms; "
            f"CPU {cpu:.2f}×: {story.cpu_p50 * 1000:.1f} ÷ {reference.cpu_p50 * 1000:.1f} ms)",
            wall <= 0.5,
        ),
        Goal(
            "uncached case study ≤ 10 SQL queries",
            f"{story.query_text} (reference page: {reference.query_text})",
            most <= 10,
        ),
    ]


def listings(results: dict | None) -> list[Goal]:
    if not results:
        return [Goal("listings flat as data grows", "—", None)]
    goals = []
    same_rows = {big.url: (big, small) for big, small in results.get("same_rows", [])}
    for big, small in zip(results["big"], results["small"], strict=True):
        ratio = _ratio(big.p50, small.p50)
        sizes = "1,000 ÷ 10 requests" if big.url.startswith("/admin/") else "10,000 ÷ 100 case studies"
        figure = (
            f"{ratio:.2f}× ({big.p50 * 1000:.1f} ÷ {small.p50 * 1000:.1f} ms; queries "
            f"{max(big.queries)} / {max(small.queries)})"
        )
        if big.url in same_rows:
            equal_big, equal_small = same_rows[big.url]
            rows = equal_big.name.rsplit(", ", 1)[-1]
            figure += f"; {_ratio(equal_big.p50, equal_small.p50):.2f}× with {rows}"
        goals.append(Goal(f"{big.name}: time at {sizes} ≤ 1.2", figure, ratio <= 1.2))
    return goals


def photos(results: list[dict]) -> list[Goal]:
    goals = []
    for result in results:
        name = result["file"].split(":")[0]
        pipeline = result["pipeline"]["runs"]
        plain = result["pillow"]["runs"]
        time_ratio = _ratio(
            statistics.median(r["clean"] for r in pipeline),  # the cleaned file and its thumbnail
            statistics.median(r["decode_encode"] for r in plain),
        )
        extra = lambda probe: probe["peak_kib"] - probe["rss_before_kib"]  # noqa: E731
        memory_ratio = _ratio(extra(result["pipeline"]), extra(result["pillow"]))
        goals.append(
            Goal(f"photo pipeline, {name}: time ≤ 1.5× Pillow plain", f"{time_ratio:.2f}×", time_ratio <= 1.5)
        )
        goals.append(
            Goal(
                f"photo pipeline, {name}: extra memory ≤ 1.5× Pillow plain",
                f"{memory_ratio:.2f}×",
                memory_ratio <= 1.5,
            )
        )
    return goals


def background(fold: dict | None, relay: dict | None, scans: dict | None = None) -> list[Goal]:
    goals = []
    if fold:
        full = fold["counters"] >= 1_000_000
        seconds = fold["seconds"] * (1_000_000 / fold["counters"])
        goals.append(
            Goal(
                "folding 1,000,000 page-view counters from Redis ≤ 10 s",
                f"{fold['seconds']:.1f} s for {fold['counters']:,} counters ({fold['queries']} queries)"
                + ("" if full else f"; {seconds:.1f} s scaled to 1,000,000"),
                seconds <= 10,
            )
        )
    else:
        goals.append(Goal("folding 1,000,000 page-view counters ≤ 10 s", "—", None))
    if relay:
        goals.append(
            Goal(
                f"outbox relaying {relay['count']:,} emails ≥ 0.5× a bare smtplib loop",
                f"{relay['ratio']:.2f}× ({relay['relay_rate']:,.0f} ÷ {relay['smtplib_rate']:,.0f} emails/s)",
                relay["ratio"] >= 0.5,
            )
        )
    else:
        goals.append(Goal("outbox ≥ 0.5× a bare smtplib loop", "—", None))
    if not scans:
        goals.append(
            Goal(
                "reminder and expiry scans over 100,000 requests: constant queries, time linear in what is due",
                "—",
                None,
            )
        )
    for name, (small, big) in (scans or {}).items():
        ratio = _ratio(big["seconds"], small["seconds"])
        goals.append(
            Goal(
                f"{name}, {big['due']} due: time among {big['waiting']:,} ÷ {small['waiting']:,} waiting "
                "requests ≤ 1.2, same queries",
                f"{ratio:.2f}× ({big['seconds'] * 1000:.0f} ÷ {small['seconds'] * 1000:.0f} ms; queries "
                f"{big['queries']} / {small['queries']})",
                ratio <= 1.2 and abs(big["queries"] - small["queries"]) <= 3,
            )
        )
    return goals


def front(rows: list | str | None) -> list[Goal]:
    """Issue 17's two rows (bench/front.py): Varnish hits against the minimal
    view through the same Varnish, and two replicas against one."""
    names = [
        "case study through Varnish ≥ 0.9× the minimal view through the same Varnish (req/s)",
        "uncached case study, two replicas ≥ 1.6× one (req/s)",
    ]
    if not isinstance(rows, list):
        reason = rows or "—"
        return [Goal(name, reason, None) for name in names]
    return [
        Goal(
            name,
            f"{row.ratio:.2f}× ({' ÷ '.join(f'{rate:,.0f}' for rate in row.rates)} req/s)",
            row.ratio >= row.target,
        )
        for name, row in zip(names, rows, strict=True)
    ]
