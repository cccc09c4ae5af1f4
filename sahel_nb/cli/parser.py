"""The command line's parser: every command, its arguments and their help."""

from __future__ import annotations

import argparse
from pathlib import Path

from .commands import (
    _changes,
    _claims_find,
    _import,
    _report,
    _review,
    _source_add,
    _source_show,
    _validate,
)


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
    report.add_argument(
        "--keep", type=_positive,
        help="keep only the N newest published runs (and the N newest failed ones)",
    )  # fmt: skip
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
