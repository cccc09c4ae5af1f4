"""The ``sahel-nb`` command: validate, review, report, import, source, claims, changes."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from .assessment import assessment_problems, load_assessment
from .data import load_dataset, validate_folder
from .exceptions import DataValidationError, ParameterError, SahelNbError, _escaped

__all__ = ["main"]


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'s' if number != 1 else ''}"


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
    from .paths import assessment_files, default_data_dir
    from .transaction import settle

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

    from .curate import curation_notices
    from .paths import default_data_dir

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

    from .paths import ANALYSIS_ENV_VAR, default_data_dir

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

    from .assessment import check_assessment, to_review
    from .paths import analysis_dir, default_data_dir

    for flag in check_assessment(assessment, dataset):
        where = f"{assessment.path}:{flag.line}" if flag.line else str(assessment.path)
        print(
            f"{where}: judgments.{flag.judgment}: warning: {flag.check}: {flag.reason}",
            file=sys.stderr,
        )
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


def _review(args: argparse.Namespace) -> int:
    from .assessment import to_review, write_review

    dataset = load_dataset(args.data_dir)
    assessment = load_assessment(args.file, dataset)
    stale = to_review(assessment, dataset)
    for item in stale:
        for change in item["changes"]:
            print(f"{item['id']}: {change}")
    path = write_review(assessment, dataset)
    print(
        f"recorded the evidence under {len(assessment.judgments)} judgments and "
        f"{len(assessment.hypotheses)} matrices as reviewed ({len(stale)} had changed) in {path}"
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    import signal

    from . import report
    from .runconfig import absolute

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
    from .interop import import_acled, import_gtd, import_ucdp

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
    from .matching import Windows

    given = {
        name: getattr(args, name)
        for name in ("days", "km", "match_at", "review_at")
        if getattr(args, name) is not None
    }
    return Windows(**given)


def _data_dir(value: str | None) -> Path:
    from .paths import default_data_dir

    return Path(value).expanduser() if value else default_data_dir()


def _source_add(args: argparse.Namespace) -> int:
    from .curate import add_source, numbered

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
    from .curate import source_paragraphs

    print(_shown_text(source_paragraphs(args.source_id, _data_dir(args.data), args.paragraphs)))
    return 0


def _shown_text(text: str) -> str:
    """A source's text for the terminal: its lines kept, control characters shown escaped.

    A text saved from a web page can hold an escape sequence, which printed
    raw could clear the screen or hide a line of the text being reviewed.
    """
    return "\n".join(_escaped(line) for line in text.split("\n"))


def _claims_find(args: argparse.Namespace) -> int:
    from .curate import similar_claims
    from .data import load_dataset

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
    from .changes import compare_latest, compare_revision, format_changes

    if args.against == "latest":
        changes = compare_latest(_data_dir(args.data), args.reports)
    elif args.reports is not None:
        raise ParameterError("--reports goes with --against latest (the last published report)")
    else:
        changes = compare_revision(_data_dir(args.data), args.against)
    print(format_changes(changes))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sahel-nb", description="Cited, graded data and notebooks on AQIM and the Sahel."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check a data folder and list every problem",
        description="Check a data folder. Prints every problem as file:line: column: message "
        "and exits 1, or one line of row counts and exits 0. Warnings and notices (what to "
        "look at, since the last commit) are printed the same way and leave the data valid.",
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        help="folder with the five CSV tables (default: $SAHEL_NB_DATA, else the curated data)",
    )
    validate.add_argument(
        "--data-dir",
        dest="data_dir_option",
        metavar="DATA_DIR",
        help="the same folder, given as the other commands take it",
    )
    validate.add_argument(
        "--analysis",
        metavar="FOLDER",
        help="folder of assessments (*.yml) to check against the data (default: "
        "$SAHEL_NB_ANALYSIS, else the analysis/ folder beside the data folder, if any)",
    )
    validate.add_argument(
        "--against",
        metavar="REV",
        default="HEAD",
        help="git revision the notices compare with (default: HEAD, the last commit): a row "
        "added since that probably repeats an existing claim, and rows whose credibility may "
        "rise because their claim gained an independent origin",
    )
    validate.set_defaults(run=_validate)

    review = commands.add_parser(
        "review",
        help="record that an assessment's judgments were reviewed against today's evidence",
        description="After re-reading each judgment of an assessment against its evidence, "
        "record the state of that evidence (every report beneath each judgment and matrix, "
        "with its status and grades) in <id>.review.json beside the file. Until the evidence "
        "changes again, report runs and validate no longer name these judgments to review. "
        "Prints what had changed first.",
    )
    review.add_argument("file", help="the assessment, e.g. analysis/aqim-kfr-mali-2003-2010.yml")
    review.add_argument(
        "--data-dir",
        dest="data_dir",
        help="data folder (default: $SAHEL_NB_DATA, else the curated data)",
    )
    review.set_defaults(run=_review)

    report = commands.add_parser(
        "report",
        help="run the notebooks with papermill and publish reports/latest",
        description="Execute the notebook runs of a config file with papermill, render each "
        "as an offline HTML page, and publish the run as <out>/latest only if every "
        "notebook succeeded. A failed run is kept as failed-<run id> and latest is unchanged. "
        "A run whose notebook, parameters, data, requirements.lock and sahel_nb code are those "
        "of the last published run is reused, not executed (manifest.json says which and why). "
        "Every report has changes.html (what changed in the data since the last one), an "
        "index with offline search, and PDFs of the pages runs list under pdf.",
    )
    report.add_argument("--config", help="YAML file of runs (default: reports.yml of the clone)")
    report.add_argument("--out", type=Path, help="folder of report runs (default: reports/)")
    report.add_argument(
        "--data-dir",
        help="the data folder the runs read, as SAHEL_NB_DATA=FOLDER would (a run's own "
        "data_dir still wins; default: $SAHEL_NB_DATA, else the curated data)",
    )
    report.add_argument(
        "--jobs", type=_positive, help="notebooks run at once (default: the number of cores)"
    )
    report.add_argument(
        "-p",
        "--parameter",
        action="append",
        metavar="NAME=VALUE",
        help="set a parameter in every run (repeatable), e.g. -p start=2003",
    )
    report.add_argument(
        "--only", nargs="+", metavar="NOTEBOOK", help="run only these notebooks or run names"
    )
    report.add_argument("--keep", type=_positive, help="keep only the N newest finished runs")
    report.add_argument(
        "--force", action="store_true", help="execute every run, even those that did not change"
    )
    report.add_argument(
        "--executed",
        metavar="FOLDER",
        help="publish notebooks another scheduler already executed into FOLDER/<run name>/ "
        "(the Airflow DAG's last task); nothing is executed",
    )
    report.add_argument(
        "--timeout", type=_positive, default=600, help="seconds a cell may run (default: 600)"
    )
    report.set_defaults(run=_report)

    imports = commands.add_parser(
        "import",
        help="import a public dataset export (ACLED, GTD, UCDP GED) into a data folder",
        description="Add the events of an export to a data folder, all or nothing: actor names "
        "resolved through actor_mappings.csv and aliases, new actors listed for review, events "
        "that repeat one already held (curated or imported) added as another report of its "
        "claim, uncertain matches listed in event_matches.csv for the analyst. Every ACLED "
        "layout since 2015, START's GTD workbook or CSV, and UCDP GED (CSV or the API's JSON). "
        "After actor_mappings.csv is edited, any import "
        "re-resolves the rows earlier imports wrote. A newer export of the same dataset "
        "revises the events an older one imported and marks withdrawn those it no longer "
        "holds (logged in imports/revisions.csv). Importing a file twice changes nothing "
        "the second time.",
    )
    imports.add_argument("dataset", choices=["acled", "gtd", "ucdp"], help="the export's format")
    imports.add_argument(
        "file",
        help="the export: CSV (HDX's too), API JSON (.json, .jsonl), an Excel workbook "
        "(.xlsx: the sheet with the export's columns), or a zip archive holding one of these",
    )
    imports.add_argument(
        "--into", "--data-dir", dest="into", required=True, help="the data folder to add to"
    )
    matched = imports.add_argument_group(
        "matching", "how close two records must be to be one event (see sahel_nb.matching.Windows)"
    )
    matched.add_argument(
        "--days", type=_not_negative, help="days apart beyond each date's own precision (3)"
    )
    matched.add_argument(
        "--km", type=_not_negative, help="kilometres apart beyond each place's precision (50)"
    )
    matched.add_argument(
        "--match-at", type=_share, help="score from which a pair is one event (0.75)"
    )
    matched.add_argument(
        "--review-at", type=_share, help="score from which a pair is listed for review (0.5)"
    )
    imports.set_defaults(run=_import)

    source = commands.add_parser(
        "source",
        help="add a source's text and row, or show its numbered paragraphs",
        description="Curate a source: 'add' stores its text under the standard name, adds "
        "its sources.csv row and prints the text with ¶ numbers; 'show' prints a held "
        "source's paragraphs.",
    )
    actions = source.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="store a text as <id>.txt and add its sources.csv row",
        description="Store TEXT_FILE (UTF-8, paragraphs separated by blank lines) as <id>.txt "
        "in $SAHEL_NB_SOURCES, else in sources/ beside the data folder, add the row to "
        "sources.csv (validated, all or nothing) and print the text with ¶ numbers to cite.",
    )
    add.add_argument("text_file", help="the source's text, as UTF-8")
    add.add_argument("--id", required=True, help="the new source_id, e.g. mg-2009")
    add.add_argument("--publisher", required=True, help="publisher or outlet")
    add.add_argument(
        "--published", required=True, help="publication date: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    add.add_argument(
        "--reliability", required=True, choices=list("ABCDEF"), help="Admiralty reliability"
    )
    add.add_argument("--title", help="title (default: the text's first line)")
    add.add_argument("--author", help="author(s)")
    add.add_argument("--url", help="web address")
    add.add_argument("--kind", help="what the document is, e.g. news report")
    add.add_argument("--notes", help="why this grade, how the date was read …")
    _data_option(add, "--into")
    add.set_defaults(run=_source_add)
    show = actions.add_parser(
        "show",
        help="print a held source's text with ¶ numbers",
        description="Print a held source's paragraphs, numbered as locators count them.",
    )
    show.add_argument("source_id", help="a held source, e.g. mg-2003")
    show.add_argument("paragraphs", nargs="?", help="only these, e.g. ¶8 or ¶3–5")
    _data_option(show, "--data")
    show.set_defaults(run=_source_show)

    claims = commands.add_parser(
        "claims",
        help="find the existing claims a new row repeats",
        description="List the existing claims a new row probably repeats, best first: same "
        "kind of fact, actors, overlapping dates, alike descriptions. Give the new row's "
        "claim_id to the one it repeats.",
    )
    claim_actions = claims.add_subparsers(dest="action", required=True, metavar="ACTION")
    find = claim_actions.add_parser("find", help="claims like a sentence or a row")
    find.add_argument(
        "text", nargs="?", help="words saying the fact, e.g. a sentence of the source"
    )
    find.add_argument("--like", metavar="ROW_ID", help="a row of the data (e.g. one just added)")
    find.add_argument("--limit", type=_positive, default=5, help="claims listed (default: 5)")
    _data_option(find, "--data")
    find.set_defaults(run=_claims_find)

    changes = commands.add_parser(
        "changes",
        help="what the data folder changed since a git revision, without running notebooks",
        description="Compare the data folder with its tables at a git revision (default HEAD) "
        "or with the last published report's data (--against latest): "
        "rows added, removed and changed field by field, claims whose support moved, money "
        "totals that moved: the changes page's tables, in seconds.",
    )
    changes.add_argument(
        "--against",
        default="HEAD",
        help="a git revision (default: HEAD, the last commit), or 'latest': the data of the "
        "last published report, as the next report's changes page will compare",
    )
    changes.add_argument(
        "--reports",
        metavar="FOLDER",
        help="with --against latest: the folder of report runs (default: reports/)",
    )
    _data_option(changes, "--data")
    changes.set_defaults(run=_changes)
    return parser


def _data_option(parser: argparse.ArgumentParser, flag: str = "--data") -> None:
    """The data folder option the curation commands share."""
    # Every command also takes --data-dir: an analyst should not have to
    # remember which spelling which command wants.
    parser.add_argument(
        flag,
        "--data-dir",
        dest=flag.lstrip("-"),
        help="the data folder (default: $SAHEL_NB_DATA, else the curated data)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _not_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of at least 0, got {text!r}")
    return value


def _share(text: str) -> float:
    value = _not_negative(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"expected a score from 0 to 1, got {text!r}")
    return value


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"sahel-nb: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            # A note to the analyst (an import killed part way was finished) is a
            # line of its own, not Python's file, line number and source line.
            warnings.showwarning = _note
            status = args.run(args)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could not be handled
        return status
    except SahelNbError as error:  # no traceback wall for an analyst
        print(f"sahel-nb: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped to a reader that stopped (``| head``): the command's work
        # is done or committed as it would be; only the rest of its words are
        # unread. Python's own flush at exit would raise again: point it nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command stopped by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
