"""The reading pages of the plan on the real demo plan: the plan with its themes and goals, the
working year, the plan file download, one goal with its targets, activities, texts, proposal
and history, and the plan's change history."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openveiligheid.policy.history import record_change
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planload import plan_document
from openveiligheid.policy.yearwork import (
    StatusInput,
    default_year,
    save_activity,
    save_goal_year,
    set_status,
)
from tests.planning.conftest import ACTIVITY, GOAL, YEAR


@pytest.fixture
def reader(client: Client, lezer) -> Client:
    client.force_login(lezer)
    return client


def _page(client: Client, name: str, query: str = "", **kwargs) -> str:
    response = client.get(reverse(name, kwargs=kwargs) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_plan_page_shows_themes_goals_and_links(reader: Client, plan) -> None:
    content = _page(reader, "planning:plan")
    assert "Planperiode 2019-2023" in content
    assert "Veilige woonomgeving" in content  # a theme
    assert "Minder fietsen gestolen" in content and ">1.1</span>" in content  # goal with code
    assert "Portefeuillehouder: burgemeester" in content
    assert f'href="/plan/doel/{GOAL}/?jaar=2023"' in content
    assert reverse("planning:export") in content
    assert "Verwijderde doelen" not in content  # none removed yet


def test_the_working_year_defaults_to_the_last_past_plan_year(reader: Client, plan) -> None:
    assert default_year(plan, dt.date(2025, 5, 1)) == 2023
    assert default_year(plan, dt.date(2021, 5, 1)) == 2021  # the plan period is still running
    assert default_year(plan, dt.date(2018, 5, 1)) == 2017  # the plan starts in the future
    content = _page(reader, "planning:plan")
    assert '<option value="2023" selected>2023 (standaard)</option>' in content
    content = _page(reader, "planning:plan", "?jaar=2021")
    assert '<option value="2021" selected>' in content and "werkjaar 2021" in content
    assert f'href="/plan/doel/{GOAL}/?jaar=2021"' in content
    content = _page(reader, "planning:plan", "?jaar=twintig")
    assert "‘twintig’ is geen jaar; u ziet 2023." in content


def test_the_plan_file_downloads_as_utf8_yaml(reader: Client, plan) -> None:
    response = reader.get(reverse("planning:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.yaml"')
    assert "charset=utf-8" in response["Content-Type"]
    text = response.content.decode("utf-8")
    assert "geëxporteerd" in text  # the header, not mangled
    assert yaml.safe_load(text) == plan_document(plan)


def test_removed_goals_are_listed_with_when_and_a_restore_button(
    client: Client, plan, goal, lezer, adviseur
) -> None:
    goal.removed_at = timezone.now()
    goal.save()
    client.force_login(lezer)
    content = _page(client, "planning:plan")
    removed = content.split("Verwijderde doelen", 1)[1]
    assert "Minder fietsen gestolen" in removed and "verwijderd op" in removed
    assert f'href="/plan/doel/{GOAL}/?jaar' not in content  # no longer among the current goals
    assert "terugzetten" not in content  # a lezer sees no button
    client.force_login(adviseur)
    content = _page(client, "planning:plan")
    assert reverse("planning:doel-terugzetten", kwargs={"key": GOAL}) in content


def test_the_goal_page_shows_fields_and_targets_per_year(reader: Client, goal) -> None:
    content = _page(reader, "planning:doel", key=GOAL)
    assert "Minder fietsen gestolen" in content
    assert "daalt elk jaar" in content  # criteria
    assert "burgemeester" in content
    targets = content.split("Streefwaarde per jaar", 1)[1].split("</table>", 1)[0]
    for indicator in goal.indicators.all():
        assert indicator.name in targets
    for year in range(2019, 2024):
        assert f">{year}</th>" in targets
    target = goal.indicators.get(key="fietsdiefstal").targets.order_by("year").first()
    if target is not None:
        assert f"{target.operator.replace('<', '&lt;').replace('>', '&gt;')} " in targets


def test_the_goal_page_shows_activities_with_status_words(reader: Client, goal) -> None:
    activity = save_activity(goal, YEAR, "1E", "Cameratoezicht stationsgebied")
    set_status(
        activity,
        StatusInput("groen", "oranje", "rood", "", "Levering camera's vertraagd."),
        "najaarsnota",
    )
    content = _page(reader, "planning:doel", f"?jaar={YEAR}", key=GOAL)
    section = content.split('id="activiteiten"', 1)[1].split("</section>", 1)[0]
    assert "Cameratoezicht stationsgebied" in section
    for word in ["groen", "oranje", "rood", "leeg"]:  # the word, not only the colour
        assert f"status-badge--{word}" in section and f"{word}</span>" in section
    assert "Levering camera&#x27;s vertraagd." in section
    assert "Najaarsnota" in section
    other_year = _page(reader, "planning:doel", f"?jaar={YEAR - 1}", key=GOAL)
    assert "Cameratoezicht stationsgebied" not in other_year.split("Wijzigingen</h2>")[0]


def test_the_goal_page_shows_the_judgement_the_proposal_and_an_override(
    reader: Client, goal
) -> None:
    from openveiligheid.policy.yearwork import goal_proposal

    proposal, results = goal_proposal(goal, YEAR)
    content = _page(reader, "planning:doel", f"?jaar={YEAR}", key=GOAL)
    assert "Nog niet beoordeeld." in content
    assert "Voorstel uit de indicatoren" in content
    for result in results:
        assert result.name in content.split("Voorstel uit de indicatoren", 1)[1]
    other = "nee" if proposal != "nee" else "ja"
    save_goal_year(
        goal,
        YEAR,
        {"realisation": "Er zijn 400 fietsen gegraveerd.", "judgement": other},
        proposed="deels",
    )
    content = _page(reader, "planning:doel", f"?jaar={YEAR}", key=GOAL)
    assert "Er zijn 400 fietsen gegraveerd." in content
    assert f'<strong class="judgement__word">{other}</strong>' in content
    assert "afwijkend van het voorstel (deels)" in content


def test_the_goal_page_links_to_the_money_page(reader: Client, goal) -> None:
    content = _page(reader, "planning:doel", "?jaar=2022", key=GOAL)
    url = reverse("financien:doel", kwargs={"key": GOAL})
    assert f'href="{url}?jaar=2022"' in content


def test_the_goal_page_shows_the_history_of_the_goal_and_what_hangs_off_it(
    reader: Client, plan, goal, activity
) -> None:
    record_change(plan, "doel", GOAL, "doel 1.1 gewijzigd", {"name": ["Oud", "Nieuw"]})
    record_change(plan, "doel", "minder-misdrijven", "ander doel gewijzigd", {})
    content = _page(reader, "planning:doel", key=GOAL)
    history = content.split('id="wijzigingen"', 1)[1]
    assert "doel 1.1 gewijzigd" in history
    assert "<dt>Naam</dt>" in history and "Oud</del>" in history and "Nieuw</ins>" in history
    assert f"status van activiteit {ACTIVITY}" in history  # the activity's change
    assert "ander doel gewijzigd" not in history


def test_the_change_history_of_the_plan_filters_and_pages(reader: Client, plan: Plan) -> None:
    for number in range(55):
        record_change(plan, "indicator", "fietsdiefstal", f"wijziging {number}", {})
    content = _page(reader, "planning:wijzigingen")
    assert "wijziging 54" in content and "wijziging 4<" not in content  # newest first, 50
    assert "pagina=2" in content
    second = _page(reader, "planning:wijzigingen", "?pagina=2")
    assert "wijziging 4<" in second
    only_plan = _page(reader, "planning:wijzigingen", "?soort=plan")
    assert "wijziging 54" not in only_plan
    assert "planbestand voorbeeldplan.yaml ingelezen" in only_plan
    indicator = _page(reader, "planning:wijzigingen", "?soort=indicator")
    assert "wijziging 54" in indicator and "soort=indicator&amp;pagina=2" in indicator


def test_the_jaarverslag_and_the_money_open_on_the_same_year_as_the_plan(plan) -> None:
    from openveiligheid.planning.views_finance import money_year
    from openveiligheid.reports.views import report_year

    goal = plan.themes.first().goals.first()
    goal.amounts.all().delete()
    goal.credits.all().delete()
    assert report_year(plan, set()) == default_year(plan) == money_year(plan, goal, [2019, 2023])
    assert report_year(plan, {2020, 2021}) == 2021  # the newest adopted year comes first
