"""Every notebook in a real JupyterLab: opened, run through the UI, drawn as an analyst sees it.

Starts `jupyter lab` from this environment on a free loopback port with a random
token, over a copy of the notebooks (so nothing, autosave included, can touch the
committed files), and drives it with headless Chromium.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.lab, pytest.mark.browser]

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BIN = Path(sys.executable).parent

# Quiet, hermetic settings: no autosave, no news pop-up, no update check.
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab over a copy of notebooks/; shut down whatever happens."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "project"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    for name, values in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        # Pages the notebooks write must lie under the server's root to be shown.
        "SAHEL_NB_REPORTS": str(root / "reports"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    command = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--MultiKernelManager.default_kernel_name=sahel-nb",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]  # fmt: skip
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text())
                time.sleep(0.5)
        yield {"base": base, "token": token, "root": root}
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


_PROMPTS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim())"""


def _run_all(page, lab, notebook: Path):
    stem = notebook.stem
    page.goto(
        f"{lab['base']}/lab/workspaces/{stem}/tree/notebooks/{notebook.name}"
        f"?reset&token={lab['token']}"
    )
    page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
    kernel = page.locator("[data-jp-item-name='kernelName']")
    # The toolbar can say idle before the kernel's connection is up, and a Run All
    # sent then is lost: wait for the status bar to report the kernel itself idle.
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
        timeout=90_000,
    )
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    # Done when every code cell shows a fresh execution count and the kernel is idle
    # (the committed outputs' counts are cleared by Run All, so they cannot pass this).
    try:
        page.wait_for_function(
            f"() => {{ const p = ({_PROMPTS})(); "
            "return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }",
            timeout=180_000,
        )
    except Exception:
        raise AssertionError(f"cells did not finish: {page.evaluate(_PROMPTS)}") from None
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    return kernel.inner_text()


def _frame(page, part: str):
    for _ in range(100):
        for frame in page.frames:
            if part in frame.url:
                return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"no frame showing {part}: {[f.url for f in page.frames]}")


def _drawn_pixels(frame) -> int:
    return frame.evaluate(
        """() => { const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(browser, lab, notebook, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.time()
    try:
        kernel = _run_all(page, lab, notebook)
        # This run's kernel really executed the cells: it wrote the notebook's files (pages;
        # the matching notebook's table of open pairs).
        written = [
            p
            for p in (lab["root"] / "reports").rglob("*")
            if p.is_file() and p.suffix in (".html", ".csv") and p.stat().st_mtime >= started
        ]
        # The curation notebook writes nothing: it shows a form (and writes only on "append").
        assert written or notebook.stem == "curate", "the notebook wrote no file in this run"
        assert kernel == "Python (sahel-nb)"
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        failed = panel.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        assert failed.count() == 0, failed.all_inner_texts()
        if notebook.stem in ("alliance_network", "actor_profile"):
            panel.locator("iframe[src*='network.html']").first.scroll_into_view_if_needed()
            frame = _frame(page, "network.html")
            frame.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
            # A frame scrolled out of sight is not painted; draw once it is in view.
            frame.evaluate("network.redraw()")
            assert frame.evaluate("nodes.length") > 1
            assert _drawn_pixels(frame) > 1000
        if notebook.stem == "ransom_flows":
            table = panel.locator(".jp-RenderedHTMLCommon table:has(th:text-is('kidnapper'))")
            table.first.scroll_into_view_if_needed()
            table.first.wait_for(state="visible")
            text = table.first.text_content()
            # The 2003 ransom, once, with the range of its reports (US$5.2–7.3 million).
            assert "Germany" in text and "7300000" in text.replace(",", "")
            assert text.count("Germany") == 1
        if notebook.stem == "curate":
            form = panel.locator(".widget-dropdown").first
            form.scroll_into_view_if_needed()
            assert form.is_visible()
        if notebook.stem == "explore":
            slider = panel.locator(".widget-slider").first
            slider.scroll_into_view_if_needed()
            assert slider.is_visible()
            panel.locator("iframe[srcdoc]").first.scroll_into_view_if_needed()
            frame = _frame(page, "about:srcdoc")
            frame.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
            frame.evaluate("network.redraw()")
            assert _drawn_pixels(frame) > 1000
            assert frame.evaluate("nodes.length") == 2  # the Tuareg and AQIM in 2003
            summary = panel.locator(".widget-html:has-text('around Tuareg')").first
            assert "1 cooperative" in summary.text_content()
            # Move the end of the window from 2003 to 2009 with the keyboard, as an
            # analyst would with the handle: the tie turns hostile, no cell edited.
            handle = panel.locator(".widget-slider .noUi-handle-upper").first
            handle.focus()
            for _ in range(6):
                handle.press("ArrowRight")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.widget-html')].some("
                "e => e.textContent.includes('change: cooperative 2003 – 2006; hostile'))",
                timeout=30_000,
            )
        page.screenshot(path=tmp_path / f"{notebook.stem}.png")
        assert not errors, errors
    finally:
        page.close()
