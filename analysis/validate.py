"""Validation of the curated data package: frictionless first, then the rules it cannot express."""

from dataclasses import dataclass
from pathlib import Path

from analysis import paths


@dataclass(frozen=True)
class Problem:
    """One validation failure, located as precisely as possible."""

    file: str
    row: int | None
    field: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message} [{self.rule}]"


class DataValidationError(ValueError):
    """Raised when the curated data breaks a rule; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the curated data:\n{lines}")


def validate_package(data_dir: Path | None = None) -> list[Problem]:
    """Return every problem of the data package in ``data_dir`` (empty list when valid)."""
    from frictionless import validate

    data_dir = Path(data_dir) if data_dir else paths.data_dir()
    report = validate(str(data_dir / paths.DESCRIPTOR))
    problems = []
    for task in report.tasks:
        for err in task.errors:
            problems.append(
                Problem(
                    file=Path(task.place).name,
                    row=getattr(err, "row_number", None),
                    field=getattr(err, "field_name", None),
                    rule=err.type,
                    message=err.message,
                )
            )
    return problems
