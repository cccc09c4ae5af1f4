"""Curating a short article: what an analyst waits for at each step, command by command.

Copies the curated data and the source texts it holds into a temporary git
repository, then times, each as the analyst runs it (a fresh process):

1. ``sahel-nb source add`` of a short article (four paragraphs);
2. ``sahel-nb source show`` of the paragraph to cite;
3. ``sahel-nb claims find`` with a sentence of it (the claim it repeats);
4. appending one event row as the curation notebook's button does
   (:func:`sahel_nb.curate.append_row`: the row checked, then written);
5. ``sahel-nb validate`` of the folder (texts, notices);
6. ``sahel-nb changes`` against the last commit;
7. the curation notebook (``notebooks/curate.ipynb``) run by papermill on
   the new source, as opening it and running every cell does.

The typing between the steps is the analyst's and is not timed. The
article is a short paraphrase written for this benchmark (it never enters
``data/``). Prints readable lines, then one JSON object as the last line.

    python benchmarks/bench_curate.py [--sources DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# Four paragraphs in this benchmark's own words, on a fact the curated data
# holds (the January 2009 kidnapping of tourists, Edwin Dyer among them).
ARTICLE = """\
AQIM says it holds two Canadian envoys and four European tourists

In a statement put out on a jihadist website on Tuesday, al-Qaeda in the
Islamic Maghreb said it was behind the abduction of two Canadian diplomats
in Niger in December.

The group also said its men had seized four European tourists in January
close to the Mali-Niger border.

The statement named the British tourist Edwin Dyer among those it held.
"""

ROW = {
    "event_id": "ev-bench-2009",
    "date": "2009-01",
    "event_type": "Violence against civilians",
    "sub_event_type": "Abduction/forced disappearance",
    "actor1": "aqim",
    "claim_id": "c-2009-dyer-kidnapping",
    "description": "AQIM claims it took four European tourists near the Mali-Niger border.",
    "status": "alleged",
    "credibility": "3",
    "source_id": "bench-2009",
    "locator": "¶3–4",
}

APPEND = """
import json, sys
from sahel_nb.curate import append_row
print(append_row("events", json.loads(sys.argv[1]), sys.argv[2]))
"""


def _timed(label: str, command: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print(f"{label:<28} {seconds:6.2f} s")
    return seconds, done.stdout


def _held_texts(sources: Path, target: Path) -> None:
    target.mkdir()
    for text in sources.glob("*.txt"):
        shutil.copy(text, target / text.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=Path(os.environ.get("SAHEL_NB_SOURCES", ROOT.parent / "shared" / "sources")),
        help="the curated data's source texts (default: $SAHEL_NB_SOURCES, else ../shared/sources)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-curate-") as tmp:
        work = Path(tmp)
        data = work / "data"
        shutil.copytree(ROOT / "data", data)
        _held_texts(args.sources, work / "sources")
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
        subprocess.run(["git", "init", "-q"], cwd=work, check=True)
        subprocess.run(["git", "add", "data"], cwd=work, check=True)
        subprocess.run([*git, "commit", "-qm", "curated data"], cwd=work, check=True)
        article = work / "download.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        env = {
            k: v for k, v in os.environ.items() if k not in ("SAHEL_NB_DATA", "SAHEL_NB_SOURCES")
        }
        env |= {"SAHEL_NB_SOURCES": str(work / "sources"), "PYTHONHASHSEED": "0"}
        cli = [str(BIN / "sahel-nb")]
        steps = {
            "source_add": [
                *cli, "source", "add", str(article), "--id", "bench-2009", "--publisher",
                "Benchmark Wire", "--published", "2009-02-17", "--reliability", "C",
                "--into", str(data),
            ],
            "source_show": [*cli, "source", "show", "bench-2009", "¶3", "--data", str(data)],
            "claims_find": [
                *cli, "claims", "find", "AQIM seized European tourists, Edwin Dyer among them, "
                "near the Mali-Niger border in January", "--data", str(data),
            ],
            "append_row": [str(sys.executable), "-c", APPEND, json.dumps(ROW), str(data)],
            "validate": [*cli, "validate", str(data)],
            "changes": [*cli, "changes", "--data", str(data)],
            "notebook": [
                str(BIN / "papermill"), "--no-progress-bar", "-k", "sahel-nb",
                str(ROOT / "notebooks" / "curate.ipynb"), str(work / "curate-run.ipynb"),
                "-p", "data_dir", str(data), "-p", "source_id", "bench-2009",
                "-p", "paragraph", "3", "-p", "table", "events",
            ],
        }  # fmt: skip
        figures, said = {}, {}
        for name, command in steps.items():
            seconds, said[name] = _timed(name, command, env, work)
            figures[name] = round(seconds, 2)
    best = said["claims_find"].splitlines()[0] if said["claims_find"].strip() else "(none)"
    print(f"claims find's first answer: {best}")
    commands = sum(seconds for name, seconds in figures.items() if name != "notebook")
    print(f"{'the commands together':<28} {commands:6.2f} s")
    first = best.split()[2] if len(best.split()) > 2 else None
    print(json.dumps(figures | {"commands_seconds": round(commands, 2), "claim_found": first}))


if __name__ == "__main__":
    main()
