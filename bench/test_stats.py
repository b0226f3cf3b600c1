"""Unit tests of the benchmark's helpers (not part of `make test`: run `pytest bench/`)."""

# ruff: noqa: S101 - pytest's plain asserts are the test

import pytest

from bench.loadgen import ensure_loopback
from bench.stats import percentile, summarize


def test_percentile_interpolates_like_numpy():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 100) == 50
    assert percentile(values, 50) == 35
    assert percentile(values, 40) == pytest.approx(29.0)
    assert percentile(values, 95) == pytest.approx(48.0)


def test_percentile_of_one_value_and_unsorted_input():
    assert percentile([7], 99) == 7
    assert percentile([3, 1, 2], 50) == 2


def test_percentile_refuses_bad_input():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_summarize_gives_milliseconds():
    summary = summarize([0.010] * 99 + [0.110])
    assert summary["p50"] == pytest.approx(10)
    assert summary["max"] == pytest.approx(110)
    assert summarize([]) == {}


def test_load_goes_to_loopback_only():
    ensure_loopback("http://127.0.0.1:8000/healthz")
    ensure_loopback("redis://localhost:6379/9")
    with pytest.raises(SystemExit):
        ensure_loopback("http://192.168.1.10:8000/")
