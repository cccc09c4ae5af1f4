"""The ``sahel-nb`` command: ``validate`` a data folder (more subcommands to come)."""

from __future__ import annotations

import argparse
import sys

from .data import load_dataset
from .exceptions import DataValidationError, SahelNbError

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    try:
        dataset = load_dataset(args.data_dir)
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found in {error.data_dir}", file=sys.stderr
        )
        return 1
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.tables.items())
    print(f"valid: {counts}")
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
        "and exits 1, or one line of row counts and exits 0.",
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        help="folder with the five CSV tables (default: $SAHEL_NB_DATA, else the curated data)",
    )
    validate.set_defaults(run=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except SahelNbError as error:  # no traceback wall for an analyst
        print(f"sahel-nb: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
