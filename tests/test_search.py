"""Offline search: each page's text, inlined in the index, searched in Chromium from file://."""

import json
from pathlib import Path

import pytest

from sahel_nb.pages import render, script_json
from sahel_nb.search import MAX_TEXT, page_text, search_entries


def test_page_text_keeps_what_a_reader_sees(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Profile &lt;x&gt;</title><style>p{color:red}</style></head>"
        "<body><h1>Mokhtar Belmokhtar</h1><script>var secret = 1;</script>"
        "<p>Leads   a\n katiba.</p></body></html>"
    )
    title, text = page_text(page)
    assert title == "Profile <x>"
    assert text == "Mokhtar Belmokhtar Leads a katiba."
    page.write_text("<p>" + "word " * MAX_TEXT + "</p>")
    assert len(page_text(page)[1]) == MAX_TEXT


def test_entries_name_pages_relative_to_the_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "a.html").write_text("<title>A</title><p>alpha</p>")
    assert search_entries(tmp_path, ["a/a.html"]) == [{"url": "a/a.html", "title": "A", "text": "alpha"}]  # fmt: skip


def _index(tmp_path: Path, search: list[dict]) -> Path:
    manifest = {"run_id": "R1", "sahel_nb_version": "0", "data_sha256": "0" * 64}
    index = tmp_path / "index.html"
    index.write_text(
        render(
            "report_index.html.j2", manifest=manifest, entries=[], period="every date",
            changes_sentence="Nothing changed.", search_json=script_json(search),
        ),
        encoding="utf-8",
    )  # fmt: skip
    return index


@pytest.mark.browser
def test_search_finds_pages_offline_and_shows_hostile_text_as_text(browser, tmp_path):
    from test_browser import OfflinePage

    for name in ("profile_x", "claims"):
        (tmp_path / name).mkdir()
    search = [
        {"url": "profile_x/profile_x.html", "title": "Actor profile — Mokhtar Belmokhtar",
         "text": "Mokhtar Belmokhtar leads a katiba."},
        {"url": "claims/claims.html", "title": "Claims",
         "text": "Belmokhtar was reported dead <img src=x onerror=alert(1)> twice."},
        {"url": "other/other.html", "title": "Other", "text": "Nothing about him."},
    ]  # fmt: skip
    index = _index(tmp_path, search)
    offline = OfflinePage(browser)
    page = offline.open(index, ready="body[data-search-ready=true]")
    page.fill("#search", "belmokhtar")
    hits = page.eval_on_selector_all("#results li a", "links => links.map(a => a.textContent)")
    assert hits == ["Actor profile — Mokhtar Belmokhtar", "Claims"]  # title matches first
    hrefs = page.eval_on_selector_all("#results li a", "links => links.map(a => a.getAttribute('href'))")  # fmt: skip
    assert hrefs == ["profile_x/profile_x.html", "claims/claims.html"]
    assert "<img src=x" in page.inner_text("#results")  # shown as text, not run
    assert page.inner_text("#search-status") == "2 pages found"
    page.fill("#search", "belmokhtar katiba")
    assert page.eval_on_selector_all("#results li", "items => items.length") == 1
    page.fill("#search", "nowhere-to-be-found")
    assert page.inner_text("#search-status") == "0 pages found"
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_the_inlined_index_cannot_close_its_script_element(tmp_path):
    index = _index(
        tmp_path, [{"url": "a.html", "title": "</script><script>alert(1)//", "text": ""}]
    )
    text = index.read_text()
    inlined = text.split('<script type="application/json" id="search-index">')[1].split("</script>")[0]  # fmt: skip
    assert json.loads(inlined)[0]["title"] == "</script><script>alert(1)//"


@pytest.mark.notebook
@pytest.mark.browser
def test_search_on_a_published_report_finds_an_actors_pages_offline(browser, tmp_path):
    from test_browser import OfflinePage

    from sahel_nb.report import check_runs, load_config, run_reports

    runs, notebooks = load_config(Path(__file__).parents[1] / "reports.yml")
    wanted = {"situation_report", "profile_belmokhtar"}
    runs = check_runs([r for r in runs if r.name in wanted], notebooks)
    run_reports(runs, notebooks, out=tmp_path, jobs=2, log=lambda line: None)
    latest = tmp_path / "latest"
    offline = OfflinePage(browser)
    page = offline.open(latest / "index.html", ready="body[data-search-ready=true]")
    page.fill("#search", "Belmokhtar")
    hrefs = page.eval_on_selector_all("#results li a", "links => links.map(a => a.getAttribute('href'))")  # fmt: skip
    assert hrefs[0] == "profile_belmokhtar/profile_belmokhtar.html"
    assert "situation_report/situation_report.html" in hrefs
    page.click("#results li a >> nth=0")
    page.wait_for_load_state("load")
    assert page.url.endswith("profile_belmokhtar/profile_belmokhtar.html")
    # The situation report links the actor's name to that profile page.
    report = (latest / "situation_report" / "situation_report.html").read_text()
    assert 'href="../profile_belmokhtar/profile_belmokhtar.html">Mokhtar Belmokhtar</a>' in report
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
