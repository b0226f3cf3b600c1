"""Latency statistics, with no dependency: percentiles as numpy's default (linear)."""

import math


def percentile(values, p: float) -> float:
    """The p-th percentile (0..100) of `values`, interpolating linearly between ranks.

    Raises ValueError on an empty sequence or a p outside 0..100.
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(latencies: list[float]) -> dict:
    """p50/p95/p99/max/mean of latencies in seconds, as milliseconds; {} when empty."""
    if not latencies:
        return {}
    return {
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "max": max(latencies) * 1000,
        "mean": sum(latencies) / len(latencies) * 1000,
    }
