"""Exception tree.

Every error is also a builtin (ValueError/TypeError/...) so generic ``except ValueError`` code keeps
working.
"""

from __future__ import annotations

from typing import Any


class WeakLabelError(Exception):
    """Base class of every error raised by weaklabel."""


class InputError(WeakLabelError, ValueError):
    """An argument has the wrong shape, values or content."""


class UsageError(InputError):
    """The command line asks for something it cannot have (the CLI exits with 2, as argparse does)."""


class InputTypeError(WeakLabelError, TypeError):
    """An argument has the wrong type."""


class MissingColumnError(WeakLabelError, KeyError):
    """A frame lacks a column that an LF or loader needs."""

    def __str__(self) -> str:
        """Return the message as given (KeyError's own ``str`` would quote it)."""
        return str(self.args[0]) if self.args else ""


class LFError(WeakLabelError, RuntimeError):
    """A labeling function raised, or returned votes that cannot be used.

    Attributes
    ----------
    lf_name : str
        Name of the labeling function.
    row_id : object or None
        Row id of the first failing row, when the failure is tied to one row.
    """

    def __init__(self, message: str, *, lf_name: str, row_id: object = None) -> None:
        super().__init__(message)
        self.lf_name = lf_name
        self.row_id = row_id

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the LF's name and row id.

        The error then crosses process boundaries (``apply_lfs(n_jobs=...)``) intact.
        """
        return (_rebuild_lf_error, (str(self), self.lf_name, self.row_id))


def _rebuild_lf_error(message: str, lf_name: str, row_id: object) -> LFError:
    return LFError(message, lf_name=lf_name, row_id=row_id)


class NotFittedError(WeakLabelError, AttributeError):
    """A label model was used before ``fit``.

    Also an ``AttributeError`` (like scikit-learn's NotFittedError).
    """


class DatasetNotFoundError(WeakLabelError, FileNotFoundError):
    """A dataset's files were not found where weaklabel looked."""


class OptionalDependencyError(WeakLabelError, ImportError):
    """An optional extra is needed but not installed."""


class StoreError(WeakLabelError, RuntimeError):
    """The label store cannot be opened, migrated or written."""


# -- warnings: results came out, but read the message --------------------------

class WeakLabelWarning(UserWarning):
    """Base class of weaklabel's warnings (filter them all with this one)."""


class FaultWarning(WeakLabelWarning):
    """Some LFs raised on some rows and abstained there (``fault_tolerant=True``)."""


class LabelModelWarning(WeakLabelWarning):
    """A fitted label model may not be trustworthy; the message says why and what to do."""


class ConvergenceWarning(WeakLabelWarning):
    """EM stopped at ``max_iter`` before the log-likelihood settled.

    The same name and meaning as scikit-learn's, which is not imported here: scikit-learn
    would add 0.6 s to ``import weaklabel``.
    """


def require(module: str, *, extra: str, feature: str) -> Any:
    """Import an optional dependency or raise with an install hint.

    Parameters
    ----------
    module : str
        Importable module name, e.g. ``"spacy"``.
    extra : str
        The weaklabel extra that installs it, e.g. ``"nlp"``.
    feature : str
        What needs it, for the message.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise OptionalDependencyError(
            f"{feature} needs the optional package '{module}', which is not installed. "
            f"Fix: pip install 'weaklabel[{extra}]'"
        ) from exc
