"""Analysts' assessments: the file checked key by key, judgments checked, ACH scored, review kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import load_dataset
from sahel_nb.assessment import (
    LIKELIHOOD_TERMS,
    Evidence,
    Matrix,
    assessment_problems,
    before_cut_off,
    check_assessment,
    load_assessment,
    score_matrix,
    to_review,
    write_review,
)
from sahel_nb.cli import main
from sahel_nb.exceptions import DataValidationError

FIXTURE = Path(__file__).parent / "fixtures" / "assessments" / "fixture-ransom.yml"
CLAIMS = Path(__file__).parent / "fixtures" / "claims"
ROOT = Path(__file__).parents[1]


@pytest.fixture
def claims():
    return load_dataset(CLAIMS)


@pytest.fixture
def written(tmp_path):
    """A copy of the fixture assessment to edit."""
    path = tmp_path / "analysis" / "a.yml"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_fixture_loads_with_every_part(claims):
    assessment = load_assessment(FIXTURE, claims)
    assert assessment.id == "fixture-ransom"
    assert assessment.cut_off == "2010-02-16"  # a date stays text, as written
    assert [j.id for j in assessment.judgments] == ["kj-paid", "kj-kidnap"]
    assert assessment.judgments[0].likelihood in LIKELIHOOD_TERMS
    assert len(assessment.hypotheses[0].hypotheses) == 3
    assert assessment.gaps


def test_unknown_claim_term_and_malformed_matrix_are_errors_with_file_line_and_key(written, claims):
    _edit(written, "rests_on: [c-ransom]", "rests_on: [c-ransum]")
    _edit(written, "likelihood: very likely", "likelihood: highly likely")
    _edit(written, "      H3: No money changed hands.\n", "")
    _edit(written, "        ratings: {H1: consistent, H2: consistent, H3: consistent}",
          "        ratings: {H1: consistent, H2: probably}")  # fmt: skip
    problems = [str(p) for p in assessment_problems(written, claims)]
    assert all(p.startswith(f"{written}:") for p in problems)
    said = "\n".join(problems)
    line = _line_of(written, "c-ransum")
    assert f"{written}:{line}: judgments.kj-paid.rests_on: no claim or row with this id" in said
    assert "did you mean 'c-ransom'?" in said
    line = _line_of(written, "highly likely")
    assert f":{line}: judgments.kj-kidnap.likelihood: unknown term" in said
    assert "hypotheses.fixture-payment.hypotheses: must map three or more" in said
    assert "ratings.H2: unknown term" in said
    # H3 is gone from the hypotheses, so rows rating it name a hypothesis that is not there.
    assert "ratings.H3: no such hypothesis in this matrix" in said
    with pytest.raises(DataValidationError) as raised:
        load_assessment(written, claims)
    assert len(raised.value.problems) == len(problems)


def test_key_actors_are_the_analysts_listed_first_and_unknown_ids_are_errors(written, claims):
    from sahel_nb.narrative.report import situation_report

    _edit(written, "judgments:", "key_actors: [germany, gspk]\njudgments:")
    (problem,) = assessment_problems(written, claims)
    assert str(problem) == (
        f"{written}:{_line_of(written, 'key_actors')}: key_actors[2]: is not an actor of the "
        "data; did you mean 'gspc'? ('gspk')"
    )
    _edit(written, "gspk", "tuareg")
    assessment = load_assessment(written, claims)
    assert assessment.key_actors == ("germany", "tuareg")
    report = situation_report(claims, assessment=assessment)
    told = [s.text for s in dict(report.sections)["Key actors and their ties"]]
    # The Tuareg first, though less tied than others; Germany (no ties here) gets no
    # invented sentence; the rest follow, not said to be the analyst's.
    assert told[0].startswith("Tuareg (ethnic group), one the assessment names, is tied to")
    assert not any(t.startswith("Germany") for t in told)
    assert len(told) > 1 and not any("assessment names" in t for t in told[1:])


def test_missing_keys_typos_duplicates_and_broken_yaml_are_named(written):
    _edit(written, "gaps:", "gapz:")
    _edit(written, "    confidence: low\n", "")
    _edit(written, "  - id: kj-kidnap", "  - id: kj-paid")
    said = "\n".join(str(p) for p in assessment_problems(written))
    assert "gapz: unknown key; did you mean 'gaps'?" in said
    assert "judgments.kj-paid.confidence: missing" in said
    assert "judgments.kj-paid: id used twice" in said
    written.write_text("title: [unclosed\n")
    (problem,) = assessment_problems(written)
    assert "not valid YAML" in str(problem) and problem.line is not None
    assert "check the indentation" in str(problem)  # what to do, in plain words


def test_a_judgment_almost_certain_on_one_origin_is_flagged_by_id(written, claims):
    # c-share has one report: one first teller.
    _edit(written, "rests_on: [c-kidnap]", "rests_on: [c-share]")
    _edit(written, "likelihood: very likely", "likelihood: almost certain")
    _edit(written, "confidence: moderate", "confidence: high")
    flags = check_assessment(load_assessment(written, claims), claims)
    mine = [f for f in flags if f.judgment == "kj-kidnap"]
    assert {f.check for f in mine} == {"overreach"}
    assert any("'almost certain'" in f.reason and "one independent first teller" in f.reason
               for f in mine)  # fmt: skip
    assert any("high confidence" in f.reason for f in mine)
    assert all(f.line == _line_of(written, "id: kj-kidnap") for f in mine)


def test_a_contested_claim_must_be_addressed(written, claims):
    assessment = load_assessment(written, claims)
    assert not [f for f in check_assessment(assessment, claims) if f.judgment == "kj-paid"]
    _edit(written, ", though the negotiator denied it.", ".")
    _edit(
        written,
        "and the negotiator, a party to the deal, denied it on Fixture Radio",
        "and that is all",
    )
    flags = check_assessment(load_assessment(written, claims), claims)
    (flag,) = [f for f in flags if f.judgment == "kj-paid"]
    assert flag.check == "contested evidence unaddressed" and "c-ransom" in flag.reason
    # A denial word in one sentence and the denier's name in another do not deal with it.
    _edit(written, "and that is all", "and that is all. It was disputed. Fixture Radio aired it")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert [f.check for f in flags if f.judgment == "kj-paid"] == ["contested evidence unaddressed"]
    _edit(written, "It was disputed. Fixture Radio aired it", "It was disputed on Fixture Radio")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-paid"]


def test_validate_flags_an_overreaching_judgment_and_exits_zero(written, capsys):
    _edit(written, "rests_on: [c-kidnap]", "rests_on: [c-share]")
    _edit(written, "likelihood: very likely", "likelihood: almost certain")
    assert main(["validate", str(CLAIMS), "--analysis", str(written.parent)]) == 0
    err = capsys.readouterr().err
    line = _line_of(written, "id: kj-kidnap")
    assert f"{written}:{line}: judgments.kj-kidnap: warning: overreach: 'almost certain'" in err


def test_validate_refuses_an_assessment_citing_a_claim_not_in_the_data(written, capsys):
    _edit(written, "rests_on: [c-kidnap]", "rests_on: [c-nowhere]")
    assert main(["validate", str(CLAIMS), "--analysis", str(written.parent)]) == 1
    err = capsys.readouterr().err
    assert f"{written}:{_line_of(written, 'c-nowhere')}: judgments.kj-kidnap.rests_on" in err


def test_validate_lists_an_assessments_problems_with_the_datas(written, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(CLAIMS, data)
    events = (data / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "events.csv").write_text(events[0] + events[1] + events[1], encoding="utf-8")
    _edit(written, "likelihood: very likely", "likelihood: probable")
    assert main(["validate", str(data), "--analysis", str(written.parent)]) == 1
    err = capsys.readouterr().err
    assert "duplicate id" in err  # the data's problem
    line = _line_of(written, "likelihood: probable")
    assert f"{written}:{line}: judgments.kj-kidnap.likelihood: unknown term" in err
    assert "checked once the data is valid" in err


def test_review_records_the_evidence_and_names_what_changed_beneath_a_judgment(
    written, tmp_path, claims
):
    assessment = load_assessment(written, claims)
    assert {item["id"] for item in to_review(assessment, claims)} >= {"kj-paid", "kj-kidnap"}
    first = write_review(assessment, claims).read_bytes()
    assert to_review(assessment, claims) == []
    assert write_review(assessment, claims).read_bytes() == first  # no date, no path inside
    data = tmp_path / "data"
    shutil.copytree(CLAIMS, data)
    flows = pd.read_csv(data / "flows.csv", dtype=str, keep_default_na=False)
    flows.loc[flows["flow_id"] == "fl-ransom-radio", "credibility"] = "2"
    flows.to_csv(data / "flows.csv", index=False)
    stale = to_review(assessment, load_dataset(data))
    assert [item["id"] for item in stale] == ["kj-paid", "hypotheses.fixture-payment"]
    assert stale[0]["changes"] == ["report fl-ransom-radio changed: credibility 3 → 2"]
    # The page says it beside the matrix too, not only beside the judgment.
    from sahel_nb.narrative import situation_report

    report = situation_report(load_dataset(data), assessment=assessment)
    (matrix,) = report.section("Competing hypotheses")
    assert matrix.review == tuple(stale[1]["changes"]) and matrix.review
    page = report._repr_html_()
    at = page.index('id="matrix-fixture-payment"')
    assert "To review — " in page[at : page.index("</table>", at)]


def test_sahel_nb_review_writes_the_record(written, capsys):
    assert main(["review", str(written), "--data-dir", str(CLAIMS)]) == 0
    assert (written.parent / "a.review.json").is_file()
    assert "never reviewed" in capsys.readouterr().out
    assert main(["validate", str(CLAIMS), "--analysis", str(written.parent)]) == 0
    assert "to review" not in capsys.readouterr().err


def test_ach_scores_inconsistency_diagnosticity_and_the_row_that_matters_most(claims):
    matrix = load_assessment(FIXTURE, claims).hypotheses[0]
    scored = score_matrix(matrix, claims)
    rows = {row.claim: row for row in scored.rows}
    assert rows["c-ransom"].diagnostic and rows["c-share"].diagnostic
    assert not rows["c-kidnap"].diagnostic  # consistent with every hypothesis
    # A contested claim weighs half what an uncontested one of its grade and strength would.
    assert rows["c-ransom"].support["contested"]
    assert rows["c-ransom"].weight == pytest.approx(2 * 0.6 * 0.5)
    # Heuer: the least contradicted leads, whatever fits it.
    assert scored.order[0] == min(scored.inconsistency, key=scored.inconsistency.get)
    for h, score in scored.inconsistency.items():
        expected = sum(r.weight for r in scored.rows if r.ratings[h] == "inconsistent")
        assert score == pytest.approx(expected)
    assert scored.linchpin in {"c-ransom", "c-share"}
    assert scored.linchpin in scored.sensitivity


def test_the_cut_off_leaves_out_later_sources_and_later_facts():
    data = load_dataset()
    known, left_out = before_cut_off(data, "2009")
    last = pd.Timestamp("2009-12-31")
    for name in ("relationships", "events", "flows"):
        table = getattr(known, name)
        published = table["source_id"].map(data.sources.set_index("source_id")["published_start"])
        assert not (published > last).any()
        dated = "start_start" if name == "relationships" else "date_start"
        assert not (table[dated] > last).any()
        assert len(table) + left_out.get(name, 0) == len(getattr(data, name))
    assert before_cut_off(data, None) == (data, {})


def test_the_shipped_assessment_is_valid_complete_and_reviewed():
    data = load_dataset()
    path = ROOT / "analysis" / "aqim-kfr-mali-2003-2010.yml"
    assessment = load_assessment(path, data)
    assert 4 <= len(assessment.judgments) <= 6
    assert {m.id for m in assessment.hypotheses} == {"payment-2003", "mali-posture"}
    for matrix in assessment.hypotheses:
        assert len(matrix.hypotheses) >= 3
        assert any(row.diagnostic for row in score_matrix(matrix, data).rows)
    # Shipped reviewed: a report run names nothing to review until the evidence moves.
    assert to_review(assessment, data) == []


def test_a_weak_claim_is_not_padded_by_a_strong_one_beside_it(written, claims):
    # c-kidnap has several tellers; c-share one: "very likely" is held by the weaker.
    _edit(written, "rests_on: [c-kidnap]", "rests_on: [c-kidnap, c-share]")
    flags = [f for f in check_assessment(load_assessment(written, claims), claims)
             if f.judgment == "kj-kidnap"]  # fmt: skip
    assert flags and all("c-share" in f.reason for f in flags)
    # Cited as context, the weak claim is shown but not weighed.
    _edit(written, "rests_on: [c-kidnap, c-share]", "rests_on: [c-kidnap]\n    context: [c-share]")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-kidnap"]


def test_a_judgment_doubting_a_claim_is_weighed_on_who_denies_it(written, claims):
    # Almost no chance that a claim two tellers report happened: flagged.
    _edit(written, "likelihood: very likely", "likelihood: almost no chance")
    _edit(written, "rests_on: [c-kidnap]", "doubts: [c-kidnap]")
    flags = check_assessment(load_assessment(written, claims), claims)
    (flag,) = [f for f in flags if f.judgment == "kj-kidnap" and "'almost no chance'" in f.reason]
    assert "who report it" in flag.reason
    # "Unlikely" on any traced evidence is the analyst's to make.
    _edit(written, "likelihood: almost no chance", "likelihood: unlikely")
    _edit(written, "confidence: moderate", "confidence: low")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-kidnap"]
    assessment = load_assessment(written, claims)
    assert assessment.judgments[1].doubts == ("c-kidnap",) and not assessment.judgments[1].rests_on


def test_an_unlikely_judgment_rests_on_evidence_weighed_on_who_reports_it(written, claims):
    # A judgment towards unlikely, resting on a claim two tellers report and no one denies: the
    # claim is evidence for the judgment as written, not a proposition waiting for deniers.
    _edit(
        written, "The kidnapping took place in 2003.", "There was no second kidnapping that year."
    )
    _edit(written, "likelihood: very likely", "likelihood: very unlikely")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-kidnap"], flags
    # Resting on it beyond what two tellers allow is still overreach, said towards unlikely.
    _edit(written, "likelihood: very unlikely", "likelihood: almost no chance")
    flags = check_assessment(load_assessment(written, claims), claims)
    (flag,) = [f for f in flags if f.judgment == "kj-kidnap"]
    assert "supports at most 'very unlikely'" in flag.reason
    assert "cite it under context" in flag.reason  # what the analyst can do about it


def test_citing_one_report_of_a_contested_claim_keeps_its_denial_in_view(written, claims):
    _edit(written, "rests_on: [c-ransom]", "rests_on: [fl-ransom-col]")
    _edit(written, ", though the negotiator denied it.", ".")
    _edit(
        written, "and the negotiator, a party to the deal, denied it on Fixture Radio", "and so on"
    )
    flags = check_assessment(load_assessment(written, claims), claims)
    assert {f.check for f in flags if f.judgment == "kj-paid"} == {"contested evidence unaddressed"}
    # Listed under addresses, the analyst has dealt with it.
    _edit(
        written, "rests_on: [fl-ransom-col]", "rests_on: [fl-ransom-col]\n    addresses: [c-ransom]"
    )
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-paid"]


def test_ach_counts_one_fact_once_and_weighs_nothing_after_the_cut_off(written, claims):
    matrix = load_assessment(written, claims).hypotheses[0]
    scored = score_matrix(matrix, claims)
    # fl-ransom-col is a report of c-ransom: rated again, the one fact counts once.
    twice = Evidence("fl-ransom-col", {"H1": "inconsistent", "H2": "consistent",
                                       "H3": "consistent"})  # fmt: skip
    rated = {e.claim: e.ratings for e in matrix.evidence}
    assert rated["c-ransom"]["H1"] != "inconsistent"  # so the fixture's own H1 needs a row
    again_h1 = Evidence("c-ransom", {**rated["c-ransom"], "H1": "inconsistent"})
    widened = Matrix(matrix.id, matrix.question, matrix.hypotheses,
                     (*[e for e in matrix.evidence if e.claim != "c-ransom"], again_h1, twice))  # fmt: skip
    again = score_matrix(widened, claims)
    rows = {r.claim: r for r in again.rows}
    assert rows["fl-ransom-col"].fact == rows["c-ransom"].fact == "c-ransom"
    others = sum(r.weight for r in again.rows
                 if r.fact != "c-ransom" and r.ratings.get("H1") == "inconsistent")  # fmt: skip
    assert again.inconsistency["H1"] == pytest.approx(
        others + max(rows["fl-ransom-col"].weight, rows["c-ransom"].weight)
    )
    # Two facts one teller tells are two pieces of evidence: c-share and fl-ransom-col
    # rest on the same teller ("col") and both count.
    assert rows["fl-ransom-col"].teller == rows["c-share"].teller is not None
    col = Matrix(matrix.id, matrix.question, matrix.hypotheses, (
        Evidence("fl-ransom-col", {"H1": "inconsistent", "H2": "consistent", "H3": "consistent"}),
        Evidence("c-share", {"H1": "inconsistent", "H2": "consistent", "H3": "consistent"}),
    ))  # fmt: skip
    both = score_matrix(col, claims)
    assert both.inconsistency["H1"] == pytest.approx(sum(r.weight for r in both.rows))
    assert all(r.weight > 0 for r in both.rows)
    known, _ = before_cut_off(claims, "2002")
    late = score_matrix(matrix, known)
    assert all(r.late and r.weight == 0 and not r.diagnostic for r in late.rows)
    assert set(late.inconsistency.values()) == {0}
    assert scored.inconsistency != late.inconsistency


def test_a_judgment_resting_only_on_later_evidence_overreaches_too(written, claims):
    # With the cut-off moved back, c-kidnap is reported only afterwards: the
    # judgment rests on nothing the analyst could have had.
    _edit(written, "cut_off: 2010-02-16", "cut_off: 2002")
    _edit(written, "likelihood: very likely", "likelihood: almost certain")
    flags = check_assessment(load_assessment(written, claims), claims)
    found = {f.check: f.reason for f in flags if f.judgment == "kj-kidnap"}
    assert "after the cut-off" in found
    assert "overreach" in found and "nothing before the cut-off reports it" in found["overreach"]
    # The matrix's rows weigh nothing then: said by row, with the row's line, not left silent.
    matrix = load_assessment(written, claims).hypotheses[0]
    late = [f for f in flags if f.judgment == f"hypotheses.{matrix.id}"]
    assert [f.line for f in late] == [e.line for e in matrix.evidence]
    assert all(f.check == "after the cut-off" and "weighs nothing" in f.reason for f in late)


def test_the_page_flags_an_overreaching_judgment_beside_it(written, claims):
    import re

    from sahel_nb.narrative import situation_report

    _edit(written, "rests_on: [c-kidnap]", "rests_on: [c-share]")
    _edit(written, "likelihood: very likely", "likelihood: almost certain")
    page = situation_report(claims, assessment=written)._repr_html_()
    block = re.search(r'<div class="judgment" id="judgment-kj-kidnap".*?</div>', page, re.S)
    assert block is not None
    flags = re.findall(r'<p class="flag"[^>]*>(.*?)</p>', block.group(0), re.S)
    assert any("overreach" in f and "almost certain" in f for f in flags)
    # The judgment the checks leave alone carries no flag.
    other = re.search(r'<div class="judgment" id="judgment-kj-paid".*?</div>', page, re.S)
    assert 'class="flag"' not in other.group(0)


def test_a_required_key_left_empty_is_an_error_not_a_crash_later(written, claims):
    _edit(written, "    likelihood: likely\n", "    likelihood:\n")
    _edit(written, "cut_off: 2010-02-16", "cut_off:")
    _edit(written, "      H3: No money changed hands.", "      H3:")
    said = "\n".join(str(p) for p in assessment_problems(written, claims))
    line = next(i for i, row in enumerate(written.read_text().splitlines(), 1)
                if row == "    likelihood:")  # fmt: skip
    assert f"{written}:{line}: judgments.kj-paid.likelihood: is empty" in said
    assert f"{written}:{_line_of(written, 'cut_off:')}: cut_off: is empty" in said
    assert "hypotheses.fixture-payment.hypotheses.H3: is empty" in said
    with pytest.raises(DataValidationError):
        load_assessment(written, claims)


def test_a_claim_given_as_context_and_rested_on_through_a_report_is_weighed(written, claims):
    # Resting on one report's row id and citing its claim as context is still
    # resting on the claim: its reports are weighed, not taken for late.
    _edit(written, "rests_on: [c-ransom]", "rests_on: [fl-ransom-col]\n    context: [c-ransom]")
    flags = check_assessment(load_assessment(written, claims), claims)
    assert not [f for f in flags if f.judgment == "kj-paid" and f.check == "after the cut-off"]


def test_dates_out_of_order_and_unknown_kept_sources_are_errors(written, claims):
    _edit(written, 'period: {start: "2003", end: "2006"}', 'period: {start: "2009", end: "2003"}')
    _edit(written, "cut_off: 2010-02-16", "cut_off: 2030-01-01\nkeep_undated: {colx: a reason}")
    said = "\n".join(str(p) for p in assessment_problems(written, claims))
    assert "scope.period.start: is after the period's end (2003) ('2009')" in said
    assert "cut_off: is after the day the assessment was produced (2026-12-06)" in said
    assert "keep_undated.colx: is not a source of the data; did you mean 'col'?" in said


def test_unreadable_bytes_and_hypotheses_as_a_list_are_said_once_with_a_line(written):
    text = written.read_text(encoding="utf-8")
    _edit(written, "      H1: A ransom was paid directly.\n      H2: A ransom was paid through "
          "a go-between.\n      H3: No money changed hands.",
          "      - A ransom was paid directly.\n      - Through a go-between.\n      - None.")  # fmt: skip
    said = [str(p) for p in assessment_problems(written)]
    assert sum("fixture-payment.hypotheses: must map three" in p for p in said) == 1
    assert not [p for p in said if "no such hypothesis" in p or "not rated" in p]
    written.write_bytes(text.replace("Fixture Radio", "Fixture R\xe9dio").encode("latin-1"))
    said = [str(p) for p in assessment_problems(written)]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "Fixture Radio" in row)
    assert said == [f"{written}:{line}: is not UTF-8 text here; save the file as UTF-8"]


def test_an_assessment_is_found_beside_its_data_by_id_or_file_name(tmp_path, claims):
    data = tmp_path / "data"
    shutil.copytree(CLAIMS, data)
    (tmp_path / "analysis").mkdir()
    shutil.copy(FIXTURE, tmp_path / "analysis" / "mine.yaml")
    dataset = load_dataset(data)
    for name in ("mine", "mine.yml", "mine.yaml"):
        assert load_assessment(name, dataset).path == tmp_path / "analysis" / "mine.yaml"
    assert main(["review", "mine.yml", "--data-dir", str(data)]) == 0
    assert (tmp_path / "analysis" / "mine.review.json").is_file()


def test_a_key_written_twice_is_named_by_its_whole_path(written):
    _edit(written, "      H2: A ransom was paid through a go-between.\n",
          "      H2: A ransom was paid through a go-between.\n      H2: Twice.\n")  # fmt: skip
    said = [str(p) for p in assessment_problems(written)]
    line = _line_of(written, "H2: Twice.")
    assert (
        f"{written}:{line}: hypotheses.fixture-payment.hypotheses.H2: key written twice"
        in " ".join(said)
    )


def test_validates_review_hint_is_a_command_that_finds_the_file_and_the_data(
    written, tmp_path, capsys
):
    data = tmp_path / "elsewhere" / "data"
    shutil.copytree(CLAIMS, data)
    assert main(["validate", str(data), "--analysis", str(written.parent)]) == 0
    hints = [line for line in capsys.readouterr().err.splitlines() if "never reviewed" in line]
    assert hints and f"sahel-nb review {written} --data-dir {data} records it" in hints[0]


def test_likelihood_and_confidence_said_in_the_prose_against_the_fields_are_flagged(
    written, claims
):
    def estimative():
        flags = check_assessment(load_assessment(written, claims), claims)
        return [f.reason for f in flags if f.check == "estimative language"]

    assert estimative() == []  # the fixture says each in its field only
    _edit(
        written,
        "The kidnapping took place in 2003.",
        "We assess with high confidence that the kidnapping almost certainly took place in 2003.",
    )
    said = estimative()
    assert any("'almost certain' where its likelihood is 'very likely'" in r for r in said)
    assert any("states a confidence ('with high confidence')" in r for r in said)
    # Ordinary prose is not estimative language: negations, comparisons, adjectives.
    _edit(
        written,
        "We assess with high confidence that the kidnapping almost certainly took place in 2003.",
        "It is not likely that they were unlikely allies; the most likely payer paid. "
        "Public confidence is low.",
    )
    assert estimative() == []
    _edit(
        written,
        "It is not likely that they were unlikely allies; the most likely payer paid. "
        "Public confidence is low.",
        "We assess with high confidence that the kidnapping almost certainly took place in 2003.",
    )
    # Reasons that speak of another confidence than the field's are flagged too; a synonym
    # of the field's own term ("highly probable" for very likely) is not.
    _edit(
        written,
        "We assess with high confidence that the kidnapping almost certainly took place in 2003.",
        "The kidnapping highly probably took place in 2003.",
    )
    _edit(written, "because: Several reports tell it.", "because: Confidence is high, on reports.")
    assert estimative() == ["its reasons speak of high confidence where its confidence is moderate"]


def test_a_new_sources_claims_no_judgment_cites_are_named_for_the_analyst(written, tmp_path):
    from sahel_nb.assessment import new_evidence
    from sahel_nb.narrative import situation_report

    data = tmp_path / "data"
    shutil.copytree(CLAIMS, data)
    dataset = load_dataset(data)
    assessment = load_assessment(written, dataset)
    write_review(assessment, dataset)
    assert new_evidence(assessment, dataset) == []
    # A new source telling a claim no judgment cites (a second kidnapping), and adding a
    # report under a cited one: the first is new evidence, the second a judgment to review.
    with open(data / "sources.csv", "a", encoding="utf-8") as out:
        out.write("wire,Fixture wire story,,Fixture Wire,2004-01-05,,wire story,,B,Made up.\n")
    with open(data / "events.csv", "a", encoding="utf-8") as out:
        out.write(
            "ev-second-wire,c-second,2004,Violence against civilians,"
            "Abduction/forced disappearance,gspc,hostages,,,,,,,,,2,A second kidnapping.,"
            "reported,3,wire,¶2,\n"
            "ev-kidnap-wire,c-kidnap,2003,Violence against civilians,"
            "Abduction/forced disappearance,gspc,hostages,,,,,,,,,32,The kidnapping again.,"
            "reported,3,wire,¶1,\n"
        )
    dataset = load_dataset(data)
    (said,) = new_evidence(assessment, dataset)
    assert "tells 1 claim no judgment or matrix cites: c-second" in said
    assert "c-kidnap" not in said  # cited: its judgment is to review instead
    assert any("report added: ev-kidnap-wire" in c for i in to_review(assessment, dataset)
               for c in i["changes"])  # fmt: skip
    report = situation_report(dataset, assessment=assessment)
    assert any(line.startswith("New since the last review: ") for line in report.front)
