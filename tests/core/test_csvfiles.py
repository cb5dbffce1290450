import pytest

from openveiligheid.core import progress
from openveiligheid.core.csvfiles import header_and_pieces, parse_number, read_csv_text
from openveiligheid.core.errors import InputError


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("12.5", False, 12.5),
        ("12,5", True, 12.5),
        ("1.234,5", True, 1234.5),
        ("1.234", True, 1234.0),
        ("-3", False, -3.0),
        (" 7 ", True, 7.0),
    ],
)
def test_parse_number(text, comma, expected):
    assert parse_number(text, decimal_comma=comma) == expected


@pytest.mark.parametrize("text", ["twaalf", "12,5", "1e3", "12.5.6"])
def test_parse_number_rejects_text_with_dutch_message(text):
    with pytest.raises(ValueError, match="geen getal"):
        parse_number(text, decimal_comma=False)


def test_delimiter_is_read_from_the_header(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffmeasure;area;period;value\nx;GM0014;2022;1,5\n".encode())
    text = read_csv_text(path)
    assert text.delimiter == ";"
    assert text.decimal_comma
    assert text.text.startswith("measure")  # byte-order mark removed


def test_windows_1252_from_excel_is_read(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(
        "measure;area;period;value;source\nx;GM0014;2022;1;Politie Fryslân\n".encode("cp1252")
    )
    assert "Fryslân" in read_csv_text(path).text


def test_empty_file_names_file_and_line(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_text("")
    with pytest.raises(InputError, match="leeg.csv, regel 1: het bestand is leeg"):
        read_csv_text(path)


def test_header_and_pieces_give_the_text_after_the_header_in_whole_lines():
    """The pieces of a columnar reader: whole lines, together the file after its header, and
    the progress counts every line of the file (comments and header included)."""
    body = "".join(f"m,BU0014{n:04d},2023-01,{n}\n" for n in range(200))
    text = "# nullen-weggelaten\nmeasure,area,period,value\n" + body
    csv_text = read_csv_text("a.csv", text.encode(), comments=True)
    readings = []
    with progress.listening(readings.append):
        header, pieces = header_and_pieces(csv_text, size=500)
        pieces = list(pieces)
    assert header == "measure,area,period,value"
    assert "".join(pieces) == body and len(pieces) > 5
    assert all(piece.endswith("\n") and len(piece) <= 500 for piece in pieces)
    assert len(readings) == len(pieces)
    assert readings[-1].lines == 202 and readings[-1].done


def test_a_file_of_only_a_header_has_no_pieces():
    header, pieces = header_and_pieces(read_csv_text("a.csv", b"measure,area,period,value"))
    assert header == "measure,area,period,value" and list(pieces) == []
