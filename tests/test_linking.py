"""Pages linked together: actor names to profile pages, footnotes to their sources' entries."""

import pandas as pd

from sahel_nb.linking import link_page, linkable, source_links

NOTES_PAGE = """<!DOCTYPE html><html><head><title>Al-Qaeda in the Islamic Maghreb</title></head><body>
<div class="sahel-report"><h2>Situation report</h2>
<ul><li>Al-Qaeda in the Islamic Maghreb met &lt;script&gt; and Tuareg elders. <sup><a href="#note-1">[1]</a></sup></li>
<li>Tuaregs are not Tuareg, and <a href="x.html">Tuareg</a> is linked already.</li></ul>
<h3>Notes</h3><ol class="notes"><li id="note-1">[1] Analyst 2010, ¶11 — alleged, credibility 3</li></ol>
<h3>Sources</h3><ul><li>Analyst 2010: Ann Analyst, “Fixture source”, 2010-02.</li></ul></div>
<svg><text>Tuareg</text></svg><pre>Tuareg</pre></body></html>
"""

SOURCES = pd.DataFrame(
    {
        "source_id": ["src-a", "src-b"],
        "title": ["Fixture source", "Other"],
        "author": ["Ann Analyst", None],
        "publisher": ["Fixture Press", "Press"],
        "published": ["2010-02", "2011"],
        "url": ["https://example.org/a?x=1&y=2", None],
    }
)


def _page(tmp_path, text=NOTES_PAGE):
    folder = tmp_path / "situation_report"
    folder.mkdir()
    path = folder / "situation_report.html"
    path.write_text(text, encoding="utf-8")
    return path


def test_actor_names_link_to_profile_pages_and_nothing_else_changes_meaning(tmp_path):
    path = _page(tmp_path)
    actors = {
        "Al-Qaeda in the Islamic Maghreb": "../profile_aqim/profile_aqim.html",
        "Tuareg": "../profile_tuareg/profile_tuareg.html",
    }
    assert link_page(path, actors=actors, sources=source_links(SOURCES)) >= 3
    page = path.read_text()
    assert '<a class="sahel-link" href="../profile_aqim/profile_aqim.html">Al-Qaeda in the Islamic Maghreb</a> met' in page  # fmt: skip
    assert (
        page.count('href="../profile_tuareg/profile_tuareg.html"') == 2
    )  # "elders", "are not Tuareg"
    assert "Tuaregs are" in page  # whole names only
    assert "&lt;script&gt;" in page and "<script>" not in page  # escaped text stays text
    assert '<a href="x.html">Tuareg</a>' in page  # never a link inside a link
    assert "<svg><text>Tuareg</text></svg>" in page and "<pre>Tuareg</pre>" in page
    assert "<title>Al-Qaeda in the Islamic Maghreb</title>" in page


def test_footnotes_link_to_the_source_entry_which_gives_its_address(tmp_path):
    path = _page(tmp_path)
    link_page(path, sources=source_links(SOURCES))
    page = path.read_text()
    assert '[1] <a class="sahel-link" href="#source-src-a">Analyst 2010</a>, ¶11' in page
    assert '<li id="source-src-a">Analyst 2010: Ann Analyst' in page
    assert 'href="https://example.org/a?x=1&amp;y=2">https://example.org/a?x=1&amp;y=2</a>' in page


def test_linking_again_gives_the_same_page_and_follows_a_changed_set_of_profiles(tmp_path):
    path = _page(tmp_path)
    actors = {"Tuareg": "../profile_tuareg/profile_tuareg.html"}
    link_page(path, actors=actors, sources=source_links(SOURCES))
    once = path.read_text()
    link_page(path, actors=actors, sources=source_links(SOURCES))
    assert path.read_text() == once
    link_page(path, actors={}, sources={})
    assert "sahel-link" not in path.read_text() and "example.org" not in path.read_text()
    assert path.read_text().count("Tuareg") == NOTES_PAGE.count("Tuareg")


def test_a_profile_page_does_not_link_to_itself(tmp_path):
    folder = tmp_path / "profile_tuareg"
    folder.mkdir()
    path = folder / "profile_tuareg.html"
    path.write_text("<html><body><p>Tuareg</p></body></html>")
    assert link_page(path, actors={"Tuareg": "../profile_tuareg/profile_tuareg.html"}) == 0


def test_pages_with_scripts_are_not_linked(tmp_path):
    page = tmp_path / "graph.html"
    page.write_text("<html><body><script>var nodes = [];</script></body></html>")
    assert not linkable(page)
