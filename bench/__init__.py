"""Benchmarks of Casebook at scale: seeding, latency, throughput, photos.

Run them with `bin/bench` (README, section "Benchmarks"). Nothing here is
imported by the site or by the test suite's timings."""
