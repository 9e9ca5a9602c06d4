"""The one error a report can end with: refused, with the file and a reason a person can act on."""

from __future__ import annotations


class ReportRefused(Exception):  # noqa: N818 - the name says what happened to the file
    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason
