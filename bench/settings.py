"""Django settings for benchmark runs: the production settings (everything
from the environment, as in production), plus a URLconf that adds one
minimal view as the throughput ceiling. bin/bench sets the environment:
DEBUG off, PostgreSQL, Redis as cache and broker, hashed static files."""

import os

# Like the Docker image: a developer's .env must not change what is measured.
os.environ.setdefault("CASEBOOK_READ_DOTENV", "false")

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"

# The reference page type of the latency table (a plain Wagtail page).
INSTALLED_APPS = [*INSTALLED_APPS, "bench.reference"]  # noqa: F405
