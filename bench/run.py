"""The whole benchmark in one run: prepare the database, seed, latency,
throughput, photos, and write RESULTS.md. `bin/bench --help` lists options."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR.parent / "var" / "bench"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bin/bench", description=__doc__)
    parser.add_argument(
        "--reseed",
        action="store_true",
        help="drop and recreate the benchmark database first (its name must contain 'bench')",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few samples and short load runs, to try the harness; writes var/bench/RESULTS-quick.md",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "18765")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "0")) or os.cpu_count(),
        help="gunicorn sync workers (default: WEB_CONCURRENCY, else one per CPU)",
    )
    parser.add_argument("--output", type=Path, help="where to write the results")
    parser.add_argument(
        "--fold-counters",
        type=int,
        default=int(os.environ.get("BENCH_FOLD_COUNTERS", "1000000")),
        help="page-view counters folded from Redis (default 1,000,000; --quick: 20,000)",
    )
    parser.add_argument(
        "--outbox-emails",
        type=int,
        default=int(os.environ.get("BENCH_OUTBOX_EMAILS", "10000")),
        help="queued emails the outbox relays (default 10,000; --quick: 300)",
    )
    return parser.parse_args(argv)


def prepare_database(reseed: bool, log, name: str | None = None) -> None:
    """Create (or, with --reseed, drop and create) the benchmark database, before Django connects to it."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    if "postgresql" not in config["ENGINE"]:
        sys.exit(
            "bin/bench: DATABASE_URL must name a PostgreSQL database (the benchmarks measure production)."
        )
    import psycopg
    from psycopg import sql

    name = name or config["NAME"]
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            if "bench" not in name:
                sys.exit(f"bin/bench: refusing to drop {name!r}: only a database named *bench* is dropped.")
            log(f"database: dropping {name}")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            log(f"database: creating {name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def compact(log) -> None:
    """VACUUM FULL the tables the benchmark itself churns: the scans insert and
    roll back 110,000 interview requests per run, the fold and the outbox
    insert and delete a million counters and 10,000 emails. A live site's
    autovacuum keeps such tables small; with autovacuum off (as on some CI
    machines) every run left them larger, and the admin's request list,
    counting its rows, read 111 MB for 1,001 of them."""
    from django.db import connection

    from blog.models import PageViewDay
    from casestudies.interviews.models import InterviewRequest, OutgoingEmail

    with connection.cursor() as cursor:
        for model in (InterviewRequest, OutgoingEmail, PageViewDay):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
    log("database: tables the benchmark churns compacted (VACUUM FULL)")


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if settings.DEBUG:
        sys.exit("bin/bench: DEBUG must be off (the benchmarks measure production settings).")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        sys.exit("bin/bench: REDIS_URL must be set (the page cache and counters live in Redis).")

    prepare_database(args.reseed, log)
    log("database: migrate, collectstatic")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from . import background, latency, machine, photos, report, scales, seed, targets, throughput
    from .urls import MINIMAL_CACHED_PATH, MINIMAL_PATH

    environment = machine.describe()
    environment["load_before"] = machine.load_average()
    log(f"machine: {environment['cpu']}, {environment['cores']}, load {environment['load_before']}")

    seeding = seed.seed(log=log)
    compact(log)

    quick = args.quick
    targets_ = targets.prepare()
    latencies = latency.run(
        targets_,
        miss_samples=10 if quick else 150,
        hit_samples=50 if quick else 1000,
        private_samples=10 if quick else 150,
        log=log,
    )

    pairs = [
        ("case study", targets_["case_study"].url),
        ("plain Wagtail page (reference)", targets_["reference"].url),
    ]
    side = latency.side_by_side(pairs, samples=10 if quick else 150, log=log)

    small_seeding = scales.prepare_small(prepare_database, args.reseed, log)
    with scales.using(scales.small_name()):
        small_targets = targets.listing_urls()
    flat = scales.listings(
        targets.listing_urls(),
        small_targets,
        lambda: get_user_model().objects.get(username="admin"),  # in whichever database is in use
        samples=10 if quick else 40,
        rounds=1 if quick else 2,
        log=log,
    )

    fold_counters = 20_000 if quick else args.fold_counters
    outbox_emails = 300 if quick else args.outbox_emails
    fold = background.fold_pageviews(fold_counters, log=log)
    relay = background.relay_outbox(outbox_emails, log=log)
    scans = background.scans((1_000, 10_000) if quick else (10_000, 100_000), 10 if quick else 50, log=log)

    story_path = targets_["case_study"].url
    load = throughput.run(
        [
            throughput.Target("minimal view (ceiling)", MINIMAL_PATH),
            throughput.Target("case study, page cache hit", story_path, expect_cache="hit"),
            throughput.Target("minimal view, page cache hit", MINIMAL_CACHED_PATH, expect_cache="hit"),
            throughput.Target(
                "case study, page cache bypassed (session cookie)",
                story_path,
                headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}=bench-no-such-session"},
            ),
        ],
        port=args.port,
        workers=args.workers,
        duration=3 if quick else 12,
        warmup=1 if quick else 3,
        connections=8,
        threads=1,
        rounds=2 if quick else 4,
        log=log,
    )

    pictures = photos.run(WORK_DIR / "photos", repeat=2 if quick else 7, log=log)

    # Varnish in front, two replicas against one: a module of its own (bench/front.py).
    from . import front

    front_rows = front.run(
        story_path, port=args.port + 10, duration=3 if quick else 10, rounds=1 if quick else 3, log=log
    )

    environment["load_after"] = machine.load_average()
    output = args.output or (WORK_DIR / "RESULTS-quick.md" if quick else BENCH_DIR / "RESULTS.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        report.render(
            environment=environment,
            seeding=seeding,
            interview=targets_["interview"],
            latencies=latencies,
            throughput=load,
            photos=pictures,
            quick=quick,
            seconds=time.monotonic() - started,
            side_by_side=side,
            listings=flat,
            small_seeding=small_seeding,
            fold=fold,
            relay=relay,
            sizes=f"Sizes: {fold_counters:,} page-view counters, {outbox_emails:,} outbox emails.",
            front=front_rows,
            scans=scans,
        )
        + front.render(front_rows)
    )
    log(f"wrote {output}")
    return 0
