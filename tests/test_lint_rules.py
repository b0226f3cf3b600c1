"""ruff's bandit rules (S) cover the app code, and each exception says why on its line."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "migrations", ".git", "staticfiles"}
NOQA_S = re.compile(r"#\s*(?:ruff:\s*)?noqa:\s*(S\d+(?:\s*,\s*S\d+)*)(.*)$")


def python_files():
    for path in REPO.rglob("*.py"):
        if not SKIPPED.intersection(path.relative_to(REPO).parts):
            yield path


def test_bandit_rules_are_selected_and_only_tests_are_exempt():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in config["select"]
    assert not any(rule.startswith("S") for rule in config.get("ignore", []))
    for pattern, rules in config.get("per-file-ignores", {}).items():
        if any(rule.startswith("S") for rule in rules):
            assert pattern.startswith("tests/"), pattern


def test_every_bandit_exception_gives_its_reason_on_its_line():
    """`# noqa: S608 - names only, values are parameters`, not a bare `# noqa: S608`."""
    unexplained = []
    for path in python_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = NOQA_S.search(line)
            if match and len(match.group(2).strip(" -:—")) < 5:
                unexplained.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not unexplained, "\n".join(unexplained)
