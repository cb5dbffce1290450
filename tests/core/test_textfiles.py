"""Reading input files as text: encodings, binary data, line ends, the size limit."""

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.core.textfiles import decode_text, read_input

TEXT = "measure,area\r\nhalt,GM0014 – café\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with BOM
        "\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
        TEXT.replace("\r\n", "\r").replace("\n", "\r").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "windows-1252", "CR only"],
)
def test_readable_encodings_and_line_ends_give_the_same_text(data):
    assert decode_text(data, "f.csv") == "measure,area\nhalt,GM0014 – café\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TEXT.encode("utf-16-le"), "f.csv: het bestand lijkt UTF-16 zonder byte-order mark"),
        (TEXT.encode("utf-32"), "f.csv: UTF-32 wordt niet ondersteund"),
        (b"a,b\nc\x81d\n", "f.csv, regel 2: het bestand is geen leesbare tekst in UTF-8 of "),
        (b"a,b\nc,\x1b[2J\n", "f.csv, regel 2: het bestand bevat binaire gegevens of stuurtekens"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "f.csv: het bestand bevat binaire gegevens"),
    ],
)
def test_unreadable_text_is_refused_with_file_and_line(data, message):
    with pytest.raises(InputError) as exc:
        decode_text(data, "f.csv")
    assert str(exc.value).startswith(message)


def test_the_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_bytes(b"x" * 2048)
    assert read_input(path, 4096) == b"x" * 2048
    with pytest.raises(InputError, match=r"groot.csv: het bestand is 2\.048 bytes, groter dan"):
        read_input(path, 1000)
    with pytest.raises(InputError, match="OV_MAX_BESTAND_MB"):
        read_input(path, 1000, data=b"y" * 1001)  # an upload


def test_a_folder_is_refused_and_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(InputError, match="dit is een map, geen bestand"):
        read_input(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_input(tmp_path / "weg.csv")
