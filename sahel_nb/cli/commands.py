"""The command line's commands: validate, review, report, import, source, claims, changes."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..assessment import assessment_problems, load_assessment
from ..data import load_dataset, validate_folder
from ..exceptions import DataValidationError, ParameterError, SahelNbError, _escaped


def _count(number: int, what: str, several: str = "") -> str:
    return f"{number} {what if number == 1 else several or what + 's'}"


def _print_problems(error: DataValidationError) -> None:
    """Every problem on its own line, then how many, as `sahel-nb validate` lists them.

    Warnings follow the problems, each saying ``warning:``, and are counted apart.
    """
    for problem in [*error.problems, *error.warnings]:
        print(problem, file=sys.stderr)
    count = _count(len(error.problems), "problem")
    if error.warnings:
        count += f" and {_count(len(error.warnings), 'warning')}"
    print(f"{count} found in {error.data_dir}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from ..paths import assessment_files, default_data_dir
    from ..transaction import settle

    if args.data_dir_option is not None:
        if args.data_dir is not None and args.data_dir != args.data_dir_option:
            raise ParameterError(
                f"two data folders given ({args.data_dir} and {args.data_dir_option}); give one"
            )
        args.data_dir = args.data_dir_option
    for note in settle(Path(args.data_dir) if args.data_dir else default_data_dir()):
        print(f"sahel-nb: {note}", file=sys.stderr)
    folder = _analysis_folder(args)
    files = assessment_files(folder) if folder is not None else []
    try:
        dataset, warnings = validate_folder(args.data_dir)
    except DataValidationError as error:
        # All problems at once: the assessments' own (terms, keys, matrices)
        # too; the claims they cite can only be looked up in valid data.
        written = [p for path in files for p in assessment_problems(path)]
        problems = [*error.problems, *written]
        _print_problems(DataValidationError(problems, error.data_dir, error.warnings))
        if files:
            print(
                f"the claim ids the assessments in {folder} cite are checked once the data "
                "is valid",
                file=sys.stderr,
            )
        return 1
    # Warnings on stderr like problems, and the data still valid: exit 0.
    for warning in warnings:
        print(warning, file=sys.stderr)
    if warnings:
        print(f"{_count(len(warnings), 'warning')}; the data is valid", file=sys.stderr)
    _print_notices(args, dataset)
    # Rows of events.csv a newer export withdrew: kept, but out of every count.
    withdrawn = len(getattr(dataset, "withdrawn", ()))
    aside = {"events": f" (and {withdrawn} withdrawn, out of every count)"} if withdrawn else {}
    counts = ", ".join(
        f"{len(frame)} {name}{aside.get(name, '')}" for name, frame in dataset.tables.items()
    )
    problems = [p for path in files for p in assessment_problems(path, dataset)]
    if problems:
        _print_problems(DataValidationError(problems, str(folder)))
        return 1
    for path in files:
        _print_checks(load_assessment(path, dataset), dataset)
    said = f"; {len(files)} assessment{'s' if len(files) != 1 else ''} in {folder}" if files else ""
    print(f"valid: {counts}{said}")
    return 0


def _print_notices(args: argparse.Namespace, dataset) -> None:
    """Claims new rows may repeat, and grades that may rise, since ``--against`` (git)."""
    import os

    from ..curate import curation_notices
    from ..paths import default_data_dir

    data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
    shown = os.fspath(args.data_dir) if args.data_dir else str(data_dir)
    # A revision the analyst named that cannot be read is said; the default
    # (HEAD) is quietly passed over where the data is kept outside git.
    named = args.against != "HEAD"
    try:
        notices = curation_notices(
            data_dir, dataset, revision=args.against, shown=shown, strict=named
        )
    except SahelNbError as error:
        print(f"sahel-nb: no notices: {error}", file=sys.stderr)
        return
    for notice in notices:
        print(notice, file=sys.stderr)


def _analysis_folder(args: argparse.Namespace) -> Path | None:
    """Where the assessments checked with a data folder are: --analysis, else beside the data."""
    import os

    from ..paths import ANALYSIS_ENV_VAR, default_data_dir

    if getattr(args, "analysis", None):
        return Path(args.analysis)
    if os.environ.get(ANALYSIS_ENV_VAR, "").strip():
        return Path(os.environ[ANALYSIS_ENV_VAR].strip())
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    beside = data_dir.resolve().parent / "analysis"
    return beside if beside.is_dir() else None


def _print_checks(assessment, dataset) -> None:
    """What the checks flag in an assessment, and what needs review: warnings, not errors."""
    import shlex

    from ..assessment import check_assessment, new_evidence, to_review
    from ..paths import analysis_dir, default_data_dir

    for flag in check_assessment(assessment, dataset):
        where = f"{assessment.path}:{flag.line}" if flag.line else str(assessment.path)
        key = flag.judgment
        key = key if key.startswith("hypotheses.") else f"judgments.{key}"
        print(f"{where}: {key}: warning: {flag.check}: {flag.reason}", file=sys.stderr)
    # The command to record a review, as it can be typed here: with the data folder read.
    command = f"sahel-nb review {assessment.id}"
    if assessment.path.parent.resolve() != analysis_dir(dataset.folder).resolve():
        # Found elsewhere (--analysis): review finds it by its file, not its id.
        command = f"sahel-nb review {shlex.quote(str(assessment.path))}"
    if dataset.folder is not None and dataset.folder.resolve() != default_data_dir().resolve():
        command += f" --data-dir {shlex.quote(str(dataset.folder))}"
    for item in to_review(assessment, dataset):
        key = item["id"] if item["id"].startswith("hypotheses.") else f"judgments.{item['id']}"
        line = assessment.lines.get(key, 0)
        where = f"{assessment.path}:{line}" if line else str(assessment.path)
        for change in item["changes"]:
            change = change.replace(f"sahel-nb review {assessment.id} ", f"{command} ")
            print(f"{where}: {key}: to review: {change}", file=sys.stderr)
    for said in new_evidence(assessment, dataset):
        print(f"{assessment.path}: new evidence: {said}", file=sys.stderr)


def _review(args: argparse.Namespace) -> int:
    from ..assessment import to_review, write_review

    dataset = load_dataset(args.data_dir)
    assessment = load_assessment(args.file, dataset)
    stale = to_review(assessment, dataset)
    for item in stale:
        for change in item["changes"]:
            print(f"{item['id']}: {change}")
    path = write_review(assessment, dataset)
    print(
        f"recorded the evidence under {_count(len(assessment.judgments), 'judgment')} and "
        f"{_count(len(assessment.hypotheses), 'matrix', 'matrices')} as reviewed "
        f"({len(stale)} had changed) in {path}"
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    import signal

    from .. import report
    from ..runconfig import absolute

    # Absolute before anything uses them: kernels and workers run in other folders.
    config = absolute(args.config) if args.config else report.default_config()
    out = absolute(args.out) if args.out else None
    runs, notebooks = report.load_config(config)
    if args.only:
        wanted = {name.removesuffix(".ipynb") for name in args.only}
        unknown = wanted - {r.notebook for r in runs} - {r.name for r in runs}
        if unknown:
            raise ParameterError(
                f"--only: {', '.join(sorted(unknown))} not in {config}; it lists: "
                + ", ".join(sorted({r.name for r in runs}))
            )
        runs = [r for r in runs if r.notebook in wanted or r.name in wanted]
    if args.data_dir is not None:
        # As SAHEL_NB_DATA=FOLDER would: the default of every run and of the
        # check before them; a run's own data_dir still wins.
        os.environ["SAHEL_NB_DATA"] = str(absolute(args.data_dir))
    runs = report.check_runs(runs, notebooks, report.parse_overrides(args.parameter or []))
    try:
        if args.executed:
            published = report.publish_executed(
                runs, notebooks, absolute(args.executed), out=out, keep=args.keep
            )
        else:
            published = report.run_reports(
                runs,
                notebooks,
                out=out,
                jobs=args.jobs,
                timeout=args.timeout,
                keep=args.keep,
                force=args.force,
            )
    except DataValidationError as error:
        # As `sahel-nb validate` lists them, once, before anything ran.
        _print_problems(error)
        print("sahel-nb: nothing was run; the last good report is unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:  # Ctrl-C, or report.RunStopped (SIGTERM, SIGHUP)
        signum = getattr(error, "signum", signal.SIGINT)
        what = (
            "interrupted"
            if signum == signal.SIGINT
            else f"stopped by {signal.Signals(signum).name}"
        )
        if getattr(error, "published", None) is not None:
            print(
                f"sahel-nb: {what} after publishing {error.published.name} as latest",
                file=sys.stderr,
            )
        else:
            kept = getattr(error, "kept", None)
            where = f"; this run's partial output is in {kept}" if kept is not None else ""
            print(f"sahel-nb: {what}; the last good report is unchanged{where}", file=sys.stderr)
        return 128 + signum
    print(published / "index.html")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..interop import import_acled, import_gtd, import_ucdp

    importer = {"acled": import_acled, "gtd": import_gtd, "ucdp": import_ucdp}[args.dataset]
    try:
        summary = importer(args.file, args.into, windows=_windows(args))
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"nothing was imported into {args.into}", file=sys.stderr)
        return 1
    print(summary)
    return 0


def _windows(args: argparse.Namespace):
    from ..matching import Windows

    given = {
        name: getattr(args, name)
        for name in ("days", "km", "match_at", "review_at")
        if getattr(args, name) is not None
    }
    return Windows(**given)


def _data_dir(value: str | None) -> Path:
    from ..paths import default_data_dir

    return Path(value).expanduser() if value else default_data_dir()


def _source_add(args: argparse.Namespace) -> int:
    from ..curate import add_source, numbered

    added = add_source(
        args.text_file,
        _data_dir(args.into),
        source_id=args.id,
        publisher=args.publisher,
        published=args.published,
        reliability=args.reliability,
        title=args.title,
        author=args.author,
        url=args.url,
        kind=args.kind,
        notes=args.notes,
    )
    print(_shown_text(numbered(added.paragraphs)))
    print(
        f"\nsahel-nb: {added.source_id} added to {_data_dir(args.into) / 'sources.csv'}; "
        f"its text is {added.text} ({_count(len(added.paragraphs), 'paragraph')}: cite them as "
        "¶N)",
        file=sys.stderr,
    )
    return 0


def _source_show(args: argparse.Namespace) -> int:
    from ..curate import source_paragraphs

    print(_shown_text(source_paragraphs(args.source_id, _data_dir(args.data), args.paragraphs)))
    return 0


def _shown_text(text: str) -> str:
    """A source's text for the terminal: its lines kept, control characters shown escaped.

    A text saved from a web page can hold an escape sequence, which printed
    raw could clear the screen or hide a line of the text being reviewed.
    """
    return "\n".join(_escaped(line) for line in text.split("\n"))


def _claims_find(args: argparse.Namespace) -> int:
    from ..curate import similar_claims
    from ..data import load_dataset

    if (args.text is None) == (args.like is None):
        raise ParameterError("give either TEXT or --like ROW_ID")
    found = similar_claims(
        load_dataset(_data_dir(args.data)), like=args.like, text=args.text, limit=args.limit
    )
    if found.empty:
        print("no existing claim looks like it: give the row a claim_id of its own")
        return 0
    for hit in found.itertuples():
        print(f"{hit.score:.2f}  {hit.table} {hit.claim_id} (e.g. {hit.row}): {hit.why}")
    return 0


def _changes(args: argparse.Namespace) -> int:
    from ..changes import compare_latest, compare_revision, format_changes

    if args.against == "latest":
        changes = compare_latest(_data_dir(args.data), args.reports)
    elif args.reports is not None:
        raise ParameterError("--reports goes with --against latest (the last published report)")
    else:
        changes = compare_revision(_data_dir(args.data), args.against)
    print(format_changes(changes))
    return 0
