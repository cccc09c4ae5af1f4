"""Report run against plain papermill: the wall time of `sahel-nb report` and of the same runs one after another.

Both run the committed `reports.yml` (every notebook, the curated data) in the
same process tree and the same minute: first `sahel-nb report --jobs N` into a
temporary folder (papermill in parallel processes, plus HTML rendering and
publishing), then each run with the `papermill` command, one after another, no
rendering. Prints both wall times and their ratio (below 1: the report run is
faster despite doing more); the last line is one JSON object of the figures.
Needs the set-up environment (`make venv`).

    python benchmarks/bench_report.py [--jobs N] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _report(out: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [BIN / "sahel-nb", "report", "--out", str(out), "--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _papermill(out: Path) -> float:
    sys.path.insert(0, str(ROOT))
    from sahel_nb.report import check_runs, load_config

    runs, notebooks = load_config(ROOT / "reports.yml")
    runs = check_runs(runs, notebooks)
    started = time.perf_counter()
    for run in runs:
        target = out / run.name
        target.mkdir(parents=True)
        command = [BIN / "papermill", str(notebooks / f"{run.notebook}.ipynb"),
                   str(target / "out.ipynb"), "-k", "sahel-nb", "--cwd", str(target),
                   "--no-progress-bar", "-p", "output_dir", str(target)]  # fmt: skip
        for name, value in run.parameters.items():
            command += ["-y", json.dumps({name: value})]
        subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    report_times, papermill_times = [], []
    with tempfile.TemporaryDirectory(prefix="sahel-bench-report-") as tmp:
        for repeat in range(args.repeats):
            report_times.append(_report(Path(tmp) / f"reports-{repeat}", args.jobs))
            papermill_times.append(_papermill(Path(tmp) / f"papermill-{repeat}"))
    runs = len(__import__("yaml").safe_load((ROOT / "reports.yml").read_text())["runs"])
    figures = {
        "notebook_runs": runs,
        "jobs": args.jobs,
        "repeats": args.repeats,
        "report_seconds": round(statistics.median(report_times), 2),
        "papermill_sequential_seconds": round(statistics.median(papermill_times), 2),
    }
    figures["ratio"] = round(figures["report_seconds"] / figures["papermill_sequential_seconds"], 2)
    for key, value in figures.items():
        print(f"{key:>29}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
