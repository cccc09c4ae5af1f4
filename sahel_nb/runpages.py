"""One notebook run in a pool worker: executed by papermill, rendered, linked and made searchable."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import time
from pathlib import Path

from .linking import link_page, linkable
from .pages import replacing, write_atomically
from .paths import DATA_ENV_VAR, KERNEL_RUN
from .runconfig import Run, defaults_used

__all__ = ["SEARCH_FILE", "execute", "finish", "stop_workers", "to_html", "worker_start"]

#: Where a run keeps the text of its pages for the index's search (reused with the run).
SEARCH_FILE = ".search.json"
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"


def worker_start(runner: int, data_dir: str | None) -> None:
    """Prepare a pool worker: it stops with the runner, and stops its kernels when stopped.

    Parameters
    ----------
    runner
        The pid of the process that started the pool.
    data_dir
        ``$SAHEL_NB_DATA`` as an absolute path (None: unset); kernels run in
        their run's folder, where a relative one would name another folder.
    """
    if data_dir is not None:
        os.environ[DATA_ENV_VAR] = data_dir
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop_worker)
    try:
        import ctypes

        # Linux: SIGTERM when the runner dies, even by SIGKILL. Otherwise the worker
        # waits forever on a queue whose writer it holds itself (and its kernel with it).
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the kernels' own parent check still ends them
    if os.getppid() != runner:  # the runner died before the request above
        _stop_worker(signal.SIGTERM, None)


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid``, from /proc (none where there is no /proc)."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone while we looked
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _signal_group(pid: int, signum: int) -> None:
    # jupyter_client starts each kernel in a session of its own: signal its whole group.
    with contextlib.suppress(OSError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)


def _stop_worker(signum: int, frame) -> None:
    """Stop this worker's kernels (a few seconds' grace, then SIGKILL) and exit at once."""
    kernels = _children(os.getpid())
    for pid in kernels:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while kernels and time.monotonic() < deadline:
        for pid in list(kernels):
            with contextlib.suppress(OSError):
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    continue
            kernels.remove(pid)
        time.sleep(0.05)
    for pid in kernels:
        _signal_group(pid, signal.SIGKILL)
    # No cleanup of Python's own: papermill would save a notebook into a folder being removed.
    os._exit(128 + signum)


def stop_workers(pool) -> None:
    """Stop a process pool's workers now, with their kernels, rather than after their notebooks.

    Parameters
    ----------
    pool : concurrent.futures.ProcessPoolExecutor
        A pool whose workers were started by :func:`worker_start`.
    """
    # The pool's list of its processes is private, but no public call stops a busy
    # worker before Python 3.14 (terminate_workers).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            if process.is_alive():
                process.kill()
                process.join(2)


def execute(run: Run, notebooks: str, folder: str, timeout: int, links: dict) -> dict:
    """Run one notebook in this (child) process; report what happened, never raise.

    ``folder`` is absolute; the kernel runs in the run's own folder there and
    writes into it as ``output_dir = "."``, so the executed notebook names no
    build folder (which is renamed when the run is published).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    target = Path(folder) / run.name
    target.mkdir(parents=True, exist_ok=True)
    # The kernel inherits this worker's stderr; its start-up chatter belongs in a
    # log beside the run, not on the analyst's terminal or in cron mail.
    with open(target / ".kernel.log", "ab") as log_file:
        os.dup2(log_file.fileno(), 2)
    started = time.monotonic()
    outcome = {
        "name": run.name,
        "notebook": run.notebook,
        "parameters": run.parameters,
        "defaults": defaults_used(Path(notebooks) / f"{run.notebook}.ipynb", run.parameters),
        "error": None,
    }
    try:
        papermill.execute_notebook(
            str(Path(notebooks) / f"{run.notebook}.ipynb"),
            str(target / f"{run.name}.ipynb"),
            parameters={**run.parameters, "output_dir": "."},
            **KERNEL_RUN,
            cwd=str(target),
            progress_bar=False,
            execution_timeout=timeout,
        )
        outcome["status"] = "ok"
    except PapermillExecutionError as error:
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        cell = _code_cell_number(target / f"{run.name}.ipynb", error.source)
        outcome.update(
            status="failed",
            error=f"code cell {cell} ({first_line.strip()[:60]!r}): "
            f"{error.ename}: {error.evalue}".strip(),
        )
    except Exception as error:  # a kernel that died, a timeout: say what, not how
        outcome.update(status="failed", error=f"{type(error).__name__}: {error}")
    finish(run, target, outcome, links)
    outcome["seconds"] = round(time.monotonic() - started, 2)
    return outcome


def finish(run: Run, target: Path, outcome: dict, links: dict) -> None:
    """Make an executed notebook's pages: HTML, links between pages, title, lead and search text.

    Shared by the runner's workers and by :func:`publish_executed` (notebooks
    run by another scheduler). Records what it made in ``outcome``; a
    failure marks the run failed, after any earlier failure.
    """
    from .search import search_entries

    executed = target / f"{run.name}.ipynb"
    if not executed.is_file():
        if outcome.get("status") == "ok":
            outcome.update(
                status="failed",
                error=f"no executed notebook {executed.name}: its task did not run or finish",
            )
        return
    # The notebook may have written a page of that name itself (the situation
    # report's standalone page): never write over what the notebook made.
    page = next(
        name
        for name in (f"{run.name}.html", f"{run.name}.notebook.html", "notebook.html")
        if not (target / name).exists()
    )
    outcome["page"] = f"{run.name}/{page}"
    try:
        _portable(executed)
        outcome["title"] = _heading(executed)
        outcome["lead"] = _lead(executed)
        to_html(executed, target / page, title=f"{outcome['title']} — {run.name}")
        pages = sorted(p for p in target.glob("*.html") if not p.name.startswith("."))
        for path in pages:
            if linkable(path):
                link_page(path, actors=links.get("actors"), sources=links.get("sources"))
        entries = search_entries(
            target.parent, [p.relative_to(target.parent).as_posix() for p in pages]
        )
        write_atomically(target / SEARCH_FILE, json.dumps(entries, ensure_ascii=False) + "\n")
    except Exception as error:  # say the page is missing, after any earlier failure
        problem = f"HTML rendering: {type(error).__name__}: {error}"
        earlier = outcome["error"]
        outcome.update(status="failed", error=f"{earlier}; {problem}" if earlier else problem)


def _portable(executed: Path) -> None:
    """Say the executed notebook's paths relative to its folder, where it will be read.

    papermill records where the notebook came from and went to, and the
    ``output_dir`` it was given: paths into a build folder that is renamed
    when the run is published (another scheduler's staging folder, too),
    and a machine's folders in a file meant to be shared.
    """
    import nbformat

    node = nbformat.read(str(executed), as_version=4)
    record = node.metadata.get("papermill", {})
    changed = False
    for key in ("input_path", "output_path"):
        value = record.get(key)
        if isinstance(value, str) and os.path.isabs(value):
            record[key] = Path(value).name
            changed = True
    parameters = record.get("parameters") or {}
    where = parameters.get("output_dir")
    if isinstance(where, str) and os.path.isabs(where):
        parameters["output_dir"] = "."
        for cell in node.cells:
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.source = re.sub(r"(?m)^output_dir = .*$", 'output_dir = "."', cell.source)
        changed = True
    if changed:
        with replacing(executed) as temporary:
            nbformat.write(node, str(temporary))


def _code_cell_number(executed: Path, source: str) -> int | str:
    """The failing cell as the analyst counts it: among the notebook's own code cells.

    Found by its source, since papermill's index also counts the cell it injects.
    """
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except Exception:  # an unreadable output: the quoted first line still names the cell
        return "?"
    own = [
        c
        for c in cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    return next((n for n, c in enumerate(own, 1) if c.source == source), "?")


def _heading(notebook: Path) -> str:
    """The notebook's first Markdown heading, its title as a reader sees it."""
    import nbformat

    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


def _first_sentence(text: str) -> str:
    """The first sentence of a text, at most 300 characters.

    Examples
    --------
    >>> _first_sentence("AQIM holds 3 ties. It grew in 2007.")
    'AQIM holds 3 ties.'
    """
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z“\"(]|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= 300 else sentence[:299] + "…"


def _lead(notebook: Path) -> str:
    """A page's lead sentence: the first sentence its narrative outputs say.

    The situation report's first point, else the first paragraph written by
    ``narrative.show``; a notebook with neither gives the first sentence of
    its introduction (the Markdown under its heading).
    """
    import nbformat
    from bs4 import BeautifulSoup

    cells = nbformat.read(str(notebook), as_version=4).cells
    for cell in cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            markup = output.get("data", {}).get("text/html")
            if not markup:
                continue
            markup = "".join(markup) if isinstance(markup, list) else markup
            soup = BeautifulSoup(markup, "html.parser")
            report = soup.select_one("div.sahel-report li")
            if report is not None:
                for mark in report.select("sup"):
                    mark.decompose()
                return _first_sentence(report.get_text(" "))
            stripped = markup.strip()
            if (
                stripped.startswith("<p>")
                and stripped.endswith("</p>")
                and stripped.count("<p>") == 1
            ):
                return _first_sentence(soup.get_text(" "))
    for cell in cells:
        if cell.cell_type == "markdown":
            prose = [line for line in cell.source.splitlines() if not line.startswith("#")]
            if "".join(prose).strip():
                return _first_sentence(" ".join(prose))
    return ""


def to_html(
    notebook: str | os.PathLike, path: str | os.PathLike, *, title: str | None = None
) -> Path:
    """Render an executed notebook as an HTML page with the code hidden, that opens offline.

    nbconvert's lab template, without the scripts it loads from a CDN
    (require.js, MathJax, Mermaid, the widget manager). Outputs are
    included as the notebook holds them: HTML outputs from ``sahel_nb`` are
    escaped where they are made. The page's title is ``title``, else the
    notebook's first heading (nbconvert would say "Notebook").
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file=str(_TEMPLATES / "offline.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    node = nbformat.read(str(notebook), as_version=4)
    node.metadata["title"] = title or _heading(Path(notebook))
    body, _ = exporter.from_notebook_node(node)
    return write_atomically(path, body)
