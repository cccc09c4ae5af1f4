import os

import pytest

from sahel_nb.pages import render, vis_network_assets, write_atomically


def test_write_atomically_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "out" / "page.html"
    write_atomically(target, "first")
    write_atomically(target, "second")
    assert target.read_text() == "second"
    assert os.listdir(target.parent) == ["page.html"]
    assert target.stat().st_mode & 0o044 == 0o044  # readable by others, like any new file


def test_a_failed_write_keeps_the_last_good_page(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("last good")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "half \udcff written")
    assert target.read_text() == "last good"
    assert os.listdir(tmp_path) == ["page.html"]


def test_templates_escape_by_default():
    vis_js, vis_css = vis_network_assets()
    html = render(
        "network.html.j2",
        title="<script>alert(1)</script>",
        summary="a & b",
        height="10px",
        nodes=[{"id": "n", "label": "</script><script>alert(2)</script>"}],
        edges=[],
        options={},
        node_legend=[],
        edge_legend=[],
        vis_js="",
        vis_css="",
    )
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "a &amp; b" in html
    assert "</script><script>alert(2)" not in html
    assert "\\u003c/script\\u003e" in html
    assert vis_js.startswith("/**\n * vis-network") and ".vis-network" in vis_css
    assert "sourceMappingURL" not in vis_js


def test_a_direction_control_in_data_is_shown_not_obeyed():
    from markupsafe import Markup

    from sahel_nb.pages import _environment

    template = _environment().from_string("<p>{{ name }} said {{ safe }}</p>")
    page = template.render(name="\u202eAQIM", safe=Markup("<b>\u2067x</b>"))
    assert "\u202e" not in page and "\u2067" not in page
    assert page == "<p>[U+202E]AQIM said <b>[U+2067]x</b></p>"


def test_a_direction_control_reaches_no_script_either():
    from sahel_nb.pages import _environment, script_json

    page = _environment().from_string("<script>var d = {{ data | tojson }};</script>")
    rendered = page.render(data={"label": "\u202eevil"})
    assert "\\u202e" not in rendered.lower() and "\u202e" not in rendered
    assert "[U+202E]evil" in rendered
    assert "[U+202E]evil" in script_json({"label": "\u202eevil"})
