"""The --redis-url forms Parcours accepts, and which pub/sub each server version gets."""

from __future__ import annotations

import pytest

from server.redisconn import RedisUrlError, parse, sharded_for, version_of


def test_a_plain_url_is_one_redis() -> None:
    """redis://, rediss:// and unix:// URLs are one server, passed on unchanged."""
    for url in ("redis://h:6379/0", "rediss://:pw@h:6380/2", "unix:///tmp/r.sock"):
        target = parse(url)
        assert target == type(target)(url=url, cluster=False)


def test_a_cluster_url_gives_its_seeds_and_credentials() -> None:
    """redis+cluster://user:pw@a:1,b:2 is a cluster with 2 seeds, credentials kept, TLS kept."""
    target = parse("redis+cluster://u:pw@a.internal:7000,b.internal:7001")
    assert target.cluster
    assert target.seeds == (("a.internal", 7000), ("b.internal", 7001))
    assert target.url == "redis://u:pw@a.internal:7000"
    assert parse("rediss+cluster://c:7002/0").url == "rediss://c:7002"


@pytest.mark.parametrize(
    "url", ["redis+cluster://a:1/3", "redis+cluster://a", "redis+cluster://a:x", "nothing"]
)
def test_a_bad_cluster_url_is_refused_with_a_reason(url: str) -> None:
    """A database other than 0, a seed without a port, or no scheme: a clear error."""
    with pytest.raises(RedisUrlError):
        parse(url)


def test_sharded_pubsub_from_redis_and_valkey_7() -> None:
    """auto picks sharded pub/sub from 7.0 (Valkey's own version counts), classic before."""
    assert version_of({"redis_version": "6.2.14"}) == (6, 2)
    assert version_of({"redis_version": "7.2.4", "valkey_version": "8.0.1"}) == (8, 0)
    assert not sharded_for("auto", (6, 2))
    assert sharded_for("auto", (7, 0))
    assert not sharded_for("classic", (8, 0))
    assert sharded_for("sharded", (6, 2))
