"""Plan files: the issue's example loads; every kind of mistake is named with its YAML line."""

from pathlib import Path

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.core.periods import plan_years
from openveiligheid.policy.planfile import read_plan, unknown_measures

EXAMPLE = """\
gemeente: GM0014
naam: Integraal Veiligheidsbeleid 2023-2026
themas:
  - id: veilige-woonomgeving
    naam: Veilige woonomgeving
    doelen:
      - id: minder-inbraken
        naam: Minder woninginbraken
        indicatoren: [woninginbraak-per-1000]
indicatoren:
  - id: woninginbraak-per-1000
    naam: Woninginbraken per 1.000 inwoners
    som: [misdrijven:1.1.1]          # sum of measures
    per_1000: inwoners               # optional denominator measure
    beter: lager                     # lager | hoger
    decimalen: 1
    vergelijk: NL01                  # optional comparison area
    doelen: {2022: "< 2", 2023: "< 1.8"}
  - id: hic
    naam: High Impact Crimes
    waarde: extern:hic               # reported as-is, not computed
    beter: lager
    doelen: {2022: "< 80"}
"""


def test_the_example_of_the_issue_loads():
    spec = read_plan(Path("plan.yaml"), EXAMPLE)
    assert spec.gemeente == "GM0014"
    inbraak = spec.indicators["woninginbraak-per-1000"]
    assert inbraak.measures == ("misdrijven:1.1.1",)
    assert inbraak.per_1000 == "inwoners"
    assert inbraak.comparison_area == "NL01"
    assert str(inbraak.targets[2023]) == "< 1.8"
    assert spec.indicators["hic"].reported == "extern:hic"
    assert spec.themes[0].goals[0].indicators == ["woninginbraak-per-1000"]


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_plan(Path("plan.yaml"), text)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '"< 80"',
            '"ongeveer 80"',
            "plan.yaml, regel 23, veld 'doelen': doel 'ongeveer 80' is onleesbaar",
        ),
        (
            "id: hic",
            "id: woninginbraak-per-1000",
            "plan.yaml, regel 19, veld 'id': indicator-id 'woninginbraak-per-1000' komt dubbel voor (ook op regel 11)",
        ),
        (
            "[misdrijven:1.1.1]",
            "[Misdrijven 1.1.1]",
            "plan.yaml, regel 13, veld 'som': 'Misdrijven 1.1.1' is geen geldige maatnaam",
        ),
        (
            "beter: lager                     # lager",
            "beter: minder                    # lager",
            "plan.yaml, regel 15, veld 'beter': 'beter' moet lager of hoger zijn",
        ),
        (
            "indicatoren: [woninginbraak-per-1000]",
            "indicatoren: [inbraak]",
            "plan.yaml, regel 9, veld 'indicatoren': onbekende indicator 'inbraak'",
        ),
        (
            "vergelijk: NL01",
            "vergelijk: Nederland",
            "plan.yaml, regel 17, veld 'vergelijk': 'NEDERLAND' is geen CBS-gebiedscode",
        ),
        (
            "    decimalen: 1",
            "    decimaal: 1",
            "plan.yaml, regel 16, veld 'decimaal': onbekende sleutel 'decimaal' in indicator",
        ),
        (
            '{2022: "< 2"',
            '{twintig: "< 2"',
            "plan.yaml, regel 18, veld 'doelen': 'twintig' is geen jaartal",
        ),
        (
            "    waarde: extern:hic",
            "    som: [extern:hic]\n    waarde: extern:hic",
            "plan.yaml, regel 19: indicator 'hic' heeft precies één van 'som' of 'waarde' nodig",
        ),
    ],
    ids=[
        "bad-target",
        "duplicate-id",
        "bad-measure",
        "bad-direction",
        "unknown-indicator",
        "bad-area",
        "unknown-key",
        "bad-year",
        "som-and-waarde",
    ],
)
def test_errors_name_the_yaml_line(old, new, expected):
    assert old in EXAMPLE
    found = problems(EXAMPLE.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_broken_yaml_names_the_line():
    (problem,) = problems(EXAMPLE.replace('doelen: {2022: "< 80"}', 'doelen: {2022: "< 80"'))
    assert problem.startswith("plan.yaml, regel 2") and "geen geldige YAML" in problem


def test_duplicate_yaml_keys_are_reported():
    found = problems(
        EXAMPLE.replace("naam: High Impact Crimes", "naam: High Impact Crimes\n    naam: HIC")
    )
    assert any("sleutel 'naam' staat dubbel" in p for p in found)


def test_unknown_measures_are_named_with_the_indicator_line():
    spec = read_plan(Path("plan.yaml"), EXAMPLE)
    found = [str(p) for p in unknown_measures(spec, {"inwoners"}, "plan.yaml")]
    assert found == [
        "plan.yaml, regel 11: onbekende maat 'misdrijven:1.1.1' in indicator 'woninginbraak-per-1000'"
    ]


@pytest.mark.parametrize(
    ("periode", "years"), [("2019-2023", range(2019, 2024)), ("2022", range(2022, 2023))]
)
def test_plan_period_names_its_years(periode, years):
    text = EXAMPLE.replace("themas:", f"periode: {periode}\nthemas:", 1)
    spec = read_plan(Path("plan.yaml"), text)
    assert spec.period == periode
    assert plan_years(spec.period) == years


@pytest.mark.parametrize("periode", ["vier jaar", "2023-2019", "2019-23"])
def test_an_unreadable_plan_period_is_refused_with_its_line(periode):
    found = problems(EXAMPLE.replace("themas:", f"periode: {periode}\nthemas:", 1))
    assert (
        "plan.yaml, regel 3, veld 'periode': periode moet een jaar of een reeks jaren zijn, "
        "bijvoorbeeld 2019-2023" in found
    ), found
