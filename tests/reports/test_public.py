"""The public page of an adopted jaarverslag: off until the plan is switched to public, only
the indicators marked openbaar, small counts of gevoelig measures as "< 5", and no total from
which a suppressed count can be computed back (checked by enumerating every table a reader
could think of)."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from django.test import Client
from django.urls import reverse

from openveiligheid.core.suppression import PRIMARY_TEXT, SECONDARY_TEXT
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.indicators.models import Indicator
from openveiligheid.policy.models import Goal
from openveiligheid.reports.adoption import adopt
from openveiligheid.reports.public import (
    COUNT,
    RATE,
    Relation,
    Sensitive,
    aliases,
    nested_families,
    public_blocks,
    relations,
    suppress_slice,
)
from tests.reports.conftest import row_of

YEAR = 2023


def count(*measures: str) -> Sensitive:
    return Sensitive(COUNT, measures)


# -- the rules, without a database ---------------------------------------------------------------


def test_small_counts_of_a_gevoelig_measure_are_shown_as_less_than_five() -> None:
    sensitive = {"a": count("m:a"), "b": count("m:b"), "c": count("m:c"), "d": count("m:d")}
    values = {"a": 3.0, "b": 0.0, "c": 7.0, "d": None, "open": 2.0}
    assert suppress_slice(values, sensitive) == {"a": PRIMARY_TEXT}  # 0, 7, nb and open shown


def test_a_rate_of_a_gevoelig_measure_is_not_shown_but_zero() -> None:
    sensitive = {"r": Sensitive(RATE, ("m:a",)), "z": Sensitive(RATE, ("m:b",))}
    assert suppress_slice({"r": 12.5, "z": 0.0}, sensitive) == {"r": SECONDARY_TEXT}


def test_totals_are_found_by_measures_and_their_parents() -> None:
    counts = {
        "totaal": ("m:a", "m:b"),
        "a": ("m:a",),
        "b": ("m:b",),
        "fiets": ("incidenten:A72",),
        "opgehelderd": ("incidenten:A72:opgehelderd",),
        "ook-fiets": ("incidenten:A72",),
    }
    found = set(relations(counts))
    assert Relation("totaal", ("a", "b"), exact=True) in found
    assert Relation("fiets", ("opgehelderd",), exact=False) in found
    assert Relation("ook-fiets", ("opgehelderd",), exact=False) in found
    assert not any(r.total in {"a", "b", "opgehelderd"} for r in found)


def test_a_part_of_a_total_cannot_be_computed_back() -> None:
    sensitive = {"totaal": count("m:a", "m:b"), "a": count("m:a"), "b": count("m:b")}
    hidden = suppress_slice({"totaal": 12, "a": 3, "b": 9}, sensitive)
    assert hidden == {"a": PRIMARY_TEXT, "b": SECONDARY_TEXT}  # 12 - 9 would give 3


def test_a_small_remainder_is_not_given_away_either() -> None:
    sensitive = {"fiets": count("i:A72"), "opgehelderd": count("i:A72:opgehelderd")}
    # 12 - 9 = 3 not solved: the solved ones are hidden, the total stays
    assert suppress_slice({"fiets": 12, "opgehelderd": 9}, sensitive) == {
        "opgehelderd": SECONDARY_TEXT
    }
    # 3 solved of 20: the remainder (17) is shown nowhere, so 20 cannot give the 3 back
    assert suppress_slice({"fiets": 20, "opgehelderd": 3}, sensitive) == {
        "opgehelderd": PRIMARY_TEXT
    }


def test_totals_within_totals_are_hidden_together() -> None:
    sensitive = {
        "alles": count("m:a", "m:b", "m:c"),
        "ab": count("m:a", "m:b"),
        "c": count("m:c"),
        "a": count("m:a"),
        "b": count("m:b"),
    }
    values = {"alles": 32, "ab": 30, "c": 2, "a": 10, "b": 20}
    # ab = a + b and c = alles - ab: totals within totals, so all of it goes
    assert suppress_slice(values, sensitive) == dict.fromkeys(values, SECONDARY_TEXT)
    values = {"alles": 32, "ab": 30, "c": 5, "a": 10, "b": 20}
    values["alles"] = 35
    assert suppress_slice(values, sensitive) == {}  # nothing small: everything shown


def _laminar(rng: random.Random, cells: list[str]) -> list[tuple[str, ...]]:
    """Random nested-or-disjoint groups of cells (the totals a plan can have), with repeats."""
    groups: list[tuple[str, ...]] = [tuple(cells)]
    stack = [tuple(cells)]
    while stack:
        group = stack.pop()
        if len(group) < 2:
            continue
        cut = rng.randint(1, len(group) - 1)
        for part in (group[:cut], group[cut:]):
            if rng.random() < 0.8:
                groups.append(part)
            stack.append(part)
    if rng.random() < 0.3:
        groups.append(rng.choice(groups))  # the same measures under a second name
    return groups


def _consistent(groups, shown: dict[int, str], value_range: range, loose: set[int] = frozenset()):
    """Every assignment of values to the base cells that fits what the page shows."""
    size = max(max(int(c[1:]) for c in g) for g in groups) + 1
    for values in itertools.product(value_range, repeat=size):
        fits = True
        for index, group in enumerate(groups):
            total = sum(values[int(c[1:])] for c in group)
            text = shown[index]
            if text == PRIMARY_TEXT:
                fits = 1 <= total <= 4
            elif text == SECONDARY_TEXT and index in loose:  # nested: anything
                fits = True
            elif text == SECONDARY_TEXT:  # at least 5, or a 0 under a total of 1 to 4
                fits = total == 0 or total >= 5
            else:
                fits = total == int(text)
            if not fits:
                break
        if fits:
            yield values


@pytest.mark.parametrize("seed", range(40))
def test_no_small_count_can_be_computed_back_from_what_is_shown(seed: int) -> None:
    """Random totals and parts over four base counts (some 1-4): for every count of 1 to 4 -
    an indicator's or a base count no indicator shows - the page leaves more than one value
    possible."""
    rng = random.Random(seed)
    cells = [f"c{n}" for n in range(4)]
    base = [rng.choice([0, 1, 2, 3, 4, 5, 6, 9]) for _ in cells]
    groups = _laminar(rng, cells)
    sensitive = {f"i{n}": count(*group) for n, group in enumerate(groups)}
    values = {f"i{n}": sum(base[int(c[1:])] for c in group) for n, group in enumerate(groups)}
    hidden = suppress_slice(values, sensitive)
    shown = {n: hidden.get(f"i{n}", str(values[f"i{n}"])) for n in range(len(groups))}
    links = relations({key: each.measures for key, each in sensitive.items()})
    nested = set().union(*nested_families(links))
    for group in aliases({key: each.measures for key, each in sensitive.items()}):
        if group & nested:
            nested |= group
    loose = {n for n in range(len(groups)) if f"i{n}" in nested}
    possible = list(_consistent(groups, shown, range(0, 13), loose))
    assert tuple(base) in possible
    for n, group in enumerate(groups):
        total = values[f"i{n}"]
        if 1 <= total <= 4:
            options = {sum(v[int(c[1:])] for c in group) for v in possible}
            assert len(options) > 1, (groups, base, shown, group)
    # a base count that is small and not an indicator of its own: a remainder
    own = {group for group in groups if len(group) == 1}
    for index, value in enumerate(base):
        if 1 <= value <= 4 and (f"c{index}",) not in own:
            assert len({v[index] for v in possible}) > 1, (groups, base, shown, index)


# -- the pages ------------------------------------------------------------------------------------

needs_db = pytest.mark.django_db
LIST = reverse("openbaar:plan", kwargs={"gemeente": "GM0014"})
PAGE = reverse("openbaar:jaarverslag", kwargs={"gemeente": "GM0014", "year": YEAR})


def set_figure(measure: str, value: float) -> None:
    """The 2023 figure of ``measure`` for Groningen (made like the demo's own 2023 figure)."""
    model = Figure.objects.get(measure__name="misdrijven:0.0.0", area__code="GM0014", period="2023")
    Figure.objects.update_or_create(
        measure=Measure.objects.get(name=measure),
        area=model.area,
        period="2023",
        defaults={"year": 2023, "value": value, "import_run": model.import_run},
    )


def make_public(plan, *keys: str) -> None:
    assert Indicator.objects.filter(plan=plan, key__in=keys).update(public=True) == len(keys)
    plan.public = True
    plan.save()


@needs_db
def test_off_by_default(client: Client, plan, adviseur) -> None:
    adopt(plan, YEAR, adviseur)
    assert not plan.public
    for url in [LIST, PAGE]:
        response = client.get(url)
        assert response.status_code == 404
        assert plan.name not in response.content.decode()


@needs_db
def test_only_adopted_years_of_public_plans_of_a_known_gemeente(
    client: Client, plan, adviseur
) -> None:
    plan.public = True
    plan.save()
    list_page = client.get(LIST)
    assert list_page.status_code == 200
    assert "nog geen jaarverslag" in list_page.content.decode()
    assert client.get(PAGE).status_code == 404  # not adopted
    adopt(plan, YEAR, adviseur)
    list_page = client.get(LIST).content.decode()
    assert f'href="{PAGE}"' in list_page and plan.name in list_page
    assert client.get(PAGE).status_code == 200
    for gemeente, year in [("GM0758", YEAR), ("GM9999", YEAR), ("GM0014", 2022), ("x", YEAR)]:
        url = reverse("openbaar:jaarverslag", kwargs={"gemeente": gemeente, "year": year})
        response = client.get(url)
        assert response.status_code == 404, url
        assert plan.name not in response.content.decode()
    assert client.get(reverse("openbaar:plan", kwargs={"gemeente": "GM0758"})).status_code == 404


@needs_db
def test_the_frozen_section_with_only_the_public_indicators(client: Client, plan, adviseur) -> None:
    adopt(plan, YEAR, adviseur)
    set_figure("misdrijven:0.0.0", 15_990)  # corrected after vaststellen
    make_public(plan, "misdrijven-totaal")
    page = client.get(PAGE).content.decode()
    assert f"Jaarverslag {YEAR}: {plan.name}" in page
    assert row_of(page, "Geregistreerde misdrijven (totaal)")[5] == "14.990"  # frozen
    assert "Fietsdiefstal (geregistreerde diefstallen)" not in page  # not openbaar
    assert "De indicatoren van dit doel zijn niet openbaar." in page
    assert "Doel 1.4:" in page and "Financieel overzicht" in page  # the whole section
    assert adviseur.username not in page  # who froze it is not published


@needs_db
def test_small_counts_of_a_gevoelig_measure_on_the_page(client: Client, plan, adviseur) -> None:
    measure = Measure.objects.get(name="register:woonoverlast:open_einde_jaar")
    assert measure.sensitive
    set_figure(measure.name, 3)
    adopt(plan, YEAR, adviseur)
    make_public(plan, "woonoverlast-open-einde-jaar", "misdrijven-totaal")
    page = client.get(PAGE).content.decode()
    name = Indicator.objects.get(plan=plan, key="woonoverlast-open-einde-jaar").name
    row = row_of(page, name)
    assert row[5] == PRIMARY_TEXT
    assert row[-1] in {SECONDARY_TEXT, ""}  # the verdict would narrow the 3 down
    assert "Aantallen van 1 tot 4 zijn weergegeven als &lt; 5." in page
    assert row_of(page, "Geregistreerde misdrijven (totaal)")[5] == "14.990"  # not gevoelig


@needs_db
def test_a_total_and_its_part_do_not_give_a_small_remainder_away(
    client: Client, plan, adviseur
) -> None:
    marked = Measure.objects.filter(name__startswith="incidenten:A72").update(sensitive=True)
    assert marked == 2  # police incidents: person-related (changeable in the admin)
    set_figure("incidenten:A72", 12)
    set_figure("incidenten:A72:opgehelderd", 9)  # so 3 not solved: shown nowhere
    adopt(plan, YEAR, adviseur)
    make_public(plan, "fietsdiefstal-aangiften", "fietsdiefstal-opgehelderd")
    page = client.get(PAGE).content.decode()
    total = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften").name
    part = Indicator.objects.get(plan=plan, key="fietsdiefstal-opgehelderd").name
    assert row_of(page, total)[5] == "12"
    assert row_of(page, part)[5] == SECONDARY_TEXT


@needs_db
def test_the_public_page_leads_nowhere_but_the_log_in(client: Client, plan, adviseur) -> None:
    Goal.objects.filter(theme__plan=plan, key="minder-misdrijven").update(
        name='<script>alert("x")</script> Minder misdrijven'
    )
    adopt(plan, YEAR, adviseur)
    make_public(plan, "misdrijven-totaal")
    for url in [LIST, PAGE]:
        page = client.get(url).content.decode()
        links = set(re.findall(r'href="([^"]*)"', page))
        for link in links:
            assert link.startswith(("/static/", "/openbaar/GM0014/", "#")) or link == reverse(
                "login"
            ), link
        assert reverse("login") in links
        assert "<form" not in page  # nothing to post, no gemeente chooser
    page = client.get(PAGE).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Minder misdrijven" in page
    assert "<script>alert" not in page


def test_public_blocks_of_an_object_without_kengetallen_leave_gevoelig_rows_out() -> None:
    content = {
        "gemeente": "GM0001",
        "jaar": 2022,
        "plan": "Plan",
        "doelen": [
            {
                "doel": "1",
                "id": "een",
                "naam": "Een",
                "activiteiten": [],
                "financien": None,
                "kredieten": [],
                "indicatoren": [
                    {
                        "indicator": key,
                        "name": key.upper(),
                        "value": 3.0,
                        "previous": 4.0,
                        "change_pct": -25.0,
                        "target": None,
                        "verdict": "",
                        "comparison_area": None,
                        "comparison_value": None,
                        "decimals": 0,
                        "notes": [],
                    }
                    for key in ("gevoelig", "open", "geheim")
                ],
            }
        ],
    }
    blocks = public_blocks(content, {"gevoelig", "open"}, {"gevoelig": count("m")})
    text = repr(blocks)
    assert "OPEN" in text and "GEVOELIG" not in text and "GEHEIM" not in text
