"""Scheduled report runs: config, parameter checks, parallel runs, atomic publishing."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sahel_nb import ParameterError
from sahel_nb.report import (
    Run,
    RunFailed,
    check_runs,
    load_config,
    parse_overrides,
    run_reports,
)

ROOT = Path(__file__).parents[1]
NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reports.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_lists_every_problem_at_once(tmp_path):
    path = _config(
        tmp_path,
        "notebooks: nb\ncolour: red\nruns:\n  - name: x\n  - notebook: a\n    extra: 1\n"
        "  - notebook: a\n  - notebook: a.ipynb\n",
    )
    with pytest.raises(ParameterError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "unknown keys ['colour']" in message
    assert "run 1: needs a 'notebook'" in message
    assert "run 2: unknown keys ['extra']" in message
    assert "two runs are named 'a'" in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("plain words\n", "is not a report configuration"),
        ("- a\n", "is not a report configuration"),
        ("runs: 5\n", "runs must be a list of runs"),
        ("notebooks: [1]\nruns: [{notebook: a}]\n", "notebooks must be a folder's name"),
        ("runs: [{notebook: a, parameters: [1, 2]}]\n", "run 1: parameters must be NAME: VALUE"),
    ],
)
def test_a_config_of_the_wrong_shape_is_a_message_not_a_traceback(tmp_path, text, said):
    with pytest.raises(ParameterError, match=said):
        load_config(_config(tmp_path, text))


def test_config_names_default_to_the_notebook_and_folders_resolve(tmp_path):
    runs, notebooks = load_config(
        _config(tmp_path, "runs:\n  - notebook: ok\n    parameters: {count: 3}\n")
    )
    assert runs == [Run("ok", "ok", {"count": 3})]
    assert notebooks == (tmp_path / "notebooks").resolve()


def test_the_committed_config_names_only_declared_parameters():
    runs, notebooks = load_config(ROOT / "reports.yml")
    assert check_runs(runs, notebooks)  # raises on any undeclared or mistyped parameter
    # explore.ipynb and curate.ipynb are for a live kernel: their widgets mean nothing in a
    # static page, and curate writes to the data.
    notebooks_dir = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert {r.notebook for r in runs} == notebooks_dir - {"explore", "curate"}


def test_unknown_or_mistyped_parameters_are_errors_before_anything_runs():
    runs = [Run("ok", "ok", {"count": "three", "colour": "red"}), Run("missing", "missing")]
    with pytest.raises(ParameterError) as caught:
        check_runs(runs, NOTEBOOKS, {"ratio": "abc", "output_dir": "/tmp", "size": "3"})
    message = str(caught.value)
    assert "ok: parameter 'count' should be int, got str 'three'" in message
    assert "ok: does not declare parameter 'colour'" in message
    assert "ok: parameter 'ratio' should be float, got str 'abc'" in message
    assert "-p output_dir: set by the report run itself; use --out" in message
    assert "-p size: no notebook run declares it (they have: ok: label, count," in message
    assert "missing: no notebook missing.ipynb" in message


def test_command_line_values_go_to_the_runs_that_declare_them():
    runs = [Run("ok", "ok"), Run("fails", "fails")]
    ok, fails = check_runs(runs, NOTEBOOKS, {"count": "5"})
    assert ok.parameters == {"count": 5} and fails.parameters == {}


def test_command_line_values_take_the_type_of_the_default():
    (run,) = check_runs(
        [Run("ok", "ok")], NOTEBOOKS, {"label": "2006", "count": "7", "start": "2030"}
    )
    # A text default keeps "2006" as text; None defaults read YAML.
    assert run.parameters == {"label": "2006", "count": 7, "start": 2030}
    with pytest.raises(ParameterError, match="write NAME=VALUE"):
        parse_overrides(["start2030"])


pytestmark_notebook = pytest.mark.notebook


@pytest.mark.notebook
def test_parallel_run_publishes_latest_with_pages_and_manifest(tmp_path):
    runs = check_runs(
        [Run("ok", "first", {"count": 1}), Run("ok", "second", {"label": "<b>bold</b>"})],
        NOTEBOOKS,
    )
    lines = []
    published = run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=2, log=lines.append)
    latest = tmp_path / "latest"
    assert latest.resolve() == published.resolve()
    assert (latest / "first" / "written.txt").read_text() == "hello 1 0.5 None\n"
    assert (latest / "second" / "written.txt").read_text() == "<b>bold</b> 2 0.5 None\n"
    manifest = json.loads((latest / "manifest.json").read_text())
    assert manifest["run_id"] == published.name
    assert [(r["name"], r["status"]) for r in manifest["runs"]] == [
        ("first", "ok"),
        ("second", "ok"),
    ]
    assert manifest["runs"][1]["parameters"] == {"label": "<b>bold</b>"}
    # The defaults a run took are said beside what it was given; None and folders are not.
    assert manifest["runs"][1]["defaults"] == {"count": 2, "ratio": 0.5}
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["data_sha256"])
    assert manifest["sahel_nb_version"]
    # Every link of the index resolves; the notebook pages hide code and fetch nothing.
    index = (latest / "index.html").read_text()
    links = re.findall(r'href="([^"#]+)"', index)
    assert "first/first.html" in links and "manifest.json" in links
    assert all((latest / link).is_file() for link in links)
    page = (latest / "second" / "second.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in index and "<b>bold</b>" not in index
    assert "the notebook's defaults: <code>count=2</code>, <code>ratio=0.5</code>" in index
    assert "written.txt" not in page  # code cells are hidden
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page)
    assert any(line.startswith("[2/2]") for line in lines)


@pytest.mark.notebook
def test_a_failing_notebook_leaves_latest_untouched(tmp_path):
    good = run_reports(check_runs([Run("ok", "ok")], NOTEBOOKS), NOTEBOOKS, out=tmp_path, log=print)
    runs = check_runs([Run("ok", "ok"), Run("fails", "fails")], NOTEBOOKS)
    with pytest.raises(RunFailed) as caught:
        run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=2, log=print)
    message = str(caught.value)
    assert "fails (fails): code cell 3 ('raise ValueError(" in message
    assert "ValueError: deliberate failure" in message
    assert "Traceback" not in message
    assert (tmp_path / "latest").resolve() == good.resolve()
    (failed,) = tmp_path.glob("failed-*")
    manifest = json.loads((failed / "manifest.json").read_text())
    assert [r["status"] for r in manifest["runs"]] == ["ok", "failed"]
    assert (failed / "fails" / "fails.html").is_file()  # the partial output, for diagnosis
    assert not list(tmp_path.glob(".building-*"))


@pytest.mark.notebook
def test_keep_prunes_old_runs_but_never_latest(tmp_path):
    # Folders an analyst keeps beside the runs are not runs, whatever their names.
    for name in ("2025 annual review", "00-README-notes", "20250101T000000Z-notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.txt").write_text("mine", encoding="utf-8")
    # Failed runs are kept for diagnosis, but only the newest of them.
    for stamp in ("20200101T000000Z-1-aaaa", "20200102T000000Z-1-bbbb", "20200103T000000Z-1-cccc"):
        (tmp_path / f"failed-{stamp}").mkdir()
    runs = check_runs([Run("ok", "ok")], NOTEBOOKS)
    for _ in range(3):
        last = run_reports(runs, NOTEBOOKS, out=tmp_path, keep=2, log=print)
    kept = sorted(
        p.name for p in tmp_path.iterdir()
        if p.is_dir() and not p.is_symlink() and p.name[0].isdigit() and "T" in p.name[:9]
        and "notes" not in p.name
    )  # fmt: skip
    assert len(kept) == 2 and last.name in kept
    for name in ("2025 annual review", "00-README-notes", "20250101T000000Z-notes"):
        assert (tmp_path / name / "notes.txt").is_file()
    failed = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("failed-"))
    assert failed == ["failed-20200102T000000Z-1-bbbb", "failed-20200103T000000Z-1-cccc"]


def _cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sahel_nb.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


@pytest.mark.notebook
def test_cli_reports_a_window_with_no_data_plainly(tmp_path):
    result = _cli(
        "report", "--out", str(tmp_path), "--only", "situation_report", "-p", "start=2030",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = (tmp_path / "latest" / "situation_report" / "situation_report.html").read_text()
    assert "Nothing in the data is dated in this period" in page
    # Plain lines when not on a terminal; --only picks both runs of the notebook.
    assert "[2/2] situation_report" in result.stderr
    assert "situation_report_mali_gov: ok" in result.stderr


@pytest.mark.notebook
def test_cli_names_the_notebook_and_parameter_and_runs_nothing(tmp_path):
    config = tmp_path / "runs.yml"
    config.write_text(
        f"notebooks: {ROOT / 'notebooks'}\nruns:\n"
        "  - notebook: actor_profile\n    parameters: {actor_id: aqim, colour: red}\n"
    )
    result = _cli("report", "--config", str(config), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1
    assert "actor_profile: does not declare parameter 'colour'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()
    unknown = _cli("report", "--out", str(tmp_path / "r"), "-p", "colour=red", cwd=tmp_path)
    assert unknown.returncode == 1 and "-p colour: no notebook run declares it" in unknown.stderr


@pytest.mark.notebook
def test_cli_refuses_an_unknown_actor_before_anything_runs_and_keeps_latest(tmp_path):
    only = ["--out", str(tmp_path), "--only", "profile_aqim"]
    first = _cli("report", *only, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    latest = (tmp_path / "latest").resolve()
    bad = _cli("report", *only, "-p", "actor_id=Belmokhtar", cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    # Said once, up front, with suggestions: no notebook ran and failed on it.
    assert bad.stderr.count("unknown actor id 'Belmokhtar'") == 1
    assert "did you mean 'belmokhtar' (Mokhtar Belmokhtar)" in bad.stderr
    assert (tmp_path / "latest").resolve() == latest
    assert not list(tmp_path.glob("failed-*")) and not list(tmp_path.glob(".building-*"))


def test_an_unknown_actor_or_assessment_is_refused_before_anything_runs():
    from sahel_nb.report import _check_data

    runs = [
        Run("situation_report", "a", {"assessment": "nosuch", "focus_actor": "mali-gvo"}),
        Run("alliance_network", "b", {"focus_actor": "mali-gvo"}),
        Run("actor_profile", "c"),  # its default actor is in the data
    ]
    with pytest.raises(ParameterError) as refused:
        _check_data(runs, ROOT / "notebooks")
    said = str(refused.value).splitlines()
    assert said[0].startswith("focus_actor: unknown actor id 'mali-gvo'; did you mean 'mali-gov'")
    assert said[1].startswith("assessment 'nosuch': no such file")
    assert len(said) == 2  # the same mistake in two runs is said once


def test_a_bad_window_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ParameterError, match="event_timeline: start='2030-13' is not a date"):
        check_runs(
            [Run("event_timeline", "event_timeline")], ROOT / "notebooks", {"start": "2030-13"}
        )
    runs = [Run("alliance_network", "to_2006", {"end": "2006"})]
    with pytest.raises(
        ParameterError, match=r"alliance_network \(to_2006\): start=2030 is after end='2006'"
    ):
        check_runs(runs, ROOT / "notebooks", {"start": "2030"})
    # One bad -p value reaching every run is one line naming them.
    runs = [Run("event_timeline", "event_timeline"), Run("ransom_flows", "ransom_flows")]
    with pytest.raises(ParameterError) as refused:
        check_runs(runs, ROOT / "notebooks", {"start": "abc"})
    assert str(refused.value).count("is not a date") == 1
    assert "(runs: event_timeline, ransom_flows)" in str(refused.value)


@pytest.mark.notebook
def test_two_runs_started_at_once_do_not_clobber_each_other(tmp_path):
    command = [sys.executable, "-m", "sahel_nb.cli", "report", "--out", str(tmp_path),
               "--only", "profile_aqim", "--jobs", "1"]  # fmt: skip
    both = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    assert [p.wait() for p in both] == [0, 0], [p.stderr.read() for p in both]
    finished = [p for p in tmp_path.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(finished) == 2
    for folder in finished:
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["run_id"] == folder.name
        assert (folder / "profile_aqim" / "profile_aqim.html").is_file()
    assert (tmp_path / "latest").resolve() in {f.resolve() for f in finished}


@pytest.mark.notebook
def test_the_runner_never_writes_over_a_page_the_notebook_wrote(tmp_path):
    import nbformat

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Standalone <page>\n\nWrites its own page."),
            nbformat.v4.new_code_cell("output_dir = None", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "from pathlib import Path\n"
                "Path(output_dir, 'clash.html').write_text('<p>made by the notebook</p>')"
            ),
        ],
        metadata={"kernelspec": {"name": "sahel-nb", "display_name": "Python (sahel-nb)",
                                 "language": "python"}},
    )  # fmt: skip
    nbformat.write(source, notebooks / "clash.ipynb")
    published = run_reports([Run("clash", "clash", {})], notebooks, out=tmp_path / "out", jobs=1)
    run = published / "clash"
    assert (run / "clash.html").read_text() == "<p>made by the notebook</p>"
    page = (run / "clash.notebook.html").read_text()
    # A real title: the notebook's first heading and the run's name, escaped.
    assert "<title>Standalone &lt;page&gt; — clash</title>" in page
    index = (published / "index.html").read_text()
    assert 'href="clash/clash.notebook.html"' in index


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a published run, run ids replaced (its own, earlier runs'), for comparing."""
    return {
        p.relative_to(folder).as_posix(): re.sub(
            rb"\d{8}T\d{6}Z-\d+-[0-9a-f]{4}", b"RUN", p.read_bytes()
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".kernel.log"
    }


def _copy_notebooks(tmp_path: Path) -> Path:
    """Two copies of the ok notebook, declaring a data folder as the real notebooks do."""
    import nbformat

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    node = nbformat.read(NOTEBOOKS / "ok.ipynb", as_version=4)
    node.cells[0].source = "data_dir = None  # a data folder\n" + node.cells[0].source
    for name in ("ok", "ok_too"):
        nbformat.write(node, notebooks / f"{name}.ipynb")
    return notebooks


def _executed(published: Path) -> dict[str, str]:
    manifest = json.loads((published / "manifest.json").read_text())
    return {r["name"]: r["action"] for r in manifest["runs"]}


@pytest.mark.notebook
def test_an_unchanged_second_run_executes_nothing_and_publishes_the_same_report(tmp_path):
    runs = check_runs(
        [Run("ok", "first", {"count": 1}), Run("ok", "second", {"label": "<b>bold</b>"})],
        NOTEBOOKS,
    )
    first = run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=2, log=print)
    second = run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=2, log=print)
    third = run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=2, log=print)
    assert _executed(first) == {"first": "executed", "second": "executed"}
    assert _executed(second) == _executed(third) == {"first": "reused", "second": "reused"}
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["runs"][0]["reason"] == f"unchanged since report {first.name}"
    assert manifest["runs"][0]["computed_by"] == first.name
    assert (tmp_path / "latest").resolve() == third.resolve()
    # Every page, notebook and output is what the first run made, byte for byte.
    for path in (first / "first").iterdir():
        assert path.read_bytes() == (second / "first" / path.name).read_bytes(), path.name
    # Two unchanged runs in a row publish the same report apart from the run id (the
    # first differs only in saying there was nothing before it to compare with).
    two, three = _files(second), _files(third)
    assert two.keys() == three.keys()
    differ = [name for name in two if two[name] != three[name]]
    assert differ in ([], ["manifest.json"])  # the manifest's timing may differ, nothing else
    manifests = [json.loads(files["manifest.json"]) for files in (two, three)]
    assert [{k: v for k, v in m.items() if k != "seconds"} for m in manifests[1:]] == [
        {k: v for k, v in manifests[0].items() if k != "seconds"}
    ]
    index = (third / "index.html").read_text()
    assert "Nothing in the data changed since report" in index


@pytest.mark.notebook
def test_force_executes_everything_again(tmp_path):
    runs = check_runs([Run("ok", "ok")], NOTEBOOKS)
    run_reports(runs, NOTEBOOKS, out=tmp_path, log=print)
    forced = run_reports(runs, NOTEBOOKS, out=tmp_path, log=print, force=True)
    manifest = json.loads((forced / "manifest.json").read_text())
    assert manifest["runs"][0]["action"] == "executed"
    assert manifest["runs"][0]["reason"] == "--force: every run executed"


@pytest.mark.notebook
def test_a_changed_parameter_code_cell_or_data_row_reruns_exactly_the_runs_affected(
    tmp_path, monkeypatch
):
    import shutil

    import nbformat

    notebooks = _copy_notebooks(tmp_path)
    data = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tmp_path / "data"))
    out = tmp_path / "out"
    runs = [
        Run("ok", "a", {"count": 1}),
        Run("ok", "b", {"count": 2}),
        Run("ok_too", "c"),
        Run("ok", "d", {"count": 3}),
    ]
    checked = check_runs(runs, notebooks)
    run_reports(checked, notebooks, out=out, jobs=2, log=print)

    # One parameter of one run.
    runs[1].parameters["count"] = 5
    published = run_reports(check_runs(runs, notebooks), notebooks, out=out, jobs=2, log=print)
    assert _executed(published) == {"a": "reused", "b": "executed", "c": "reused", "d": "reused"}
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["runs"][1]["reason"] == "its parameters changed"
    assert (published / "b" / "written.txt").read_text() == "hello 5 0.5 None\n"

    # One code cell of one notebook.
    node = nbformat.read(notebooks / "ok_too.ipynb", as_version=4)
    node.cells[1].source = node.cells[1].source.replace("print(label * count)", "print(label)")
    nbformat.write(node, notebooks / "ok_too.ipynb")
    published = run_reports(check_runs(runs, notebooks), notebooks, out=out, jobs=2, log=print)
    assert _executed(published) == {"a": "reused", "b": "reused", "c": "executed", "d": "reused"}

    # One data row, in the data folder only run d reads.
    runs[3].parameters["data_dir"] = str(data)
    run_reports(check_runs(runs, notebooks), notebooks, out=out, jobs=2, log=print)
    flows = data / "flows.csv"
    flows.write_text(flows.read_text().replace(",ransom,7300000,", ",ransom,7400000,", 1))
    published = run_reports(check_runs(runs, notebooks), notebooks, out=out, jobs=2, log=print)
    assert _executed(published) == {"a": "reused", "b": "reused", "c": "reused", "d": "executed"}
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["runs"][3]["reason"] == "the data changed"


@pytest.mark.notebook
def test_changes_page_names_a_changed_amount_and_an_added_event_by_id(tmp_path, monkeypatch):
    import shutil

    data = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tmp_path / "data"))
    monkeypatch.setenv("SAHEL_NB_DATA", str(data))
    runs = check_runs([Run("ok", "ok")], NOTEBOOKS)
    first = run_reports(runs, NOTEBOOKS, out=tmp_path / "out", log=print)
    assert "nothing earlier to compare with" in (first / "changes.html").read_text()
    flows = data / "flows.csv"
    flows.write_text(flows.read_text().replace(",ransom,7300000,", ",ransom,7400000,", 1))
    with open(data / "events.csv", "a", encoding="utf-8") as events:
        events.write("ev-added,2004,Battles,Armed clash,aqim,,,,,,,,,,,A clash.,reported,3,src-a,¶2\n")  # fmt: skip
    second = run_reports(runs, NOTEBOOKS, out=tmp_path / "out", log=print)
    # The data moved on after the first run: the comparison uses that run's own snapshot.
    assert (first / "data-snapshot" / "flows.csv.gz").is_file()
    page = (tmp_path / "out" / "latest" / "changes.html").read_text()
    assert "<code>fl-1</code></td><td>amount</td><td class=\"old\">7300000</td><td class=\"new\">7400000</td>" in page  # fmt: skip
    assert "<code>ev-added</code>" in page
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["changes"]["rows_added"] == 1 and manifest["changes"]["rows_changed"] == 1
    index = (second / "index.html").read_text()
    assert index.index('href="changes.html"') < index.index('href="ok/ok.html"')
    assert "1 row(s) added, 0 removed, 1 changed" in index


@pytest.mark.notebook
def test_pdfs_are_printed_and_a_missing_browser_does_not_fail_the_report(tmp_path, monkeypatch):
    import nbformat

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    page = (
        "<!DOCTYPE html><html><head><title>Report</title></head><body><p>Brief text.</p>"
        "<ol class='notes'><li id='note-1'>[1] Analyst 2010, ¶11</li></ol></body></html>"
    )
    source = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A page to print"),
            nbformat.v4.new_code_cell("output_dir = None", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                f"from pathlib import Path\nPath(output_dir, 'page.html').write_text({page!r})"
            ),
        ],
        metadata={"kernelspec": {"name": "sahel-nb", "display_name": "Python (sahel-nb)",
                                 "language": "python"}},
    )  # fmt: skip
    nbformat.write(source, notebooks / "printed.ipynb")
    runs = [Run("printed", "printed", {}, ["page.html"])]
    monkeypatch.setenv("SAHEL_NB_CHROMIUM", str(tmp_path / "no-chromium"))
    lines = []
    published = run_reports(runs, notebooks, out=tmp_path / "out", log=lines.append)
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["pdf_problem"].startswith("PDF not made: Chromium could not be started")
    assert any(line.startswith("PDF not made") for line in lines)
    assert not (published / "printed" / "page.pdf").exists()
    assert (tmp_path / "out" / "latest").resolve() == published.resolve()

    # With a browser, the next run prints the PDF it is missing without executing again.
    monkeypatch.delenv("SAHEL_NB_CHROMIUM")
    from sahel_nb.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    published = run_reports(runs, notebooks, out=tmp_path / "out", log=print)
    assert _executed(published) == {"printed": "reused"}
    assert (published / "printed" / "page.pdf").read_bytes().startswith(b"%PDF")
    assert 'href="printed/page.pdf"' in (published / "index.html").read_text()


@pytest.mark.notebook
def test_notebooks_executed_elsewhere_are_published_as_a_run_would_be(tmp_path):
    import papermill

    from sahel_nb.report import publish_executed

    runs = check_runs([Run("ok", "first", {"count": 1}), Run("ok", "second")], NOTEBOOKS)
    staging = tmp_path / "out" / ".airflow-x"
    for run in runs[:1]:  # as the Airflow tasks do: papermill, output_dir in the run's folder
        (staging / run.name).mkdir(parents=True)
        papermill.execute_notebook(
            str(NOTEBOOKS / "ok.ipynb"),
            str(staging / run.name / f"{run.name}.ipynb"),
            parameters={**run.parameters, "output_dir": str(staging / run.name)},
            kernel_name="sahel-nb",
            progress_bar=False,
        )
    # A task that never ran: nothing is published.
    with pytest.raises(
        RunFailed, match=re.escape("ok (second): no executed notebook second.ipynb")
    ):
        publish_executed(runs, NOTEBOOKS, staging, out=tmp_path / "out", log=print)
    assert not (tmp_path / "out" / "latest").exists()
    (failed,) = (tmp_path / "out").glob("failed-*")
    import shutil

    shutil.copytree(failed / "first", staging / "first")
    (staging / "second").mkdir()
    shutil.copy(staging / "first" / "first.ipynb", staging / "second" / "second.ipynb")
    published = publish_executed(runs, NOTEBOOKS, staging, out=tmp_path / "out", log=print)
    assert (tmp_path / "out" / "latest").resolve() == published.resolve()
    manifest = json.loads((published / "manifest.json").read_text())
    assert [r["action"] for r in manifest["runs"]] == ["executed", "executed"]
    assert (published / "first" / "first.html").is_file() and (published / "index.html").is_file()
    # Its keys let the next sahel-nb report reuse what did not change.
    again = run_reports(runs[:1], NOTEBOOKS, out=tmp_path / "out", log=print)
    assert _executed(again) == {"first": "reused"}


@pytest.fixture(scope="module")
def relative_run(tmp_path_factory) -> tuple[Path, Path]:
    """A small real report run (situation report with its PDF, one profile), ``--out`` relative."""
    where = tmp_path_factory.mktemp("relative")
    config = where / "runs.yml"
    config.write_text(
        f"notebooks: {ROOT / 'notebooks'}\nruns:\n"
        "  - notebook: situation_report\n    pdf: [situation_report.html]\n"
        "  - notebook: actor_profile\n    name: profile_aqim\n    parameters: {actor_id: aqim}\n",
        encoding="utf-8",
    )
    done = _cli("report", "--config", "runs.yml", "--out", "hout", cwd=where)
    assert done.returncode == 0, done.stderr
    return where, where / "hout"


@pytest.mark.notebook
def test_a_relative_out_puts_every_file_in_its_run(relative_run):
    from pypdf import PdfReader

    _, out = relative_run
    latest = out / "latest"
    assert not [p for p in latest.rglob("*") if ".building-" in p.as_posix()]
    assert not list(out.glob(".building-*"))
    report = latest / "situation_report"
    # The notebook's own page is the report; the runner's render of the notebook is beside it.
    assert (report / "situation_report.notebook.html").is_file()
    page = (report / "situation_report.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    pdf = report / "situation_report.pdf"
    if not pdf.exists():
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    assert PdfReader(pdf).metadata.title == title
    manifest = json.loads((latest / "manifest.json").read_text())
    pages = {r["name"]: r["page"] for r in manifest["runs"]}
    assert pages["situation_report"] == "situation_report/situation_report.notebook.html"


def _pdf_strings(path: Path) -> str:
    """A PDF's text and the addresses of its links."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    found = [page.extract_text() for page in reader.pages]
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A", {})
            found.append(str(action.get("/URI", "")))
    return "\n".join(found)


@pytest.mark.notebook
def test_published_files_name_no_build_folder_and_no_machine_path(relative_run):
    from urllib.parse import unquote, urlsplit

    from pypdf import PdfReader

    where, out = relative_run
    latest = out / "latest"
    absolute = str(out.resolve())
    # The clone's own folder too: the data a report reads is named without it.
    forbidden = [".building-", absolute, str(where), str(where.resolve()), str(ROOT.resolve())]
    if not str(ROOT.resolve()).startswith(str(Path.home())):
        forbidden.append(str(Path.home()))  # a clone outside home: nothing may name it
    published = [
        p for p in latest.rglob("*")
        if p.is_file() and p.suffix in {".html", ".pdf", ".csv", ".json", ".ipynb", ".gz"}
    ]  # fmt: skip
    assert {p.suffix for p in published} >= {".html", ".pdf", ".json", ".ipynb"}
    for path in published:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".pdf":
            text += _pdf_strings(path)
        elif path.suffix == ".gz":
            import gzip

            text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        found = [name for name in forbidden if name in text]
        assert not found, f"{path.relative_to(latest)} names {found}"
    # The PDF's actor links are relative to the published run, and lead to its pages.
    pdf = latest / "situation_report" / "situation_report.pdf"
    links = [
        str(annotation.get_object()["/A"]["/URI"])
        for page in PdfReader(pdf).pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    local = [link for link in links if not re.match(r"https?:", link)]
    assert local and all(not link.startswith("file:") for link in local)
    for link in local:
        assert (pdf.parent / unquote(urlsplit(link).path)).resolve().is_file(), link


def test_links_read_an_actor_description_longer_than_the_csv_field_limit(tmp_path):
    import csv
    import shutil

    from sahel_nb.report import _links

    data = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "valid", tmp_path / "data"))
    actors = data / "actors.csv"
    with open(actors, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["description"] = "A long note. " * 20_000  # 260,000 characters: valid data
    with open(actors, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    runs = [Run("actor_profile", "profile", {"actor_id": rows[0]["actor_id"]})]
    links = _links(runs, ROOT / "notebooks", data)
    assert links["actors"] == {rows[0]["name"]: "../profile/profile.html"}


@pytest.mark.notebook
def test_data_that_changes_during_a_run_publishes_nothing(tmp_path, monkeypatch):
    import sahel_nb.report as report

    sums = iter(["a" * 64, "b" * 64])  # read at the start, then before publishing
    monkeypatch.setattr(report, "data_checksum", lambda folder: next(sums))
    runs = check_runs([Run("ok", "first", {"count": 1})], NOTEBOOKS)
    with pytest.raises(RunFailed, match="changed while the report ran"):
        run_reports(runs, NOTEBOOKS, out=tmp_path, jobs=1, log=lambda line: None)
    assert not (tmp_path / "latest").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".building", "2"))]
