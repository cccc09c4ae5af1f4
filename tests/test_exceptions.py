from sahel_nb import DataValidationError, Problem, SahelNbError


def test_problem_reads_like_an_editor_location():
    problem = Problem("data/flows.csv", 7, "amount", "must not be negative", "-5")
    assert str(problem) == "data/flows.csv:7: amount: must not be negative ('-5')"


def test_problem_without_line_column_or_value():
    assert str(Problem("data/flows.csv", None, None, "file is missing")) == (
        "data/flows.csv: file is missing"
    )


def test_long_values_are_shortened():
    text = str(Problem("f.csv", 2, "note", "bad", "x" * 500))
    assert len(text) < 120 and text.endswith("…')")


def test_validation_error_lists_every_problem_one_per_line():
    problems = [Problem("a.csv", 2, "x", "bad"), Problem("b.csv", 3, "y", "worse")]
    error = DataValidationError(problems, "data")
    assert isinstance(error, SahelNbError)
    lines = str(error).splitlines()
    assert lines[0].startswith("2 problems in the data in data")
    assert lines[1:] == ["  a.csv:2: x: bad", "  b.csv:3: y: worse"]
