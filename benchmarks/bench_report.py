"""Report run against plain papermill, and an unchanged rerun against the first run: wall times.

Both run the committed `reports.yml` (every notebook, the curated data) in the
same process tree and the same minute: first `sahel-nb report --jobs N` into a
temporary folder (papermill in parallel processes, plus HTML rendering and
publishing), then each run with the `papermill` command, one after another, no
rendering. Prints both wall times and their ratio (below 1: the report run is
faster despite doing more).

Then what `make reports` does twice in a row with nothing changed (`sahel-nb
validate`, then `sahel-nb report` into a fresh folder): the first run executes
every notebook, the second reuses them all. Prints both wall times, their
ratio (the issue asks for under 1/3) and whether a third unchanged run
published the same files as the second apart from run ids. The last line is
one JSON object of the figures. Needs the set-up environment (`make venv`).

    python benchmarks/bench_report.py [--jobs N] [--repeats N] [--skip-papermill]
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def _make_reports(out: Path, jobs: int) -> float:
    """`make reports` without make's own start-up: validate the data, then report."""
    started = time.perf_counter()
    subprocess.run([BIN / "sahel-nb", "validate"], check=True, capture_output=True)
    subprocess.run(
        [BIN / "sahel-nb", "report", "--out", str(out), "--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): re.sub(
            rb"\d{8}T\d{6}Z-\d+-[0-9a-f]{4}", b"RUN", p.read_bytes()
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in {".kernel.log", "manifest.json"}
    }


def _reuse(tmp: Path, jobs: int) -> dict:
    out = tmp / "reuse"
    first = _make_reports(out, jobs)
    second = _make_reports(out, jobs)
    before = _files((out / "latest").resolve())
    _make_reports(out, jobs)
    after = _files((out / "latest").resolve())
    manifest = json.loads((out / "latest" / "manifest.json").read_text())
    return {
        "first_run_seconds": round(first, 2),
        "unchanged_rerun_seconds": round(second, 2),
        "rerun_ratio": round(second / first, 3),
        "rerun_executed": manifest["executed"],
        "rerun_same_report": before == after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--skip-papermill", action="store_true", help="time only the first run and the rerun"
    )
    args = parser.parse_args()
    report_times, papermill_times = [], []
    runs = len(__import__("yaml").safe_load((ROOT / "reports.yml").read_text())["runs"])
    figures = {"notebook_runs": runs, "jobs": args.jobs}
    with tempfile.TemporaryDirectory(prefix="sahel-bench-report-") as tmp:
        if not args.skip_papermill:
            for repeat in range(args.repeats):
                report_times.append(_report(Path(tmp) / f"reports-{repeat}", args.jobs))
                papermill_times.append(_papermill(Path(tmp) / f"papermill-{repeat}"))
            figures["repeats"] = args.repeats
            figures["report_seconds"] = round(statistics.median(report_times), 2)
            figures["papermill_sequential_seconds"] = round(statistics.median(papermill_times), 2)
            figures["ratio"] = round(
                figures["report_seconds"] / figures["papermill_sequential_seconds"], 2
            )
        figures.update(_reuse(Path(tmp), args.jobs))
    for key, value in figures.items():
        print(f"{key:>29}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
