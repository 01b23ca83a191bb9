import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rendered pages are cached by catalogue version)."""
    cache.clear()
    yield
    cache.clear()
