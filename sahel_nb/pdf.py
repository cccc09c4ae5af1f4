"""PDF copies of report pages, printed by headless Chromium from the same HTML (Playwright)."""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

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


def to_pdf(
    pages: Iterable[tuple[str | os.PathLike, str | os.PathLike]],
    *,
    root: str | os.PathLike | None = None,
) -> list[Path]:
    """Print each ``(html, pdf)`` pair: the page as it shows, footnotes and links kept.

    One browser for all pages; every request that is not a local file is
    refused, so printing fetches nothing. Each PDF is written atomically.

    Chromium writes a link to a local file as its absolute ``file://``
    address. Links to files under ``root`` (default: each PDF's own folder)
    are made relative to the PDF, so they still lead to the page once the
    folder is moved, renamed or shared; links to other local files are
    removed, since they name a folder of this machine only.

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
        return pool.submit(_print, pages, None if root is None else Path(root)).result()


#: Where a link's address starts in a PDF: ``/URI`` then a ``(literal)`` or ``<hex>`` string.
_URI = re.compile(rb"/URI\s*(?=[(<])")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _string_end(data: bytes, start: int) -> int:
    """Where the PDF string token starting at ``data[start]`` ends (one past it; -1: unended)."""
    if data[start : start + 1] == b"<":
        end = data.find(b">", start)
        return -1 if end < 0 else end + 1
    depth, at = 0, start
    while at < len(data):
        byte = data[at : at + 1]
        if byte == b"\\":
            at += 2
            continue
        depth += {b"(": 1, b")": -1}.get(byte, 0)
        at += 1
        if depth == 0:
            return at
    return -1


def _pdf_string(token: bytes) -> str:
    """The text of a PDF string token, literal or hexadecimal (addresses are ASCII)."""
    if token.startswith(b"<"):
        digits = re.sub(rb"\s", b"", token[1:-1])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()).decode("latin-1")

    def escape(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, b"" if code in b"\r\n" else code)

    return re.sub(rb"\\([0-7]{1,3}|.)", escape, token[1:-1], flags=re.S).decode("latin-1")


def _relative_link(address: str, pdf: Path, root: Path) -> str | None:
    """What a link should say in a shared PDF: None (as it is), relative to the PDF, or ""."""
    parts = urlsplit(address)
    if parts.scheme != "file":
        return None  # the web, a mail address: left as it is
    target = Path(url2pathname(unquote(parts.path)))
    if not target.is_relative_to(root):
        return ""
    relative = Path(os.path.relpath(target, pdf.resolve().parent)).as_posix()
    return quote(relative) + (f"#{quote(parts.fragment)}" if parts.fragment else "")


def _relative_links(printed: Path, pdf: Path, root: Path) -> None:
    """Rewrite the ``file://`` links of a PDF Chromium printed (see :func:`to_pdf`).

    Each address is rewritten where it stands, padded with spaces to its old
    length, so the byte offsets of the file's cross-reference table stay
    right. Chromium (Skia) writes link annotations as plain objects, not in
    compressed object streams.
    """
    data = printed.read_bytes()
    pieces, done = [], 0
    for match in _URI.finditer(data):
        start = match.end()
        end = _string_end(data, start)
        if start < done or end < 0:
            continue
        token = data[start:end]
        new = _relative_link(_pdf_string(token), pdf, root)
        if new is None:
            continue
        encoded = b"(" + re.sub(rb"([\\()])", rb"\\\1", new.encode("ascii")) + b")"
        if len(encoded) > len(token):
            encoded = b"()"  # a relative path is shorter; should it not be, no link
        pieces += [data[done:start], encoded, b" " * (len(token) - len(encoded))]
        done = end
    if pieces:
        printed.write_bytes(b"".join([*pieces, data[done:]]))


def _print(pages: list[tuple[Path, Path]], root: Path | None) -> list[Path]:
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
                    _relative_links(temporary, pdf, (root or pdf.parent).resolve())
                written.append(pdf)
        finally:
            browser.close()
    return written
