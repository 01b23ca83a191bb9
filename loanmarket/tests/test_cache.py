from loanmarket.cache import RedisCache


def test_the_redis_cache_round_trips_values_through_one_reused_client():
    cache = RedisCache("redis://127.0.0.1:6379/12", {"KEY_PREFIX": "test-cache"})
    cache.set("page", {"html": "<p>¥10,000.00</p>"}, 30)

    assert cache.get("page") == {"html": "<p>¥10,000.00</p>"}
    assert cache._cache.get_client() is cache._cache.get_client()
    cache.delete("page")
    assert cache.get("page") is None
