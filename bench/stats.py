"""Percentiles in milliseconds, the one summary every figure uses."""

from __future__ import annotations


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for none)."""
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(seconds: list[float]) -> dict[str, float]:
    """count, p50, p99 and max of durations given in seconds, reported in milliseconds."""
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50": percentile(ordered, 0.50) * 1000,
        "p99": percentile(ordered, 0.99) * 1000,
        "max": (ordered[-1] * 1000) if ordered else 0.0,
    }
