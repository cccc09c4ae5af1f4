"""ACLED's API answers as JSON records (a list, a response with ``data``, one per line) read as an export."""

from __future__ import annotations

import hashlib
import json
import operator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..exceptions import Problem
from .layout import EMPTY_MARKS, JSON, MAX_SHOWN, _cleaned, _frame, _header, _missing

__all__ = ["read_json"]


def read_json(
    path: Path,
    raw: bytes,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    aliases: dict[str, str],
) -> tuple[pd.DataFrame, list[Problem], str]:
    """Records from an API as JSON: a list, an answer with a ``data`` list, or one per line.

    Values (strings, numbers or null) are read as the CSV export writes them:
    ``1``, not ``1.0``; null as empty. Records number from 1, and a problem
    cites its record's number as its line.
    """
    shown = str(path)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = f"is not UTF-8 text (near line {line}); JSON is always UTF-8: download it again"
        return _frame(), [Problem(shown, None, None, problem)], JSON
    if not content.strip():
        problem = f"is empty; {label} in JSON is a list of records"
        return _frame(), [Problem(shown, None, None, problem)], JSON
    records, problems = _json_records(shown, content, path.suffix.lower() != ".json", label)
    if problems:
        return _frame(), problems, JSON
    keys: dict[str, None] = dict.fromkeys(records[0]) if records else {}
    uniform = True  # every record has the same keys: the usual case, read faster
    for record in records:  # keys in order of appearance; a record may leave out empty ones
        if record.keys() != keys.keys():
            uniform = False
            keys.update(dict.fromkeys(record))
    names = _header(keys, aliases)
    missing = [n for n in required if n not in names]
    if missing and records:
        return _frame(), _missing(shown, 1, names, missing, label), JSON
    picked = [(key, name) for key, name in zip(keys, names, strict=True) if name in used]
    if uniform and len(picked) > 1:
        values = zip(*map(operator.itemgetter(*(key for key, _ in picked)), records), strict=True)
    else:
        values = ([record.get(key) for record in records] for key, _ in picked)
    columns = {name: _json_column(column) for (_, name), column in zip(picked, values, strict=True)}
    columns.update({n: pa.array([], pa.string()) for n in missing})  # no records, no keys
    frame = pa.table(columns).to_pandas() if columns else pd.DataFrame(index=range(len(records)))
    frame["_row"] = np.arange(1, len(frame) + 1)
    notes = [] if records else ["holds no records: the answer found no events"]
    digest = hashlib.sha256(raw).hexdigest()
    return _frame(frame, sha256=digest, notes=notes, line_offset=0), [], JSON


def _json_column(values) -> pa.Array:
    """JSON values as trimmed text, each distinct value converted once (records repeat them)."""
    try:  # all text (or null), as ACLED's API long gave every value
        return _cleaned(pa.array(values, pa.string()).fill_null(""))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    try:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError:  # a list or an object among the values (unhashable): each converted
        return _cleaned(pa.array([_json_text(v) for v in values], pa.string()))
    texts = [_json_text(v).strip() for v in uniques]
    texts = np.array(["" if t in EMPTY_MARKS else t for t in texts] + [""], dtype=object)
    return pa.array(texts[codes], pa.string())


def _json_records(
    shown: str, content: str, by_line: bool, label: str
) -> tuple[list[dict], list[Problem]]:
    """The records of a JSON file, or the problems that keep it from being read."""
    if not by_line:
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            if not error.msg.startswith("Extra data"):  # "Extra data": one record per line
                return [], [_damaged(shown, error.lineno)]
            by_line = True
    if by_line:
        values, bad = [], []
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                try:
                    values.append(json.loads(line))
                except json.JSONDecodeError:
                    bad.append((len(values) + len(bad) + 1, number))
        if bad and not values:  # not one record per line: one document over several lines?
            try:
                values = [json.loads(content)]
            except json.JSONDecodeError as error:
                return [], [_damaged(shown, error.lineno)]
        elif bad:
            problems = [
                Problem(
                    shown,
                    record,
                    None,
                    f"record {record} (line {line}) is not readable JSON; download the file "
                    "again, or delete the damaged line",
                )
                for record, line in bad[:MAX_SHOWN]
            ]
            if len(bad) > MAX_SHOWN:
                more = len(bad) - MAX_SHOWN
                problems.append(Problem(shown, None, None, f"… and {more:,} more such lines"))
            return [], problems
        one = values[0] if len(values) == 1 else None
        data = one if isinstance(one, list) or _answer(one) is not None else values
        # Several pages of an API's answers, one per line (UCDP's pages saved in
        # turn): their records, in order. A page that failed is said as such.
        if len(values) > 1 and all(
            isinstance(v, dict) and (_answer(v) is not None or _failed(v)) for v in values
        ):
            failed = [v for v in values if _failed(v)]
            data = failed[0] if failed else [r for v in values for r in _answer(v)]
    records = _answer(data) if isinstance(data, dict) else data
    failed = isinstance(data, dict) and _failed(data)
    if (
        failed
        or not isinstance(records, list)
        or (records and not any(isinstance(r, dict) for r in records))
    ):
        said = _said(data)
        said = f" (it says: {said!r})" if said else ""
        problem = (
            f"holds no records{said}: {label} in JSON is a list of records, or an API's answer "
            'with its records in a "data" list; download the records again'
        )
        return [], [Problem(shown, None, None, problem)]
    bad = [n for n, record in enumerate(records, 1) if not isinstance(record, dict)]
    problems = [
        Problem(
            shown, n, None, f"record {n} is not a record of named fields ({_short(records[n - 1])})"
        )
        for n in bad[:MAX_SHOWN]
    ]
    if len(bad) > MAX_SHOWN:
        more = len(bad) - MAX_SHOWN
        problems.append(Problem(shown, None, None, f"… and {more:,} more such records"))
    return records, problems


def _failed(answer: dict) -> bool:
    """Whether an API's answer says it failed (ACLED's ``success: false``, an ``error``)."""
    return answer.get("success") is False or bool(answer.get("error"))


def _answer(data) -> list | None:
    """The records of an API's answer, else None.

    ACLED's: ``{"status": 200, "data": [...]}``; UCDP's, a page of
    ``{"TotalCount": …, "Result": [...]}``.
    """
    if isinstance(data, dict):
        for key in ("data", "Result"):
            if isinstance(data.get(key), list):
                return data[key]
    return None


def _damaged(shown: str, line: int) -> Problem:
    problem = (
        f"is not readable JSON: it is damaged or cut short near line {line}; download it again"
    )
    return Problem(shown, None, None, problem)


def _said(data) -> str:
    """What an API's answer without records says (its error or message), briefly."""
    if isinstance(data, dict):
        for key in ("error", "message", "messages", "errors", "detail"):
            if key in data:
                value = data[key]
                found = value if isinstance(value, str) else _said(value)
                if found:
                    return found[:200]
    if isinstance(data, list) and data:
        return _said(data[0])
    return ""


def _short(value) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _json_text(value) -> str:
    """A JSON value as the CSV export writes it: ``1``, not ``1.0``; null as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(value, ensure_ascii=False)  # a list or an object, kept as written
