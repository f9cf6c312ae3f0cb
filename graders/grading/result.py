"""The result of grading one notebook, in the shape `graders grade --json` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from graders.checks.run import CheckResult
from graders.i18n import N_, translate

GRADED = "graded"
ERROR = "error"
#: The statuses (data in the JSON) as a person reads them.
STATUS_WORDS = {
    # TRANSLATORS: a result's status, as shown in reports
    GRADED: N_("graded"),
    ERROR: N_("error"),
}


def status_word(status: str) -> str:
    """A result's status in the current language (the JSON keeps the English value)."""
    return translate(STATUS_WORDS[status]) if status in STATUS_WORDS else status


class Record(TypedDict):
    """A result as plain data (GradeResult.to_json), what every report is rendered from; a
    batch's records (its results/*.json) add key and sha256."""

    assignment: str | None
    notebook: str
    status: str
    score: int
    max_score: int
    #: Each check's CheckResult.to_json (the JSON keeps the key "tests", as documented).
    tests: list[dict[str, Any]]
    duration_s: float
    message: str | None
    notes: list[str]
    isolation: dict[str, str]
    timings: dict[str, float]
    #: The batch's name for the submission's files, and the SHA-256 of its bytes.
    key: NotRequired[str]
    sha256: NotRequired[str | None]


@dataclass
class GradeResult:
    """Score and per-check feedback of one notebook; status 'error' when grading failed."""

    assignment: str | None
    notebook: str
    status: str
    checks: list[CheckResult] = field(default_factory=list)
    max_score: int = 0
    duration_s: float = 0.0
    message: str | None = None
    #: Structure findings (restored cells, duplicates...), for the learner.
    notes: list[str] = field(default_factory=list)
    #: Which isolation applied: network, files, memory.
    isolation: dict[str, str] = field(default_factory=dict)
    #: Where the time went, in seconds: the worker's start-up, the graded cells, each
    #: exercise's observation, and the grader's own work (see runner._timings).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> int:
        """Points earned."""
        return sum(check.points for check in self.checks)

    def to_json(self) -> Record:
        """The JSON object documented in the README."""
        return {
            "assignment": self.assignment,
            "notebook": self.notebook,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [check.to_json() for check in self.checks],
            "duration_s": round(self.duration_s, 2),
            "message": self.message,
            "notes": list(self.notes),
            "isolation": dict(self.isolation),
            "timings": dict(self.timings),
        }
