"""PDF copies of report pages: printed by Chromium from the same HTML, footnotes included."""

import pytest

from sahel_nb.pdf import PdfUnavailable, chromium_path, to_pdf

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Situation report</title>
<link rel="stylesheet" href="https://cdn.example.org/never.css"></head><body>
<h2>Situation report</h2><ul><li>AQIM took 32 hostages. <sup><a href="#note-1">[1]</a></sup></li></ul>
<h3>Notes</h3><ol class="notes"><li id="note-1">[1] Guitta 2010, ¶6 — alleged, credibility 3</li></ol>
<h3>Sources</h3><ul><li id="source-g">Guitta 2010: Olivier Guitta, “Opinion”.
<a href="https://example.org/guitta">https://example.org/guitta</a></li></ul></body></html>
"""


@pytest.mark.browser
def test_the_pdf_carries_the_text_and_footnotes_of_the_page(browser, tmp_path):
    # With the browser fixture's Playwright running in this thread, as in a
    # Jupyter kernel's event loop: to_pdf prints from a thread of its own.
    if chromium_path() is None:
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    from pypdf import PdfReader

    html = tmp_path / "report.html"
    html.write_text(PAGE, encoding="utf-8")
    (pdf,) = to_pdf([(html, tmp_path / "report.pdf")])
    reader = PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "AQIM took 32 hostages." in text
    assert "[1] Guitta 2010, ¶6 — alleged, credibility 3" in text
    assert "https://example.org/guitta" in text
    links = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert "https://example.org/guitta" in links  # the address is a live link in the PDF
    assert not list(tmp_path.glob(".report.pdf.*"))  # written atomically, nothing left over


def test_a_missing_browser_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHEL_NB_CHROMIUM", str(tmp_path / "no-chromium"))
    html = tmp_path / "report.html"
    html.write_text(PAGE, encoding="utf-8")
    with pytest.raises(PdfUnavailable) as caught:
        to_pdf([(html, tmp_path / "report.pdf")])
    message = str(caught.value)
    assert message.startswith("PDF not made: Chromium could not be started")
    assert "apt-get install chromium" in message and "SAHEL_NB_CHROMIUM" in message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.browser
def test_links_to_files_become_relative_to_the_run_or_are_removed(tmp_path):
    if chromium_path() is None:
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    from pypdf import PdfReader

    run = tmp_path / ".building-x"
    (run / "report").mkdir(parents=True)
    (run / "profile one").mkdir()
    (run / "profile one" / "p.html").write_text("<p>profile</p>", encoding="utf-8")
    html = run / "report" / "report.html"
    html.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Links</title></head><body>'
        '<p><a href="../profile%20one/p.html#ties">AQIM</a> · '
        '<a href="file:///etc/hostname">outside the run</a> · '
        '<a href="https://example.org/a?b=(c)">the web</a></p></body></html>',
        encoding="utf-8",
    )
    (pdf,) = to_pdf([(html, run / "report" / "report.pdf")], root=run)
    links = [
        str(annotation.get_object()["/A"].get("/URI"))
        for page in PdfReader(pdf).pages
        for annotation in page.get("/Annots", [])
    ]
    assert "../profile%20one/p.html#ties" in links
    assert "https://example.org/a?b=(c)" in links
    assert not [link for link in links if link.startswith("file:")]
    raw = pdf.read_bytes()
    assert str(tmp_path).encode() not in raw and b".building-x" not in raw
    assert "AQIM" in PdfReader(pdf).pages[0].extract_text()
