"""The benchmark's one table, its targets (PASS/FAIL) and bench/RESULTS.md."""

from dataclasses import dataclass, field

COLUMNS = [
    "page", "cold p50", "cold p95", "cold p99", "warm req/s", "warm p50", "warm p95",
    "warm p99", "× /healthz", "SQL cold/warm", "notes",
]  # fmt: skip


@dataclass
class Target:
    name: str
    passed: bool | None  # None: not measured in this run
    detail: str

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.passed]


@dataclass
class Report:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Target]:
        return [target for target in self.targets if target.passed is False]


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def table(rows: list[list[str]]) -> str:
    """A Markdown pipe table, padded so it also reads well in a terminal."""
    widths = [max(len(str(row[i])) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(COLUMNS), separator, *(line(row) for row in rows)])


def render(report: Report) -> str:
    parts = [f"## {report.title}", ""]
    parts += [f"- {name}: {value}" for name, value in report.facts]
    parts += ["", table(report.rows), "", "Targets:", ""]
    parts += [f"- {t.verdict}  {t.name}: {t.detail}" for t in report.targets]
    if report.notes:
        parts += ["", "Notes:", ""]
        parts += [f"- {note}" for note in report.notes]
    return "\n".join(parts) + "\n"
