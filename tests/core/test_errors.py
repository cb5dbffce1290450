"""Problems of a file are capped: the first ``MAX_PROBLEMS_KEPT`` are kept in line order, the
rest counted ("en nog 49.000 problemen"), so that a file of a million bad lines does not make a
million problem objects."""

from __future__ import annotations

import pickle

import pytest

from openveiligheid.core.csvfiles import read_csv_text
from openveiligheid.core.errors import (
    MAX_PROBLEMS_KEPT,
    InputError,
    InputProblem,
    MoreProblems,
    ProblemCollector,
)
from openveiligheid.imports.parsers import cijfers
from tests.conftest import write

BAD_LINES = 50_000


def test_a_collector_keeps_the_first_problems_and_counts_the_rest():
    collector = ProblemCollector("slecht.csv")
    for line in range(2, BAD_LINES + 2):
        collector.add("'x' is geen getal", line=line, field="value")
    assert len(collector.kept) == MAX_PROBLEMS_KEPT == 1000
    assert collector.count == BAD_LINES
    *kept, more = collector.problems
    assert [p.line for p in kept] == list(range(2, 1002))
    assert isinstance(more, MoreProblems) and more.more == 49_000
    assert more.message == "en nog 49.000 problemen" and more.line is None
    assert more.as_dict()["more"] == 49_000


def test_the_error_says_how_many_problems_there_are_in_all():
    collector = ProblemCollector("slecht.csv")
    for line in range(2, BAD_LINES + 2):
        collector.add("'x' is geen getal", line=line, field="value")
    with pytest.raises(InputError) as error:
        collector.raise_if_any()
    assert error.value.count == BAD_LINES and len(error.value.problems) == 1001
    summary = error.value.summary().splitlines()
    assert summary[0] == "slecht.csv, regel 2, veld 'value': 'x' is geen getal"
    assert len(summary) == 21 and summary[-1] == "… en nog 49.980 andere fouten."


def test_a_long_list_given_to_the_error_is_capped_and_counted_markers_are_merged():
    problems = [InputProblem("a.csv", "fout", line) for line in range(1, 1501)]
    problems.insert(3, MoreProblems.of("a.csv", 100))  # counted elsewhere, e.g. by a reader
    error = InputError(problems)
    assert len(error.problems) == 1001 and error.count == 1600
    assert error.problems[-1].message == "en nog 600 problemen"
    assert [p.line for p in error.problems[:1000]] == list(range(1, 1001))


def test_a_small_list_stays_as_it_was():
    problems = [InputProblem("a.csv", "fout", 2), InputProblem("a.csv", "ook fout", 3)]
    error = InputError(problems)
    assert error.problems == problems and error.count == 2
    assert "andere fouten" not in error.summary()


def test_a_file_of_50000_bad_lines_makes_a_thousand_problems(tmp_path):
    text = "measure,area,period,value\n" + "halt,GM0014,2022,veel\n" * BAD_LINES
    csv_text = read_csv_text(write(tmp_path, "slecht.csv", text))
    with pytest.raises(InputError) as error:
        cijfers.parse(csv_text)
    problems = error.value.problems
    assert len(problems) == 1001 and error.value.count == BAD_LINES
    assert problems[0] == InputProblem("slecht.csv", "'veel' is geen getal", 2, "value")
    assert problems[999].line == 1001
    assert problems[-1].message == "en nog 49.000 problemen"


def test_an_error_survives_pickling_with_its_count():
    error = InputError([InputProblem("a.csv", "fout", line) for line in range(1, 1201)])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and copy.count == 1200
