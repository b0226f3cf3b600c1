"""The health card's rules, one table: each rule met or not, with its figure."""

from datetime import UTC, datetime, timedelta

import pytest

from directory.health import activity_of, health_rules
from directory.models import ProjectHealth

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def days_ago(n):
    return NOW - timedelta(days=n)


def rule(health, key):
    return next(r for r in health_rules(health, NOW) if r.key == key)


@pytest.mark.parametrize(
    ("fields", "key", "met", "figure"),
    [
        ({"last_commit_at": days_ago(3)}, "active", True, "Last commit 3 days ago"),
        ({"last_commit_at": days_ago(89)}, "active", True, "Last commit 2 months ago"),
        ({"last_commit_at": days_ago(91)}, "active", False, "Last commit 2 months ago"),
        ({"last_commit_at": None}, "active", False, "No commit in the last 12 months"),
        ({"active_contributors": 2}, "maintainers", True, "2 contributors in the last 12 months"),
        ({"active_contributors": 1}, "maintainers", False, "1 contributor in the last 12 months"),
        (
            {"active_contributors": None},
            "maintainers",
            False,
            "0 contributors in the last 12 months",
        ),
        (
            {"last_release_at": days_ago(364), "last_release_name": "v2.4.0"},
            "release",
            True,
            "v2.4.0, 11 months ago",
        ),
        (
            {"last_release_at": days_ago(366), "last_release_name": "v1.0"},
            "release",
            False,
            "v1.0, 1 year ago",
        ),
        ({"last_release_at": None}, "release", False, "No release published"),
        ({"archived": False}, "not_archived", True, "Open for changes"),
        ({"archived": True}, "not_archived", False, "Archived on the forge: read-only"),
        ({"license_found": True, "license_spdx": "MIT"}, "license", True, "MIT"),
        (
            {"license_found": True, "license_spdx": ""},
            "license",
            True,
            "A license file the forge could not identify",
        ),
        ({"license_found": False}, "license", False, "No license file found"),
        ({"scorecard_score": 5.0}, "scorecard", True, "5.0 of 10"),
        ({"scorecard_score": 4.9}, "scorecard", False, "4.9 of 10"),
        ({"scorecard_score": None}, "scorecard", None, "Not scored by OpenSSF Scorecard"),
    ],
)
def test_rule(fields, key, met, figure):
    result = rule(ProjectHealth(**fields), key)
    assert (result.met, result.figure.replace("\xa0", " ")) == (met, figure)


def test_the_rules_in_order_with_their_labels():
    labels = [r.label for r in health_rules(ProjectHealth(), NOW)]
    assert labels == [
        "Active: a commit in the last 90 days",
        "Maintained by more than one person",
        "A release in the last year",
        "Not archived",
        "License found",
        "OpenSSF Scorecard 5 or more",
    ]


@pytest.mark.parametrize(
    ("fields", "activity"),
    [
        ({"last_commit_at": days_ago(10)}, "active"),
        ({"last_commit_at": days_ago(90)}, "active"),
        ({"last_commit_at": days_ago(91)}, "quiet"),
        ({"last_commit_at": None}, "quiet"),
        ({"last_commit_at": days_ago(1), "archived": True}, "archived"),
    ],
)
def test_activity(fields, activity):
    assert activity_of(ProjectHealth(**fields), NOW) == activity
