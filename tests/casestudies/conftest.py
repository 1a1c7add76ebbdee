import pytest

from .factories import make_index


@pytest.fixture
def index(demo):
    return make_index(demo["home"])
