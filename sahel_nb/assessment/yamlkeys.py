"""YAML read with the line of every key, and a checker naming file, line and key path."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd
import yaml

from ..dates import partial_date_span
from ..exceptions import Problem, SahelNbError

__all__ = ["read_yaml"]


class _Map(dict):
    """A YAML mapping that remembers the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict = {}
        self.line = 0


class _Seq(list):
    """A YAML sequence that remembers the line of each item."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []
        self.line = 0


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps lines, refuses duplicate keys and reads dates as text."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key) if not isinstance(key, str) else key
        if key in out:
            loader.duplicates.append((key, key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq()
    out.line = node.start_mark.line + 1
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.lines.append(item.start_mark.line + 1)
    return out


def _as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # A date stays as written ("2010-02-16"), like the data's partial dates.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


class _Checker:
    """Collects every problem of one file, each at its line and key path."""

    def __init__(
        self, path: Path, claim_ids: set[str] | None, actor_ids: set[str] | None = None
    ) -> None:
        self.path, self.claim_ids, self.actor_ids = path, claim_ids, actor_ids
        self.problems: list[Problem] = []

    def add(self, line: int | None, key: str, message: str, value=None) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(str(self.path), line, key or None, message, shown))

    def mapping(self, value, line: int, key: str, spec: dict) -> _Map | None:
        if not isinstance(value, dict):
            self.add(line, key, "must be a mapping of keys and values", _short(value))
            return None
        for name in value:
            if name not in spec:
                hint = difflib.get_close_matches(name, list(spec), n=1)
                said = f"; did you mean {hint[0]!r}?" if hint else f"; keys: {', '.join(spec)}"
                self.add(value.lines.get(name, line), _path(key, name), "unknown key" + said)
        for name, required in spec.items():
            if required and name not in value:
                self.add(value.line or line, _path(key, name), "missing")
            elif required and value[name] is None:
                # "likelihood:" with nothing after it reads as no value, not as text.
                self.add(value.lines.get(name, line), _path(key, name), "is empty; give it a value")
        return value

    def text(self, parent: _Map, name: str, key: str) -> str:
        value = parent.get(name)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            self.add(parent.lines.get(name), _path(key, name), "must be text", _short(value))
            return ""
        return " ".join(value.split())

    def texts(self, parent: _Map, name: str, key: str) -> tuple[str, ...]:
        value = parent.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            return (" ".join(value.split()),)
        if not isinstance(value, list):
            self.add(parent.lines.get(name), _path(key, name), "must be a list", _short(value))
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(value.lines[i], f"{_path(key, name)}[{i + 1}]", "must be text", item)
            else:
                out.append(" ".join(item.split()))
        return tuple(out)

    def choice(self, parent: _Map, name: str, key: str, allowed) -> str:
        value = self.text(parent, name, key)
        if value and value not in allowed:
            hint = difflib.get_close_matches(value, list(allowed), n=1)
            said = f"did you mean {hint[0]!r}?" if hint else "one of: " + ", ".join(allowed)
            self.add(parent.lines.get(name), _path(key, name), f"unknown term; {said}", value)
            return ""
        return value

    def date(self, parent: _Map, name: str, key: str) -> str:
        value = self.text(parent, name, key)
        if value:
            start, _ = partial_date_span(pd.Series([value]))
            if pd.isna(start.iloc[0]):
                self.add(
                    parent.lines.get(name),
                    _path(key, name),
                    "not a date; write it as 2010, 2010-02 or 2010-02-16",
                    value,
                )
                return ""
        return value

    def claim(self, value: str, line: int, key: str) -> None:
        if self.claim_ids is not None and value not in self.claim_ids:
            # A claim id is suggested for a claim id, a row id for a row id ("c-…", "fl-…"):
            # a 2009 claim misspelled is not a 2003 payment's report.
            prefix = value.split("-", 1)[0] + "-"
            pool = sorted(i for i in self.claim_ids if i.startswith(prefix)) or sorted(
                self.claim_ids
            )
            hint = difflib.get_close_matches(value, pool, n=1, cutoff=0.7)
            said = f"; did you mean {hint[0]!r}?" if hint else ""
            self.add(line, key, "no claim or row with this id in the data" + said, value)


def _path(key: str, name) -> str:
    return f"{key}.{name}" if key else str(name)


def _keyed(name: str, index: int, item) -> str:
    """``judgments.kj2`` when the item has an id, else ``judgments[2]``."""
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        return f"{name}.{item['id'].strip()}"
    return f"{name}[{index + 1}]"


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def read_yaml(path: Path, check: _Checker):
    """The document of ``path``; its problems (unreadable, not YAML, keys twice) go to ``check``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SahelNbError(f"{path}: no such assessment file") from None
    except OSError as error:
        check.add(None, None, f"cannot be read: {error.strerror or error}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        check.add(line, None, "is not UTF-8 text here; save the file as UTF-8")
        # The rest is still checked: the bad bytes become replacement characters.
        text = data.decode("utf-8", errors="replace")
    loader = _Loader(text)
    loader.duplicates = []
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(error, "problem", None) or str(error).splitlines()[0]
        # The parser's words, then what usually causes them, in an analyst's.
        check.add(
            line,
            None,
            f"not valid YAML ({what}): check the indentation here and on the line before "
            "(the keys of one judgment line up, with spaces, not tabs), and put text that "
            "holds ': ' or starts with a quote, '-' or '[' in double quotes",
        )
        return None
    finally:
        loader.dispose()
    paths = dict(_key_paths(document))
    for key, line in loader.duplicates:
        shown = paths.get((key, line), key)
        check.add(line, shown, "key written twice; the second would silently win")
    return document


def _key_paths(node, path: str = ""):
    """((key, line), its key path) of every key of a read document, ``judgments.kj1.text``."""
    if isinstance(node, _Map):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            yield (key, node.lines.get(key)), here
            yield from _key_paths(value, here)
    elif isinstance(node, _Seq):
        for index, item in enumerate(node):
            yield from _key_paths(item, _keyed(path, index, item))
