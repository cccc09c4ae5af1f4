"""The situation report: sentences from rows, every figure footnoted, statuses never mixed."""

import re
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.cite import short_names
from sahel_nb.narrative import GAPS, Footnotes, describe_events, show, situation_report
from sahel_nb.timeline import event_table

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


def _sentences(report):
    return [(heading, s) for heading, sentences in report.sections for s in sentences]


def _note_sources(report) -> dict[int, str]:
    """Note number -> the citation text of its line."""
    return {int(m[1]): m[2] for m in (re.match(r"\[(\d+)\] (.*)", n) for n in report.notes)}


@pytest.mark.parametrize(
    "window", [{}, {"start": "2004", "end": "2004"}, {"start": "2006"}, {"end": "2005-06"}]
)
def test_every_sentence_with_a_number_cites_notes_that_resolve_to_a_source_row(data, window):
    report = situation_report(data, base_year=2024, **window)
    notes = _note_sources(report)
    assert sorted(notes) == list(range(1, len(notes) + 1))
    cited = [s for _, s in _sentences(report) if re.search(r"\d", s.text) and not s.summary]
    # A count of the report's own claims cites them where each is told, in its section.
    assert all(h == "Bottom line" for h, s in _sentences(report) if s.summary)
    assert cited, "the fixture has figures in every window tried"
    for sentence in cited:
        assert sentence.notes, sentence.text
        for number in sentence.notes:
            # "[n] Analyst 2008, ¶3 — ..." names a source of the sources table.
            short = notes[number].split(",")[0]
            assert short in {"Analyst 2008", "Test Court 2009"}  # no author: the publisher
    # Each note's locator really is the locator of a row it stands for.
    locators = set(pd.concat([t["locator"] for t in data.tables.values() if "locator" in t]))
    for line in report.notes:
        assert line.split(", ")[1].split(" —")[0] in locators


def test_alleged_and_reported_ransoms_are_totalled_apart(data):
    report = situation_report(data, base_year=2024)
    totals = [s.text for _, s in _sentences(report) if s.text.startswith("Ransoms ")]
    assert totals == [
        # Prose rounds money; the tables keep the exact figures.
        "Ransoms reported in this period come to about US$1 million in the dollars of their "
        "years, over 1 payment (about US$1.7 million in 2024 dollars); no other status is "
        "added in.",
        # The payment's own range, 4–6 million euros: its ends, never a sum.
        "Ransoms alleged in this period come to about US$5 million to US$7.5 million in the "
        "dollars of their years, over 1 payment (about US$8.3 million to US$12 million in "
        "2024 dollars); no other status is added in.",
    ]


def test_a_euro_ransom_is_converted_with_its_range_and_status(data):
    text = [str(s) for _, s in _sentences(situation_report(data)) if "about €5 million" in s.text]
    assert len(text) == 1
    assert "through A go-between in 2004" in text[0]
    assert "range about €4 million to about €6 million — alleged" in text[0]
    assert "in 2024 dollars" not in text[0]  # no base year asked


def test_a_kidnapping_without_payment_is_told_without_an_amount(data):
    said = [s.text for _, s in _sentences(situation_report(data))]
    assert any(t.startswith("In June 2005, Sand Brigade took an unknown number") for t in said)


def test_an_empty_window_says_so_plainly(data):
    report = situation_report(data, start="2030")
    assert report.empty
    heading, sentences = report.sections[0]
    assert heading == "In this period"
    assert sentences[0].text.startswith("Nothing in the data is dated in this period")
    told = {h: s for h, s in report.sections}
    assert not told["Key actors and their ties"] and not told["Kidnappings and ransom money"]
    # Undated rows are counted, not silently placed in 2030.
    assert any("no date" in s.text for s in told[GAPS])
    assert "nothing in this period" in repr(report)


def test_open_ended_ties_last_until_their_source_was_published(data):
    # r-war (2006, no end) comes from a 2008 source: in 2007, not in 2012.
    in_2007 = situation_report(data, start="2007", end="2007")
    in_2012 = situation_report(data, start="2012", end="2012")
    assert any("hostile" in s.text for _, s in _sentences(in_2007))
    assert in_2012.empty


def test_focus_actor_keeps_its_rows_and_unknown_ids_get_suggestions(data):
    report = situation_report(data, focus_actor="gov")
    assert report.period.endswith("centred on Government of Testland")
    said = " ".join(s.text for _, s in _sentences(report))
    assert "Oasis Tribe" not in said and "Government of Testland" in said
    with pytest.raises(ParameterError, match="did you mean 'grp' \\(Sand Brigade\\)"):
        situation_report(data, focus_actor="The Sand")


def test_a_focused_assessment_without_a_window_says_its_focus_cleanly():
    # The assessment's front matter gives the period: the line is only the focus.
    root = Path(__file__).parents[1]
    assessment = root / "analysis" / "aqim-kfr-mali-2003-2010.yml"
    report = situation_report(load_dataset(), assessment=assessment, focus_actor="mali-gov")
    assert report.period == "Centred on Government of Mali"


def test_a_bad_window_is_a_parameter_error(data):
    with pytest.raises(ParameterError, match="start='2003-13' is not a date"):
        situation_report(data, start="2003-13")


def test_html_escapes_every_string_from_the_data(data):
    page = situation_report(data)._repr_html_()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<li id="note-1">' in page and 'href="#note-1"' in page


def test_standalone_page_is_written_only_where_asked(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    page = situation_report(data).write(tmp_path / "out" / "report.html")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out", "report.html"]
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text


def test_footnotes_number_each_citation_once():
    sources = pd.DataFrame(
        {"source_id": ["s"], "author": [None], "published": [None], "title": ["Untitled"]}
    )
    notes = Footnotes(sources)
    row = {"source_id": "s", "locator": "¶2", "status": "reported", "credibility": 2}
    assert notes.cite([row, row]) == (1,)
    assert notes.cite([{**row, "credibility": 3}, row]) == (1, 2)
    assert notes.cite([{"source_id": "s", "locator": "¶9"}]) == (3,)  # actors carry no grade
    assert notes.lines()[2] == "[3] Untitled n.d., ¶9"


def test_show_escapes_and_keeps_plain_text():
    text = show("<b>x</b>")
    assert repr(text) == "<b>x</b>"
    assert text._repr_html_() == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_describe_events(data):
    assert describe_events(event_table(data)) == (
        "The selection holds 5 events: 4 dated, from 2004 to 2007-03-02, 1 with no date "
        "given. 2 events are on the map; 1 lies outside its area and 2 have no coordinates."
    )
    assert describe_events(event_table(data, start="2030")) == (
        "No event in the data matches this selection."
    )


def test_every_figure_in_the_curated_report_is_footnoted():
    report = situation_report(load_dataset(), base_year=2024)
    sentences = _sentences(report)
    assert len(sentences) > 20
    for heading, sentence in sentences:
        if re.search(r"\d", sentence.text) and not sentence.summary:
            assert sentence.notes, (heading, sentence.text)
    short = set(short_names(load_dataset().sources).values())
    for number, note in enumerate(report.notes, 1):
        name = note.removeprefix(f"[{number}] ").split(", ¶")[0]
        assert name in short, note


def test_a_window_says_what_it_did_with_undated_ties():
    from sahel_nb.narrative import describe_graph
    from sahel_nb.network import build_graph, ego_graph

    curated = load_dataset()
    kept = describe_graph(ego_graph(build_graph(curated, end="2006"), "belmokhtar"))
    assert re.search(r"\d+ of these ties have no date: shown in every window", kept)
    off = describe_graph(ego_graph(build_graph(curated, end="2006", undated=False), "belmokhtar"))
    assert re.search(r"\d+ ties in the data have no date and are left out of this window", off)
    report = situation_report(curated, end="2006", undated_ties=True)
    assert re.search(r"; \d+ undated ties kept, their period unknown", report.period)
    default = situation_report(curated, end="2006")
    unknown = [str(s) for heading, ss in default.sections if heading == GAPS for s in ss]
    assert any("(undated_ties=True keeps ties)" in s for s in unknown)


def test_a_focused_report_tells_the_focus_actors_part_in_a_kidnapping():
    # El Para planned the 2003 kidnapping but is not its kidnapper (the GSPC is): his
    # part is told. (Mali's government is no longer the releaser: the captors are, M5.)
    report = situation_report(load_dataset(), focus_actor="el-para", base_year=2024)
    kidnappings = dict(report.sections)["Kidnappings and ransom money"]
    told = [str(s) for s in kidnappings]
    assert any(s.startswith("Its part in this: Abderrazak El Para: ") for s in told)
    assert any("Ransoms alleged in this period" in s for s in told)
    aqim = situation_report(load_dataset(), focus_actor="aqim")
    assert aqim.period.endswith(
        "centred on Al-Qaeda in the Islamic Maghreb, with the record of its predecessor "
        "Salafist Group for Preaching and Combat"
    )


def test_every_statement_says_who_says_it_and_through_whom():
    report = situation_report(load_dataset())
    told = [str(s) for _, sentences in report.sections for s in sentences]
    # An allegation names its origin and the source that relays it.
    assert any("through Algerian state media n.d. (relayed by Guitta 2010)" in s for s in told)
    # A contested tie names both sides, the denier by name; one source stays one source.
    assert any(
        "; for: Guitta 2010; against: Gaoussou Drabo (an interested party: speaks of its own "
        "conduct), through Mail & Guardian 2003)" in s
        for s in told
    )
    assert any("reported only by Guitta 2010" in s for s in told)
    assert not any(".." in s.split(" [")[0] for s in told)


def test_without_an_assessment_the_report_states_no_judgment_and_says_so():
    from sahel_nb.narrative import NO_ASSESSMENT

    report = situation_report(load_dataset(), base_year=2024)
    headings = [heading for heading, _ in report.sections]
    assert headings[:2] == ["Bottom line", "Key actors and their ties"]
    assert "Key judgments" not in headings and headings[-1] == GAPS
    assert [s.text for s in report.section("Bottom line")] == [NO_ASSESSMENT]
    # No likelihood term is computed anywhere in it.
    text = repr(report)
    assert not re.search(r"\b(very likely|almost certain|roughly even chance)\b", text)
    # The latest curated source is the State Department's 2010 report.
    assert report.as_of.startswith("Information as of 2010-08, the latest of ")


def test_the_assessed_report_shows_the_analysts_words_then_likelihood_then_confidence():
    from sahel_nb.assessment import LIKELIHOOD_TERMS, load_assessment
    from sahel_nb.dates import date_words
    from sahel_nb.narrative import JudgmentBlock, MatrixBlock

    data = load_dataset()
    assessment = load_assessment("aqim-kfr-mali-2003-2010", data)
    report = situation_report(data, assessment=assessment, base_year=2024)
    headings = [heading for heading, _ in report.sections]
    assert headings[:4] == ["Bottom line", "Key judgments", "Competing hypotheses", GAPS]
    assert report.annex_at == 4 and headings[4] == "Key actors and their ties"
    assert report.title == assessment.title
    assert any(
        line.startswith(f"Information cut-off: {date_words(assessment.cut_off)}")
        for line in report.front
    )
    assert [s.text for s in report.section("Bottom line")] == [assessment.bluf]
    blocks = report.section("Key judgments")
    assert [b.id for b in blocks] == [j.id for j in assessment.judgments]
    for block, judgment in zip(blocks, assessment.judgments, strict=True):
        assert isinstance(block, JudgmentBlock)
        assert block.text == judgment.text  # exactly as written
        # The term as a label: never a sentence about the judgment ("judges this unlikely").
        assert block.likelihood == (
            f"Likelihood: {judgment.likelihood} ({LIKELIHOOD_TERMS[judgment.likelihood]})."
        )
        # Likelihood and confidence in separate sentences; no confidence word in the first.
        assert "confidence" not in block.likelihood.lower()
        assert block.confidence.startswith(f"Confidence: {judgment.confidence}.")
        assert block.confidence.endswith(judgment.because)  # the reasons as written
        assert not any(term in block.confidence for term in ("55–80%", "80–95%", "95–99%"))
        assert block.evidence and all(s.notes for s in block.evidence)
    matrices = report.section("Competing hypotheses")
    assert [m.id for m in matrices] == [m.id for m in assessment.hypotheses]
    assert all(isinstance(m, MatrixBlock) and any(r[3] for r in m.rows) for m in matrices)
    page = report._repr_html_()
    assert (
        page.index("Key judgments")
        < page.index("Annex: the evidence")
        < page.index("Key actors and their ties")
    )
    assert page.count("How the judgments are checked") == 1


def test_an_assessments_report_leaves_out_what_came_after_its_cut_off():
    from sahel_nb.assessment import load_assessment

    data = load_dataset()
    assessment = load_assessment("aqim-kfr-mali-2003-2010", data)
    report = situation_report(data, assessment=assessment)
    late = data.sources.loc[
        data.sources["published_start"] > pd.Timestamp(assessment.cut_off), "source_id"
    ]
    names = short_names(data.sources)
    assert len(late)  # the curated data holds a later source: the test has teeth
    for source_id in late:
        assert not any(note.split("] ")[1].startswith(names[source_id]) for note in report.notes)
    assert "left out)" in next(
        line for line in report.front if line.startswith("Information cut-off")
    )


def test_every_curated_allegation_names_who_makes_it():
    report = situation_report(load_dataset(), base_year=2024)
    told = [s.text for _, s in _sentences(report)]
    # Mali's alleged protection of AQIM: Algerian state media, as relayed by the column.
    protection = [
        t for t in told if "Government of Mali sheltered or tolerated Al-Qaeda in the Islamic" in t
    ]
    assert any("alleged only by Algerian official media (an interested party: a rival state), "
               "through Algerian state media n.d. (relayed by Guitta 2010)" in t
               for t in protection), protection  # fmt: skip
    for text in told:
        # "(alleged)" alone once said nothing of who alleges: now each figure says "per <source>".
        if "(alleged)" in text:
            assert " per " in text, text
        # Judgments and totals attribute through the payments and ties told one by one.
        if "alleged" in text and not text.startswith(("It is", "There is", "Whether", "Ransoms")):
            assert re.search(r"alleged (only )?by |per |\d+ claims", text), text


def test_an_amount_that_cannot_be_converted_says_why_and_the_report_goes_on():
    from sahel_nb.narrative.money import _flow_sentence

    flow = {
        "payer": None, "payee": "gspc", "intermediary": None, "date": "1995", "amount": 1000.0,
        "currency": "DZD", "amount_low": None, "amount_high": None, "flow_type": "ransom",
        "in_kind": None, "status": "alleged", "source_id": "guitta-2010", "locator": "¶6",
        "credibility": 3,
    }  # fmt: skip
    text = _flow_sentence(flow, {}, Footnotes(load_dataset().sources), 2024).text
    assert "1,000 DZD (not converted to dollars: no yearly exchange rate for DZD 1995" in text
    assert "nan" not in text


def test_an_events_own_words_keep_an_acronym_that_starts_them():
    from sahel_nb.narrative.evidence import _event_what

    said = _event_what({"sub_event_type": "Other", "description": "AQIM uses the area. More."})
    assert said == "AQIM uses the area"
    assert _event_what({"sub_event_type": "Other", "description": "Arrests in the north."}) == (
        "arrests in the north"
    )


def test_the_front_matter_counts_what_it_left_out_in_words_that_agree():
    from types import SimpleNamespace

    from sahel_nb.narrative.front import front_lines

    assessment = SimpleNamespace(scope={}, cut_off="2010-12-31", produced=None)
    for counts, said in (
        ({"flows": 10, "events": 1}, "1 event, 10 flows of money or goods"),
        ({"flows": 1, "relationships": 2}, "1 flow of money or goods, 2 ties"),
    ):
        [line] = [text for text in front_lines(assessment, counts) if "cut-off" in text]
        assert f"(later or undated: {said} left out)" in line


def test_an_assessments_period_is_the_reports_unless_the_caller_narrows_it(tmp_path):
    from sahel_nb.assessment import load_assessment

    data = load_dataset()
    source = Path(__file__).parents[1] / "analysis" / "aqim-kfr-mali-2003-2010.yml"
    text = source.read_text(encoding="utf-8")
    assert 'period: {start: "2003", end: "2010-02"}' in text
    copy = tmp_path / "later.yml"
    copy.write_text(text.replace('start: "2003"', 'start: "2009"'), encoding="utf-8")
    assessment = load_assessment(copy, data)

    def annex(report):
        return [(h, [str(s) for s in said]) for h, said in report.sections[report.annex_at :]]

    scoped = situation_report(data, assessment=assessment)
    windowed = situation_report(data, assessment=assessment, start="2009", end="2010-02")
    assert annex(scoped) == annex(windowed)
    # Without a period the annex tells more (the 2003 ransom among it): the scope narrowed it.
    unscoped = load_assessment(copy, data)
    object.__setattr__(unscoped, "scope", {**unscoped.scope, "period": {}})
    assert annex(situation_report(data, assessment=unscoped)) != annex(scoped)
    # The front matter states the period; no second window line repeats it.
    assert not scoped.period
