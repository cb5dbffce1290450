import pytest

from openveiligheid.indicators.targets import Target, TargetError, parse_target


@pytest.mark.parametrize(
    ("text", "operator", "threshold"),
    [
        ("< 80", "<", 80.0),
        ("<=2,5", "<=", 2.5),
        ("> 0.4", ">", 0.4),
        (">= 15", ">=", 15.0),
        ("≤ 1", "<=", 1.0),
    ],
)
def test_parse_target(text, operator, threshold):
    assert parse_target(text) == Target(operator, threshold)


@pytest.mark.parametrize("text", ["80", "ongeveer 80", "< tachtig", "=< 5", "== 3", ""])
def test_unreadable_targets_are_refused_in_dutch(text):
    with pytest.raises(TargetError, match="onleesbaar"):
        parse_target(text)


@pytest.mark.parametrize(
    ("target", "value", "met"),
    [
        ("< 80", 79.99, True),
        ("< 80", 80, False),
        ("<= 80", 80, True),
        ("<= 80", 80.01, False),
        ("> 40", 40.01, True),
        ("> 40", 40, False),
        (">= 40", 40, True),
        (">= 40", 39.99, False),
    ],
    ids=lambda x: str(x),
)
def test_every_operator_at_its_boundary(target, value, met):
    assert parse_target(target).met_by(value) is met


def test_target_text_is_dutch():
    assert str(Target("<", 1.8)) == "< 1.8"
    assert str(Target(">=", 1_000_000)) == ">= 1000000"
