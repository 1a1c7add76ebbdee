import pytest
from django.test import Client

from .factories import make_index


@pytest.fixture
def index(demo):
    return make_index(demo["home"])


@pytest.fixture
def no_page_cache(settings):
    """Every request reaches the view: for checks of what lies below the page
    cache (fragments, stored renderings, the index's numbers)."""
    settings.PAGE_CACHE_SECONDS = 0


def html(url: str, client: Client | None = None) -> str:
    """The page at `url`, which must answer 200 (a reader's fresh browser by default)."""
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
