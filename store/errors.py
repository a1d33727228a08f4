"""Errors the store raises; every one carries a message meant for the user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .i18n import _


class RelanceError(Exception):
    """Base class: ``str(err)`` is a complete sentence for the user."""


class ValidationError(RelanceError):
    """One or more fields are invalid.

    ``errors`` maps a field name to what is wrong with it, so that a form can
    show each message under its own field.
    """

    def __init__(self, kind: str, errors: dict[str, str]):
        self.kind = kind
        self.errors = dict(errors)
        super().__init__(self.sentences())

    def sentences(self, name: Callable[[str], str] = str, first: int | None = None) -> str:
        """The messages (the ``first`` ones), each after its field's ``name``: sentences
        of their own, joined by a space; one about the whole (its field empty) alone."""
        return " ".join(_("{where}: {problem}").format(where=name(field), problem=message) if field else message
                        for field, message in list(self.errors.items())[:first])


class NotFoundError(RelanceError):
    pass


class AmbiguousError(RelanceError):
    pass


class ReferencedError(RelanceError):
    """A record cannot be deleted while others point at it."""

    def __init__(self, message: str, referrers: list[tuple[str, str, str, str]]):
        #: (kind, uid, label, field) of every record that points at it
        self.referrers = referrers
        super().__init__(message)


class DataFileError(RelanceError):
    """The data file cannot be used as it is; it has not been touched."""

    def __init__(self, path: Path | str, problem: str, backup: Path | None = None):
        self.path = Path(path)
        self.problem = problem
        self.backup = backup
        if backup is not None:
            hint = _("The newest backup is {backup}.").format(backup=backup)
        else:
            hint = _("No backup of it exists yet.")
        super().__init__(
            _("Cannot use the data file {path}: {problem} The file was left as it is. {hint}").format(
                path=self.path, problem=problem, hint=hint
            )
        )


class DataFileGoneError(RelanceError):
    """The data file that was open is no longer at its place (moved or deleted by
    another program): nothing is written there until it is back."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        super().__init__(
            _("The data file {path} is no longer there: moved or deleted by another program? Nothing is saved "
              "until it is back at that place; what you see is what it last held.").format(path=self.path)
        )


class SaveError(RelanceError):
    """The system refused to write the new version of the data file (a full disk, a
    quota...): nothing was changed, the file holds what it held."""

    def __init__(self, path: Path | str, err: OSError):
        self.path = Path(path)
        self.reason = err.strerror or str(err)
        super().__init__(
            _("Could not save to {path}: {reason}. Nothing was changed: the file holds what it held before.").format(
                path=self.path, reason=self.reason)
        )


class UnsafeFileError(RelanceError):
    """Ownership or permissions make the data file unsafe to use."""


class ReadOnlyError(UnsafeFileError):
    """The data file's folder is on a read-only file system: reading works, saving does not."""


class ConflictError(RelanceError):
    """The record changed (or was deleted) in another session since the form was opened."""

    def __init__(self, message: str, current=None):
        #: the version now on disk, or None when it was deleted
        self.current = current
        super().__init__(message)
