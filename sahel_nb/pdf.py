"""PDF copies of report pages, printed by headless Chromium from the same HTML (Playwright)."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .exceptions import SahelNbError
from .pages import replacing

__all__ = ["CHROMIUM_ENV_VAR", "PdfUnavailable", "chromium_path", "to_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to print with.
CHROMIUM_ENV_VAR = "SAHEL_NB_CHROMIUM"
_ARGS = [
    "--no-sandbox",  # root in containers and CI
    "--disable-gpu",
    "--disable-background-networking",  # no calls home from a report job
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_FOOTER = (
    '<div style="font: 8px sans-serif; width: 100%; text-align: center; color: #555">'
    '<span class="title"></span> · <span class="pageNumber"></span>/<span class="totalPages">'
    "</span></div>"
)


class PdfUnavailable(SahelNbError):
    """No PDF could be printed here (no Playwright, no Chromium); the HTML pages are unaffected."""


def chromium_path() -> str | None:
    """``$SAHEL_NB_CHROMIUM``, else a ``chromium`` (Debian) or ``chromium-browser`` on the PATH."""
    named = os.environ.get(CHROMIUM_ENV_VAR, "").strip()
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


def to_pdf(pages: Iterable[tuple[str | os.PathLike, str | os.PathLike]]) -> list[Path]:
    """Print each ``(html, pdf)`` pair: the page as it shows, footnotes and links kept.

    One browser for all pages; every request that is not a local file is
    refused, so printing fetches nothing. Each PDF is written atomically.

    Raises
    ------
    PdfUnavailable
        Playwright is not installed, or no Chromium can be started, with
        what to install.
    """
    pages = [(Path(html), Path(pdf)) for html, pdf in pages]
    if not pages:
        return []
    # Playwright's sync API refuses a thread that already runs an event loop (a
    # Jupyter kernel, a test driving a browser): print from a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, pages).result()


def _print(pages: list[tuple[Path, Path]]) -> list[Path]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise PdfUnavailable(
            "PDF not made: the playwright package is missing; "
            "install the project's dependencies (make venv)"
        ) from None
    executable = chromium_path()
    written = []
    with sync_playwright() as driver:
        try:
            browser = driver.chromium.launch(executable_path=executable, args=_ARGS)
        except Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "no detail"
            raise PdfUnavailable(
                f"PDF not made: Chromium could not be started ({executable or 'none found'}: "
                f"{first}); install Debian's chromium (apt-get install chromium) or set "
                f"${CHROMIUM_ENV_VAR} to a Chromium or Chrome executable"
            ) from None
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file://") else route.abort()
                ),
            )
            for html, pdf in pages:
                page.goto(html.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                with replacing(pdf) as temporary:
                    page.pdf(
                        path=str(temporary),
                        format="A4",
                        print_background=True,
                        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                        display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=_FOOTER,
                        outline=True,  # headings as PDF bookmarks
                        tagged=True,  # a structured PDF screen readers can follow
                    )
                written.append(pdf)
        finally:
            browser.close()
    return written
