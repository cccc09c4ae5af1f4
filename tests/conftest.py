"""Shared fixtures: the small datasets under tests/fixtures/, and headless Chromium."""

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: Real exports nobody here wrote (their terms keep them out of the repository).
REAL_EXPORTS = Path(__file__).parents[2] / "shared" / "real-exports"


@pytest.fixture(scope="session")
def real_exports() -> Path:
    """The folder of real ACLED and GTD exports beside the clone.

    An analyst's own clone has none: the tests that need it skip, saying so
    once. CI sets ``SAHEL_NB_REAL_EXPORTS=required`` so that a missing folder
    fails instead of skipping.
    """
    from sahel_nb.texts import _shared_folders

    # Beside the clone, or beside its main checkout for a git worktree.
    found = [f.parent / "real-exports" for f in _shared_folders()]
    found = next((f for f in found if f.is_dir()), None)
    if found is None:
        if os.environ.get("SAHEL_NB_REAL_EXPORTS") == "required":
            pytest.fail(f"{REAL_EXPORTS} is missing and .ci/run requires it")
        pytest.skip(f"no real exports at {REAL_EXPORTS}: real-data tests skipped")
    return found


@pytest.fixture(scope="session")
def curated_texts() -> Path:
    """The folder holding the curated data's source texts; tests that need them skip without.

    They are kept outside the repository (``../shared/sources``, or
    ``$SAHEL_NB_SOURCES``): their reuse terms keep them out of it.
    """
    from sahel_nb.paths import curated_data_dir
    from sahel_nb.texts import find_text, text_folders

    found = find_text("guitta-mali-aqim-haven.txt", curated_data_dir())
    if found is None:
        searched = ", ".join(map(str, text_folders(curated_data_dir())))
        pytest.skip(f"the curated source texts are in none of {searched}")
    return found.parent


@pytest.fixture
def valid_dir() -> Path:
    return FIXTURES / "valid"


@pytest.fixture
def texts(tmp_path, monkeypatch) -> Path:
    """An empty folder of source texts, named by ``$SAHEL_NB_SOURCES``."""
    from sahel_nb.texts import SOURCES_ENV_VAR

    folder = tmp_path / "texts"
    monkeypatch.setenv(SOURCES_ENV_VAR, str(folder))
    return folder


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the small valid fixture data, to curate into."""
    return Path(shutil.copytree(FIXTURES / "valid", tmp_path / "data"))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of the curated data folder to import into, without ``actor_mappings.csv``.

    Each test says which mappings it relies on (a module may override this
    fixture to keep the committed ones).
    """
    target = tmp_path / "data"
    shutil.copytree(FIXTURES.parents[1] / "data", target)
    (target / "actor_mappings.csv").unlink()
    return target


@pytest.fixture(autouse=True)
def _no_data_override(monkeypatch):
    # A developer's own $SAHEL_NB_DATA must not change what the tests load.
    monkeypatch.delenv("SAHEL_NB_DATA", raising=False)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in containers and CI
    "--disable-gpu",
    "--disable-background-networking",  # Chromium's own calls home would count as requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (which cannot download browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
