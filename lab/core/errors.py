"""The lab's own error type: every bad input ends here, with one line that names what and how to fix."""

from __future__ import annotations


class LabError(Exception):
    """A problem the user can fix; its message is one clear line, shown without a traceback."""


class DataError(LabError):
    """Bad data in a file: names the file, and the row and column where it knows them."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.column = column
        self.fix = fix
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        text = ": ".join([", ".join(where), problem]) if where else problem
        if fix:
            text += f" ({fix})"
        super().__init__(text)
