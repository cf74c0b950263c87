"""The vote storm on the Redis Cluster: 300 people x 3 dots through 2 processes, exact."""

from __future__ import annotations

from bench.vote_storm import Case, Meter, _exact, _storm
from tests.rediscluster.conftest import OnCluster


async def test_vote_storm_300_by_3_over_2_processes_is_exact(
    on_cluster: OnCluster, cluster_figures: dict[str, str]
) -> None:
    """300 voters x 3 dots (some resent, some over budget) via 2 processes: tallies exact."""
    servers = on_cluster.pair
    node = on_cluster.local.nodes[0]
    assert node.process is not None
    meter = Meter([s.process.pid for s in servers if s.process], node.process.pid)
    case = Case("cluster", 300, 2, 3, window=1.0, retry=0.1, over=0.05)
    found = await _storm(case, 7, [s.base for s in servers], on_cluster.redis_url, meter)
    assert found["lost"] == found["extra"] == 0
    assert found["dots_committed"] == found["dots_planned"] == 900
    assert _exact(found), found
    cluster_figures["vote storm"] = (
        f"300 x 3 over 2 processes: {found['votes_per_second']} dots/s, tap to ack p50/p99 "
        f"{found['tap_to_ack_ms']['p50']}/{found['tap_to_ack_ms']['p99']} ms, 0 lost, 0 extra"
    )
