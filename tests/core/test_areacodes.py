import pytest

from openveiligheid.core.areacodes import (
    AreaCodeError,
    gemeente_of,
    level_of,
    normalize_code,
    parent_code,
)


@pytest.mark.parametrize("raw", ["NL00", "NL01", "  NL00      ", "nl01"])
def test_both_cbs_spellings_of_the_netherlands_become_nl01(raw):
    assert normalize_code(raw) == "NL01"


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("BU00140102", "buurt", "WK001401"),
        ("WK001401", "wijk", "GM0014"),
        ("GM0014", "gemeente", "NL01"),
        ("NL01", "land", None),
        ("BU0363AB01", "buurt", "WK0363AB"),  # Amsterdam's letter codes (2022 division on)
    ],
)
def test_level_and_parent_are_read_from_the_code(code, level, parent):
    assert level_of(code) == level
    assert parent_code(code) == parent


@pytest.mark.parametrize("code", ["GM14", "BU0014", "XX001400", "WK00140", "BU00140000X"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(AreaCodeError, match="geen CBS-gebiedscode"):
        level_of(code)


def test_gemeente_of():
    assert gemeente_of("BU00140102") == "GM0014"
    assert gemeente_of("NL01") is None
