"""A project: data + LF suite + labels + store + model, described by ``weaklabel.toml``.

Every command and the app read the same file, so an expert's app and a
researcher's CLI see the same items, the same LFs and the same label store.

```toml
[project]
name = "youtube-spam"
kind = "classes"            # or "spans" (data: a WRENCH sequence set's folder), or "multilabel"
data = "youtube"            # dataset name or a CSV/Parquet/JSONL path (relative to this file)
split = "train"
data_dir = "../shared/datasets"
id_column = ""              # files: column with stable row ids ("" = row order)
text_column = "text"
display_columns = ["text"]
lfs = "lfs/spam.py"
suggested_lfs = "suggested_lfs.py"  # LFs accepted in the app's Suggestions tab, written as code; "" = off
store = ""                  # SQLAlchemy URL; "" = weaklabel-labels.db beside this file
model = "label_model"
refit_every = 10            # the app refits after this many new expert labels
strategy = "conflict"
overlap = 1
audit_fraction = 0.05       # share of the queue drawn at random: honest metrics, and the only
                            # expert rows the model trains on (queue rows override their own rows)
leads = ["ana"]             # experts who resolve disagreements between experts (adjudication)
guidelines = "guidelines.md"  # markdown shown beside every item (rendered without raw HTML)
label_descriptions = { HAM = "on-topic comment", SPAM = "advertising or off-topic" }

[labelstudio]               # optional: `weaklabel ls push/pull/serve`
url = "http://127.0.0.1:8080"
project = "youtube-spam"    # the title of the Label Studio project `ls push` creates
# project_id = 3            # or an existing project (never found by title: titles are not unique)
token_env = "WEAKLABEL_LS_TOKEN"  # the variable that holds the API token; never the token itself

[engine]                    # optional: where `weaklabel run` computes (its flags win)
name = "dask"               # local | dask | spark
scheduler = "tcp://10.0.0.5:8786"  # dask: a scheduler address (default: a local cluster)
master = "spark://host:7077"       # spark: a master URL (default: local[*])
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded lazily at run time: `weaklabel app` reads the project before numpy loads
    import numpy as np
    import pandas as pd

    from ..io.suite import LFSuite
    from .store import ExpertLabelStore

from .._atomic import atomic_path
from ..backends import ENGINES
from ..exceptions import InputError
from ..io._files import read_text_file

PROJECT_FILE = "weaklabel.toml"
# "classes": one label per item (data, lfs); "spans": entities in documents, from a WRENCH
# sequence set (data = its folder; the LFs' spans are in it) reviewed in the span editor;
# "multilabel": a set of labels per item (data: a GoEmotions-layout folder or a table; lfs: a
# module with LABELS and multi-label LFS), see weaklabel.review.label_set_session
KINDS = ("classes", "spans", "multilabel")


@dataclass
class Project:
    """Settings of one labeling project (see the module docstring for the file format)."""

    name: str = "weaklabel"
    kind: str = "classes"
    data: str = "breast_cancer"
    split: str = "train"
    data_dir: str = ""
    id_column: str = ""
    text_column: str = ""
    display_columns: list[str] = field(default_factory=list)
    lfs: str = "weaklabel.demo"
    store: str = ""
    model: str = "label_model"
    refit_every: int = 10
    strategy: str = "conflict"
    overlap: int = 1
    audit_fraction: float = 0.05
    leads: list[str] = field(default_factory=list)
    guidelines: str = ""
    label_descriptions: dict[str, str] = field(default_factory=dict)
    labelstudio: dict[str, str] = field(default_factory=dict)
    engine: dict[str, str] = field(default_factory=dict)
    # LFs experts accepted in the app's Suggestions view, written there as ordinary code; they
    # join the suite's LFs wherever the project is loaded ("" turns them off)
    suggested_lfs: str = "suggested_lfs.py"
    root: Path = field(default=Path("."), repr=False)

    # -- file I/O ---------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] = PROJECT_FILE) -> Project:
        """Read ``weaklabel.toml``; unknown keys and wrong types are errors that name the key."""
        path = Path(path)
        raw = _read_toml(path)
        section = raw.get("project")
        if not isinstance(section, dict):
            raise InputError(f"project: {path} needs a [project] table")
        known = {f.name for f in fields(cls)} - {"root", "labelstudio", "engine"}
        unknown = sorted(set(section) - known)
        if unknown:
            raise InputError(f"project: unknown key(s) {unknown} in {path}; valid keys are {sorted(known)}")
        defaults = cls()
        values = {key: _checked(key, value, type(getattr(defaults, key)), path) for key, value in section.items()}
        proj = cls(**values, labelstudio=_labelstudio_section(raw.get("labelstudio"), path),
                   engine=_engine_section(raw.get("engine"), path), root=path.resolve().parent)
        for key in ("refit_every", "overlap"):
            if getattr(proj, key) < 1:
                raise InputError(f"project: key {key!r} in {path} must be >= 1, got {getattr(proj, key)}")
        if proj.kind not in KINDS:
            raise InputError(f"project: kind in {path} must be one of {list(KINDS)}, got {proj.kind!r}")
        if not 0 <= proj.audit_fraction < 1:
            raise InputError(f"project: audit_fraction in {path} must be a share in [0, 1), "
                             f"got {proj.audit_fraction}")
        return proj

    def save(self, path: str | os.PathLike[str] = PROJECT_FILE) -> Path:
        """Write the settings as ``weaklabel.toml`` (atomically)."""
        path = Path(path)
        lines = ["[project]"]
        for key, value in asdict(self).items():
            if key in ("root", "labelstudio", "engine"):
                continue
            if isinstance(value, str):
                lines.append(f'{key} = "{_toml_escape(value)}"')
            elif isinstance(value, list):
                lines.append(f"{key} = [" + ", ".join(f'"{_toml_escape(v)}"' for v in value) + "]")
            elif isinstance(value, dict):
                lines.append(f"{key} = {{" + ", ".join(f'"{_toml_escape(k)}" = "{_toml_escape(v)}"'
                                                      for k, v in value.items()) + "}")
            else:
                lines.append(f"{key} = {value}")
        if self.labelstudio:
            lines += ["", "[labelstudio]"] + [f'{k} = "{_toml_escape(str(v))}"' for k, v in self.labelstudio.items()]
        if self.engine:
            lines += ["", "[engine]"] + [f'{k} = "{_toml_escape(str(v))}"' for k, v in self.engine.items()]
        with atomic_path(path) as tmp:
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    # -- resolved pieces --------------------------------------------------
    def _path(self, value: str) -> str:
        p = Path(value)
        return str(p if p.is_absolute() else (self.root / p))

    @property
    def store_url(self) -> str:
        """The label store's database URL (a relative SQLite path is read from the project's folder)."""
        from ._store_schema import default_url

        if not self.store:
            return default_url(self.root)
        return _anchor_sqlite(self.store, self.root)

    def seq_split(self) -> Any:
        """Return a span project's documents: the ``split`` of the WRENCH sequence set in ``data``."""
        from ..spans.wrench import read_seq_split

        if self.kind != "spans":
            raise InputError(f"project: {self.name!r} is a {self.kind!r} project; seq_split needs kind = \"spans\"")
        return read_seq_split(self._path(self.data), self.split)

    def _classes_only(self) -> None:
        """Commands built on class LFs refuse other kinds of project with what works there."""
        if self.kind != "classes":
            works = "weaklabel app, weaklabel ls push / pull / serve" + (", weaklabel suggest"
                                                                          if self.kind == "multilabel" else "")
            raise InputError(f"project: {self.name!r} is a {self.kind!r} project, and this needs class LFs "
                             f"(kind = \"classes\"); on a {self.kind!r} project use {works}")

    def suite(self) -> LFSuite:
        """Return the project's LF suite, with the accepted suggested LFs added."""
        from ..io.suite import load_suite

        self._classes_only()
        spec = self.lfs
        suite = load_suite(self._path(spec) if spec.endswith(".py") else spec)
        extra = Path(self._path(self.suggested_lfs)) if self.suggested_lfs else None
        if extra is None or not extra.is_file():
            return suite
        more = load_suite(str(extra))
        if list(more.labels.names) != list(suite.labels.names):
            raise InputError(f"suggested_lfs: {str(extra)!r} labels {list(more.labels.names)} but the project's LFs "
                             f"label {list(suite.labels.names)}; delete the file or fix its LABELS")
        clash = sorted({lf.name for lf in suite.lfs} & {lf.name for lf in more.lfs})
        if clash:
            raise InputError(f"suggested_lfs: {str(extra)!r} defines LFs the project's suite already has: {clash}; "
                             "rename or delete them in one of the two files")
        return replace(suite, lfs=[*suite.lfs, *more.lfs])

    def items(self) -> tuple[pd.DataFrame, np.ndarray | None]:
        """Return the project's items (indexed by row id) and gold, if the data carries it."""
        self._classes_only()
        from ..io.datasets import DATASETS
        from ..pipeline import load_items

        data = self.data if self.data in DATASETS else self._path(self.data)
        return load_items(data, split=self.split, data_dir=self._path(self.data_dir) if self.data_dir else None,
                          id_column=self.id_column or None, gold_column=None, labels=self.suite().labels)

    def guidelines_text(self) -> str:
        """Return the guidelines markdown ("" when none is set); a missing file is an error naming it."""
        if not self.guidelines:
            return ""
        path = Path(self._path(self.guidelines))
        if not path.is_file():
            raise InputError(f"guidelines: no file {str(path)!r}; fix guidelines in weaklabel.toml")
        return read_text_file(path, "guidelines")

    def open_store(self) -> ExpertLabelStore:
        """Open (or create) the project's label store."""
        from .store import ExpertLabelStore

        return ExpertLabelStore(self.store_url, project=self.name, label_space=self.suite().labels)


LS_KEYS = ("url", "project", "project_id", "token_env")


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"project: no project file at {str(path)!r}; create one with `weaklabel init`")
    try:
        return tomllib.loads(read_text_file(path, "project"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"project: {path} is not valid TOML ({exc})") from exc


def _checked(key: str, value: Any, expected: type, path: Path) -> Any:
    """Return a [project] value of the type its default has (ints are accepted as floats)."""
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InputError(f"project: key {key!r} in {path} must be an integer, got {value!r}")
    if expected is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise InputError(f"project: key {key!r} in {path} must be a number, got {value!r}")
    if expected is str and not isinstance(value, str):
        raise InputError(f"project: key {key!r} in {path} must be a string, got {value!r}")
    if expected is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise InputError(f"project: key {key!r} in {path} must be a list of strings, got {value!r}")
    if expected is dict and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        raise InputError(f"project: key {key!r} in {path} must be a table of strings "
                         f"(label = \"description\"), got {value!r}")
    return float(value) if expected is float else value


def _labelstudio_section(section: Any, path: Path) -> dict[str, str]:
    """Return the optional [labelstudio] table: url, project and token_env, all strings.

    A token itself is refused: files get shared and committed; the environment does not.
    """
    if isinstance(section, dict) and ("token" in section or "api_key" in section):
        raise InputError(f"labelstudio: {path} holds an API token; remove it and put it in the environment "
                         "variable named by token_env (default WEAKLABEL_LS_TOKEN)")
    if isinstance(section, dict) and "project_id" in section:
        pid = section["project_id"]
        if isinstance(pid, bool) or not (isinstance(pid, int) and pid > 0 or isinstance(pid, str) and pid.isdigit()):
            raise InputError(f"labelstudio: project_id in {path} must be a Label Studio project id (a positive "
                             f"integer, as in its URL /projects/3), got {pid!r}")
        section = {**section, "project_id": str(int(pid))}
    return _string_table(section, "labelstudio", LS_KEYS, path)


def _string_table(section: Any, name: str, keys: tuple[str, ...], path: Path) -> dict[str, str]:
    """Return an optional [name] table whose values are non-empty strings under known keys ({} when absent)."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise InputError(f"{name}: [{name}] in {path} must be a table")
    unknown = sorted(set(section) - set(keys))
    if unknown:
        raise InputError(f"{name}: unknown key(s) {unknown} in {path}; valid keys are {list(keys)}")
    bad = [k for k, v in section.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise InputError(f"{name}: key(s) {bad} in {path} must be non-empty strings")
    return dict(section)


ENGINE_KEYS = ("name", "scheduler", "master")


def _engine_section(section: Any, path: Path) -> dict[str, str]:
    """Return the optional [engine] table: name (local, dask or spark), scheduler and master."""
    table = _string_table(section, "engine", ENGINE_KEYS, path)
    if table.get("name", "local") not in ENGINES:
        raise InputError(f"engine: name = {table['name']!r} in {path}; expected one of {list(ENGINES)}")
    return table


def engine_settings(path: str | os.PathLike[str] = PROJECT_FILE) -> dict[str, str]:
    """Return the [engine] table of a ``weaklabel.toml`` ({} when the file or the table is absent).

    Only that table is read, so a file made for ``weaklabel run`` needs no [project] table.
    """
    path = Path(path)
    return _engine_section(_read_toml(path).get("engine"), path) if path.is_file() else {}


def _anchor_sqlite(url: str, root: Path) -> str:
    """Anchor a relative SQLite path in ``store`` at the project file.

    Like every other path in the project, it is relative to the project file, not to the working
    directory of whoever runs the command.
    """
    if not url.startswith("sqlite:"):
        return url
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    if not u.database or u.database == ":memory:" or Path(u.database).is_absolute():
        return url
    return u.set(database=str((root / u.database).resolve())).render_as_string(hide_password=False)


def _toml_escape(s: str) -> str:
    """Return a TOML basic string's body: backslash, quote and every control character escaped."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
