"""The number filters of the templates: the one Dutch formatter, also for missing values."""

from __future__ import annotations

from django.template import Context, Template


def rendered(text: str, **context) -> str:
    return Template("{% load ui %}" + text).render(Context(context))


def test_getal_writes_dutch_numbers_with_the_given_decimals() -> None:
    assert rendered("{{ v|getal:1 }}", v=1234.56) == "1.234,6"
    assert rendered("{{ v|getal:0 }}", v=15500) == "15.500"
    assert rendered("{{ v|getal:d }}", v=0.125, d=2) == "0,12"
    assert rendered("{{ v|getal:1 }}", v=None) == "–"


def test_verandering_has_a_sign_and_a_percent() -> None:
    assert rendered("{{ v|verandering }}", v=12.345) == "+12,3%"
    assert rendered("{{ v|verandering }}", v=-3.0) == "-3,0%"
    assert rendered("{{ v|verandering }}", v=None) == "–"
