from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, months_of
from openveiligheid.figures.aggregation import Observation, children_from_codes, derive


def obs(value, status="definitief"):
    return Observation(float(value), status)


def test_buurten_sum_to_wijk_and_gemeente_but_never_to_the_netherlands():
    observed = {
        ("misdrijven:0.0.0", "BU00140000", Period(2023)): obs(1428),
        ("misdrijven:0.0.0", "BU00140001", Period(2023)): obs(2390),
        ("misdrijven:0.0.0", "BU00140100", Period(2023)): obs(10),
    }
    derived = derive(observed, children_from_codes(a for _, a, _ in observed))
    assert derived[("misdrijven:0.0.0", "WK001400", Period(2023))].value == 3818
    assert derived[("misdrijven:0.0.0", "WK001401", Period(2023))].value == 10
    assert derived[("misdrijven:0.0.0", "GM0014", Period(2023))].value == 3828
    assert all(obs.derived for obs in derived.values())
    assert not any(area == "NL01" for _, area, _ in derived)


def test_a_published_parent_figure_is_never_overwritten():
    observed = {
        ("x", "BU00140000", Period(2023)): obs(5),
        ("x", "WK001400", Period(2023)): obs(7),  # e.g. CBS suppressed a buurt
    }
    derived = derive(observed, children_from_codes(a for _, a, _ in observed))
    assert ("x", "WK001400", Period(2023)) not in derived
    assert derived[("x", "GM0014", Period(2023))].value == 7


def test_incomplete_children_give_no_sum():
    observed = {("x", "BU00140000", Period(2023)): obs(5)}
    children = {"WK001400": ["BU00140000", "BU00140001"]}
    assert derive(observed, lambda parent: children.get(parent, [])) == {}


def test_twelve_months_make_a_year_eleven_do_not():
    full = {("x", "GM0014", month): obs(1) for month in months_of(2022)}
    partial = {("x", "GM0014", month): obs(1) for month in months_of(2023)[:11]}
    derived = derive({**full, **partial}, lambda parent: [])
    assert derived[("x", "GM0014", Period(2022))].value == 12
    assert ("x", "GM0014", Period(2023)) not in derived


def test_provisional_parts_make_a_provisional_sum():
    observed = {
        ("x", "GM0014", m): obs(1, "voorlopig" if m.month == 12 else "definitief")
        for m in months_of(2022)
    }
    assert derive(observed, lambda parent: [])[("x", "GM0014", Period(2022))].status == "voorlopig"


def test_rates_are_not_summed():
    assert not is_additive("diefstallen_per_1000:CRI1122")
    assert not is_additive("extern:hic")
    assert is_additive("misdrijven:1.1.1")
    observed = {("diefstallen_per_1000:CRI1122", "BU00140000", Period(2021)): obs(7.8)}
    assert derive(observed, children_from_codes(["BU00140000"])) == {}
