"""Self-contained HTML pages: inlined scripts, autoescaped templates, atomic writes."""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2

__all__ = [
    "Embedded",
    "embed",
    "render",
    "replacing",
    "script_json",
    "sigma_assets",
    "sigma_page",
    "vis_network_assets",
    "vis_page",
    "write_atomically",
]


#: Unicode's invisible direction controls (embeddings, overrides, isolates). An
#: unclosed one in a name (U+202E) reverses every word after it on the page,
#: citations included; no name or description needs one.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown_plainly(value):
    """A data string with its invisible direction controls shown as text (``[U+202E]``).

    Examples
    --------
    >>> shown_plainly("\u202eevil")
    '[U+202E]evil'
    """
    if isinstance(value, str) and _DIRECTION_CONTROLS.search(value):
        shown = _DIRECTION_CONTROLS.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", value)
        # Markup stays markup: what replaces a control is plain text, safe in it.
        return type(value)(shown) if hasattr(value, "__html__") else shown
    return value


#: The same controls as ``tojson`` writes them (``\u202e``): a script reads them back.
_ESCAPED_CONTROLS = re.compile(r"\\u(202[a-eA-E]|206[6-9])")


def _json_dumps(data, **options) -> str:
    """``json.dumps`` for ``tojson``, direction controls shown as text as in the page's."""
    text = shown_plainly(json.dumps(data, **options))
    return _ESCAPED_CONTROLS.sub(lambda m: f"[U+{m.group(1).upper()}]", text)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sahel_nb", "templates"),
        autoescape=True,  # every {{ }} is HTML-escaped unless marked safe on purpose
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=shown_plainly,
    )
    environment.policies["json.dumps_function"] = _json_dumps
    return environment


def render(template: str, **context) -> str:
    """Render a template of ``sahel_nb/templates`` with HTML autoescaping."""
    return _environment().get_template(template).render(**context)


@cache
def vis_network_assets() -> tuple[str, str]:
    """Return vis-network's JavaScript and CSS, as shipped inside the pyvis package.

    Inlining them is what makes a page open offline: pyvis's own
    ``cdn_resources`` modes all reference a CDN (see the toolchain notes).
    """
    lib = files("pyvis") / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    # Developer tools would try to fetch the source map beside the page.
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    style = (lib / "vis-network.css").read_text(encoding="utf-8")
    # A literal "</script" inside inlined code would end the element early.
    if "</script" in script.lower():
        raise RuntimeError("vis-network.min.js contains '</script' and cannot be inlined")
    return script, style


def vis_page(
    path: str | os.PathLike,
    *,
    title: str,
    summary: str,
    nodes: list[dict],
    edges: list[dict],
    options: dict,
    node_legend: list[dict],
    edge_legend: list[dict],
    height: str = "780px",
    years: dict | None = None,
    structure_legend: list[dict] = (),
) -> Path:
    """Write a self-contained vis-network page (network or flow diagram) at ``path``.

    Legend items: nodes ``{label, color, shape, radius}``, edges and
    ``structure_legend`` (ties that are neither cooperation nor hostility)
    ``{label, color, style}``. The legend is beside the drawing, not over
    it. A node's ``labelRank`` (0 first) orders whose name is placed first
    where names would overlap. Everything is escaped by the template. With
    ``years`` (``{"low": 2003, "high": 2010}``) the page has a year slider
    that keeps the edges whose ``years`` (``[first, last]``, None for an open
    or unknown end) include the year picked.
    """
    vis_js, vis_css = vis_network_assets()
    page = render(
        "network.html.j2",
        title=title,
        summary=summary,
        height=height,
        nodes=nodes,
        edges=edges,
        options=options,
        node_legend=node_legend,
        edge_legend=edge_legend,
        structure_legend=list(structure_legend),
        vis_js=vis_js,
        vis_css=vis_css,
        years=years,
    )
    return write_atomically(path, page)


def script_json(data) -> str:
    r"""``data`` as compact JSON that is safe inside a ``<script type="application/json">``.

    Every ``<``, ``>`` and ``&`` becomes a ``\u`` escape (as Jinja's ``tojson``
    does), so no string can close the element (``</script>``) or open an HTML
    comment (``<!--``) that would swallow the real end tag; ``JSON.parse``
    reads the text back unchanged.

    Examples
    --------
    >>> script_json({"name": "</script><!--"})
    '{"name":"\\u003c/script\\u003e\\u003c!--"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = shown_plainly(text)  # a direction control in a label, as in the page's text
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _vendored(name: str) -> str:
    script = (files("sahel_nb") / "templates" / "vendor" / name).read_text(encoding="utf-8")
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    if "</script" in script.lower():
        raise RuntimeError(f"{name} contains '</script' and cannot be inlined")
    return script


@cache
def sigma_assets() -> tuple[str, str]:
    """Return the vendored graphology and sigma.js scripts (see ``templates/vendor/README.md``)."""
    return _vendored("graphology.umd.min.js"), _vendored("sigma.min.js")


def sigma_page(
    path: str | os.PathLike,
    *,
    title: str,
    summary: str,
    data: dict,
    node_legend: list[dict],
    edge_legend: list[dict],
    height: str = "780px",
) -> Path:
    """Write a self-contained sigma.js (WebGL) network page at ``path``.

    ``data`` is ``{"nodes": [[id, label, x, y, size, colour, hover], ...],
    "ties": {...}, "shapes": [...], "templates": [...], "strings": [...],
    "dates": [...], "colors": [...], "focus": id or None}``: ``colour``
    indexes ``colors``; the ties are columns whose hover text the page builds
    when shown (see :func:`sahel_nb.network._tie_columns`). It reaches the
    page through :func:`script_json` and is shown as text only. Legend items as for
    :func:`vis_page` (nodes ``{label, color}``, edges ``{label, color}``).
    """
    graphology_js, sigma_js = sigma_assets()
    page = render(
        "sigma.html.j2",
        title=title,
        summary=summary,
        height=height,
        data_json=script_json(data),
        node_legend=node_legend,
        edge_legend=edge_legend,
        graphology_js=graphology_js,
        sigma_js=sigma_js,
    )
    return write_atomically(path, page)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds, it replaces ``path``.

    A reader never sees a half-written file, and a failure (or a killed run)
    leaves the previous file untouched. Parent folders are created, and the
    file gets the usual permissions (mkstemp's are private).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_atomically(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through :func:`replacing`; return the path."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


class Embedded:
    """A page shown in a notebook as an inline frame; its text form names the file."""

    def __init__(self, source: str, height: int) -> None:
        self.source = source
        self.height = height

    def _repr_html_(self) -> str:
        source = html.escape(self.source, quote=True)
        return (
            f'<iframe src="{source}" width="100%" height="{self.height}" '
            'style="border: 1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        return f"page {self.source} (opens offline in any browser)"


def embed(path: str | os.PathLike, *, height: int = 640) -> Embedded:
    """Return an inline frame showing the page at ``path``, for a notebook cell.

    The page stays a file (no megabytes of inline output), and the frame
    names it relative to the working directory, so the cell's output is the
    same on every machine. IPython's own ``IFrame`` shows a memory address
    in its text form, which nbval would compare.

    Examples
    --------
    >>> embed("reports/x/network.html")
    page reports/x/network.html (opens offline in any browser)
    """
    return Embedded(Path(os.path.relpath(path)).as_posix(), int(height))
