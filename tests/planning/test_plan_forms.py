"""Editing the plan in the web on the real demo plan: a goal (with its history), removing and
restoring it, the targets of an indicator, activities and their status history, the texts and
"doel gehaald", CSRF and escaping, and the plan file round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from openveiligheid.indicators.engine import GEHAALD, NIET_GEHAALD
from openveiligheid.indicators.services import evaluate_reporting_year
from openveiligheid.policy.history import changes_of
from openveiligheid.policy.models import Activity, ActivityStatus, Change, Goal, GoalYear, Plan
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.planload import plan_document
from openveiligheid.policy.yearwork import goal_proposal, goal_year
from tests.planning.conftest import ACTIVITY, GOAL, INDICATOR, YEAR

#: A year in which the demo proposes a judgement for GOAL and nothing was judged yet.
JUDGE_YEAR = 2021

GOAL_FIELDS = ["code", "name", "description", "criteria", "portfolio_holder"]


@pytest.fixture
def editor(client: Client, adviseur) -> Client:
    client.force_login(adviseur)
    return client


def _goal_data(goal: Goal, **changes) -> dict:
    return {**{name: getattr(goal, name) for name in GOAL_FIELDS}, **changes}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _targets_data(client: Client, key: str, **years) -> dict:
    """The targets form as shown (every year), with ``years`` (``jaar_2021="< 5"``) changed."""
    form = client.get(reverse("planning:streefwaarden", kwargs={"key": key})).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name.startswith("jaar_")}
    if form["public"].value():
        data["public"] = "on"
    return {**data, **years}


# -- a goal --------------------------------------------------------------------------------------
def test_editing_a_goal_records_old_and_new_and_the_history_shows_it(
    editor: Client, plan, goal, adviseur
) -> None:
    url = reverse("planning:doel-bewerken", kwargs={"key": GOAL})
    page = editor.get(url).content.decode()
    assert 'value="Minder fietsen gestolen"' in page and "<label" in page
    response = editor.post(url, _goal_data(goal, name="Minder fietsdiefstal", code="1.1a"))
    assert response.status_code == 302
    assert response.url == reverse("planning:doel", kwargs={"key": GOAL})
    assert "Doel 1.1a is opgeslagen." in _messages(response)
    goal.refresh_from_db()
    assert (goal.name, goal.code) == ("Minder fietsdiefstal", "1.1a")
    change = changes_of(plan, "doel", GOAL).first()
    assert change.fields == {
        "name": ["Minder fietsen gestolen", "Minder fietsdiefstal"],
        "code": ["1.1", "1.1a"],
    }
    assert change.user_name == "adviseur"
    page = editor.get(response.url).content.decode()
    history = page.split('id="wijzigingen"', 1)[1]
    assert "adviseur" in history
    assert "Minder fietsen gestolen</del>" in history and "Minder fietsdiefstal</ins>" in history


def test_saving_a_goal_unchanged_records_nothing(editor: Client, plan, goal) -> None:
    before = Change.objects.count()
    response = editor.post(
        reverse("planning:doel-bewerken", kwargs={"key": GOAL}), _goal_data(goal)
    )
    assert response.status_code == 302
    assert Change.objects.count() == before
    assert "Er is niets gewijzigd." in _messages(response)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("7.2 1", "alleen uit letters, cijfers, punten en streepjes"),
        ("x" * 21, "Ten hoogste 20 tekens."),
        ("1.2", "De code 1.2 hoort al bij het doel ‘Meer fietsdiefstallen opgehelderd’."),
    ],
    ids=["space", "too-long", "duplicate"],
)
def test_an_invalid_or_duplicate_goal_code_is_refused(
    editor: Client, goal, code: str, message: str
) -> None:
    url = reverse("planning:doel-bewerken", kwargs={"key": GOAL})
    response = editor.post(url, _goal_data(goal, code=code))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="foutoverzicht"' in page and 'href="#id_code"' in page  # the error summary
    assert (
        'id="id_code_error"' in page and 'aria-describedby="id_code_helptext id_code_error"' in page
    )
    assert 'aria-invalid="true"' in page
    goal.refresh_from_db()
    assert goal.code == "1.1"


def test_an_empty_name_is_refused_at_its_field(editor: Client, goal) -> None:
    response = editor.post(
        reverse("planning:doel-bewerken", kwargs={"key": GOAL}), _goal_data(goal, name="  ")
    )
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()


def test_a_goal_name_with_html_is_escaped_on_the_pages(editor: Client, goal) -> None:
    evil = '<script>alert("x")</script>'
    editor.post(
        reverse("planning:doel-bewerken", kwargs={"key": GOAL}), _goal_data(goal, name=evil)
    )
    for url in [
        reverse("planning:plan"),
        reverse("planning:doel", kwargs={"key": GOAL}),
        reverse("planning:wijzigingen"),
        reverse("planning:doel-verwijderen", kwargs={"key": GOAL}),
    ]:
        page = editor.get(url).content.decode()
        assert evil not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


def test_removing_asks_first_keeps_what_hangs_off_and_restores(
    editor: Client, plan, goal, activity
) -> None:
    url = reverse("planning:doel-verwijderen", kwargs={"key": GOAL})
    before = Change.objects.count()
    page = editor.get(url).content.decode()
    count = Activity.objects.filter(goal=goal).count()
    assert count > 1  # the demo's and the fixture's
    assert "verwijderen?" in page and f"{count} activiteiten met hun statusgeschiedenis" in page
    goal.refresh_from_db()
    assert goal.removed_at is None and Change.objects.count() == before  # GET changes nothing
    response = editor.post(url)
    assert response.status_code == 302 and response.url == reverse("planning:plan")
    goal.refresh_from_db()
    assert goal.removed_at is not None
    assert Activity.objects.filter(goal=goal).count() == count  # kept
    assert changes_of(plan, "doel", GOAL).first().description == "doel 1.1 verwijderd"
    assert GOAL not in [g["id"] for t in plan_document(plan)["themas"] for g in t["doelen"]]
    page = editor.get(reverse("planning:plan")).content.decode()
    assert "Verwijderde doelen" in page
    response = editor.post(reverse("planning:doel-terugzetten", kwargs={"key": GOAL}))
    assert response.status_code == 302
    assert "staat weer in het plan" in _messages(response)[-1]
    goal.refresh_from_db()
    assert goal.removed_at is None
    assert goal.activities.get(code=ACTIVITY).statuses.count() == 1
    assert changes_of(plan, "doel", GOAL).first().description == "doel 1.1 teruggezet"
    assert GOAL in [g["id"] for t in plan_document(plan)["themas"] for g in t["doelen"]]


def test_restoring_a_goal_whose_theme_left_the_plan_brings_the_theme_back(
    editor: Client, plan, goal
) -> None:
    from django.utils import timezone

    now = timezone.now()
    Goal.objects.filter(pk=goal.pk).update(removed_at=now)
    type(goal.theme).objects.filter(pk=goal.theme_id).update(removed_at=now)
    assert GOAL not in [g["id"] for t in plan_document(plan)["themas"] for g in t["doelen"]]
    editor.post(reverse("planning:doel-terugzetten", kwargs={"key": GOAL}))
    assert GOAL in [g["id"] for t in plan_document(plan)["themas"] for g in t["doelen"]]


def test_a_removed_goal_whose_code_was_taken_is_not_restored(editor: Client, plan, goal) -> None:
    editor.post(reverse("planning:doel-verwijderen", kwargs={"key": GOAL}))
    other = Goal.objects.get(theme__plan=plan, key="minder-bromfietsdiefstal")
    editor.post(
        reverse("planning:doel-bewerken", kwargs={"key": other.key}), _goal_data(other, code="1.1")
    )
    response = editor.post(reverse("planning:doel-terugzetten", kwargs={"key": GOAL}))
    assert "de code 1.1 hoort nu bij een ander doel" in _messages(response)[-1]
    goal.refresh_from_db()
    assert goal.removed_at is not None


# -- targets -------------------------------------------------------------------------------------
def test_a_target_edit_changes_the_verdict_on_the_dashboard(editor: Client, plan) -> None:
    reporting = evaluate_reporting_year(plan)
    card = next(
        c
        for c in reporting.cards
        if c.result.value is not None and int(c.result.period) in range(2019, 2024)
    )
    key, year, value = card.indicator.key, int(card.result.period), card.result.value
    high = f"< {value + 1:.0f}".replace(".", ",")
    low = f"> {value + 1:.0f}".replace(".", ",")
    url = reverse("planning:streefwaarden", kwargs={"key": key})
    response = editor.post(url, _targets_data(editor, key, **{f"jaar_{year}": high}))
    assert response.status_code == 302
    verdict = next(c for c in evaluate_reporting_year(plan).cards if c.indicator.key == key)
    assert verdict.result.verdict == GEHAALD
    editor.post(url, _targets_data(editor, key, **{f"jaar_{year}": low}))
    verdict = next(c for c in evaluate_reporting_year(plan).cards if c.indicator.key == key)
    assert verdict.result.verdict == NIET_GEHAALD
    change = changes_of(plan, "indicator", key).first()
    assert change.fields[str(year)] == [high.replace(",", "."), low.replace(",", ".")]
    page = editor.get(url).content.decode()
    assert "Wijzigingen van deze indicator" in page and f"<dt>{year}</dt>" in page


def test_a_malformed_target_is_refused_naming_the_year(editor: Client, plan) -> None:
    url = reverse("planning:streefwaarden", kwargs={"key": INDICATOR})
    before = plan.indicators.get(key=INDICATOR).targets.count()
    response = editor.post(url, _targets_data(editor, INDICATOR, jaar_2021="ongeveer 80"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Streefwaarde 2021: doel &#x27;ongeveer 80&#x27; is onleesbaar" in page
    assert 'href="#id_jaar_2021"' in page and 'id="id_jaar_2021_error"' in page
    assert plan.indicators.get(key=INDICATOR).targets.count() == before


def test_an_empty_target_removes_it_and_openbaar_is_saved(editor: Client, plan) -> None:
    indicator = plan.indicators.get(key=INDICATOR)
    url = reverse("planning:streefwaarden", kwargs={"key": INDICATOR})
    editor.post(url, _targets_data(editor, INDICATOR, jaar_2020="<= 2,5", public="on"))
    editor.post(url, _targets_data(editor, INDICATOR, jaar_2020=""))
    indicator.refresh_from_db()
    assert not indicator.targets.filter(year=2020).exists()
    assert indicator.public
    fields = [c.fields for c in changes_of(plan, "indicator", INDICATOR)]
    assert fields[0]["2020"] == ["<= 2.5", ""]
    assert fields[1]["public"] == ["nee", "ja"]


# -- activities ----------------------------------------------------------------------------------
def test_adding_an_activity_with_its_first_status(editor: Client, plan, goal) -> None:
    url = reverse("planning:activiteit-nieuw", kwargs={"key": GOAL, "year": YEAR})
    page = editor.get(url).content.decode()
    assert "<legend" in page and "Status (I/P/F/R)" in page  # the statuses in a fieldset
    data = {
        "code": "1E",
        "name": "Fietsstallingen bewaken",
        "moment": "voorjaarsnota",
        "inhoud": "groen",
        "planning": "groen",
        "financien": "",
        "risico": "",
        "toelichting": "",
    }
    response = editor.post(url, data)
    assert response.status_code == 302
    activity = Activity.objects.get(goal=goal, year=YEAR, code="1E")
    assert activity.current_status().inhoud == "groen"
    assert activity.current_status().recorded_by == "adviseur"
    response = editor.post(url, data)  # the same code again
    assert "al een activiteit met code 1E" in response.content.decode()
    response = editor.post(url, {**data, "code": "1 E"})
    assert "activiteitcode" in response.content.decode()


def test_a_status_update_adds_a_history_row_and_keeps_the_old_one(
    editor: Client, plan, activity
) -> None:
    url = reverse("planning:activiteit", kwargs={"key": GOAL, "year": YEAR, "code": ACTIVITY})
    old = activity.current_status()
    data = {
        "name": "Fietsen graveren op de markt en bij school",
        "moment": "najaarsnota",
        "inhoud": "groen",
        "planning": "rood",
        "financien": "groen",
        "risico": "groen",
        "toelichting": "De graveermachine was drie maanden kapot.",
    }
    response = editor.post(url, data)
    assert response.status_code == 302 and response.url == url
    assert ActivityStatus.objects.filter(pk=old.pk).exists()
    statuses = list(activity.statuses.all())
    assert [s.moment for s in statuses] == ["najaarsnota", "voorjaarsnota"]
    assert statuses[0].planning == "rood"
    activity.refresh_from_db()
    assert activity.name == data["name"]
    page = editor.get(url).content.decode()
    history = page.split("Statusgeschiedenis", 1)[1]
    assert history.index("Najaarsnota") < history.index("Voorjaarsnota")  # newest first
    assert "adviseur" in history and "drie maanden kapot" in history
    descriptions = [c.description for c in changes_of(plan, "activiteit", f"{GOAL}/{YEAR}/1.7")]
    assert "activiteit 1.7 gewijzigd" in descriptions
    assert "status van activiteit 1.7 (najaarsnota)" in descriptions


def test_oranje_without_toelichting_is_saved_with_a_warning(editor: Client, activity) -> None:
    url = reverse("planning:activiteit", kwargs={"key": GOAL, "year": YEAR, "code": ACTIVITY})
    data = {"name": activity.name, "moment": "jaarrekening", "inhoud": "oranje", "toelichting": ""}
    response = editor.post(url, data, follow=True)
    assert activity.current_status().inhoud == "oranje"  # saved, not refused
    page = response.content.decode()
    assert "Let op: inhoud: status oranje zonder toelichting" in page
    assert "alert--warning" in page


# -- texts and doel gehaald ------------------------------------------------------------------------
def test_the_judgement_form_preselects_and_stores_the_proposal(editor: Client, goal) -> None:
    proposal, _ = goal_proposal(goal, JUDGE_YEAR)
    assert proposal == "nee"  # the demo's figures: no target of 2021 met
    url = reverse("planning:oordeel", kwargs={"key": GOAL, "year": JUDGE_YEAR})
    form = editor.get(url).context["form"]
    assert form["judgement"].value() == proposal
    page = editor.get(url).content.decode()
    assert "<legend" in page and "Doel gehaald?" in page
    response = editor.post(
        url, {"realisation": "Veel gedaan.", "judgement": proposal, "judgement_note": ""}
    )
    assert response.status_code == 302
    saved = GoalYear.objects.get(goal=goal, year=JUDGE_YEAR)
    assert (saved.judgement, saved.proposed, saved.overridden) == (proposal, proposal, False)
    page = editor.get(reverse("planning:doel", kwargs={"key": GOAL}) + f"?jaar={JUDGE_YEAR}")
    assert "afwijkend van het voorstel" not in page.content.decode()


def test_an_overridden_judgement_is_shown_as_such(editor: Client, plan, goal) -> None:
    proposal, _ = goal_proposal(goal, JUDGE_YEAR)
    assert proposal == "nee"
    other = "deels"
    url = reverse("planning:oordeel", kwargs={"key": GOAL, "year": JUDGE_YEAR})
    response = editor.post(
        url, {"realisation": "", "judgement": other, "judgement_note": "Anders gewogen."}
    )
    saved = GoalYear.objects.get(goal=goal, year=JUDGE_YEAR)
    assert (saved.judgement, saved.proposed) == (other, proposal)
    assert saved.overridden
    assert "Het oordeel (deels) wijkt af van het voorstel (nee)." in _messages(response)[-1]
    page = editor.get(response.url).content.decode()
    assert '<strong class="judgement__word">deels</strong>' in page
    assert "afwijkend van het voorstel (nee)" in page
    change = changes_of(plan, "tekst", f"{GOAL}/{JUDGE_YEAR}").first()
    assert change.fields["judgement"] == ["", other]
    assert editor.get(url).context["form"]["judgement"].value() == other  # the judgement now


def test_an_unknown_judgement_is_refused(editor: Client, goal) -> None:
    url = reverse("planning:oordeel", kwargs={"key": GOAL, "year": JUDGE_YEAR})
    before = goal_year(goal, JUDGE_YEAR).judgement
    response = editor.post(url, {"judgement": "misschien"})
    assert response.status_code == 200
    assert 'id="id_judgement_error"' in response.content.decode()
    assert goal_year(goal, JUDGE_YEAR).judgement == before == ""
    assert not GoalYear.objects.filter(goal=goal, year=JUDGE_YEAR).exists()


# -- CSRF, and the plan file round trip ---------------------------------------------------------
def test_a_post_without_csrf_token_is_refused(plan, goal, adviseur) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviseur)
    for url, data in [
        (reverse("planning:doel-bewerken", kwargs={"key": GOAL}), _goal_data(goal, name="x")),
        (reverse("planning:doel-verwijderen", kwargs={"key": GOAL}), {}),
        (reverse("planning:oordeel", kwargs={"key": GOAL, "year": YEAR}), {"judgement": "ja"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    goal.refresh_from_db()
    assert goal.name == "Minder fietsen gestolen" and goal.removed_at is None


def test_the_exported_plan_file_round_trips(editor: Client, plan: Plan) -> None:
    editor.post(
        reverse("planning:streefwaarden", kwargs={"key": INDICATOR}),
        _targets_data(editor, INDICATOR, jaar_2022="< 1234,5"),
    )
    text = editor.get(reverse("planning:export")).content.decode("utf-8")
    document = yaml.safe_load(text)
    document["naam"] = "Kopie van het plan"
    copy = load_plan(Path("kopie.yaml"), text=yaml.safe_dump(document, allow_unicode=True))
    assert copy.pk != plan.pk
    original, exported = plan_document(plan), plan_document(copy)
    assert exported.pop("naam") == "Kopie van het plan"
    original.pop("naam")
    assert exported == original
    targets = next(i for i in exported["indicatoren"] if i["id"] == INDICATOR)["doelen"]
    assert targets[2022] == "< 1234.5"
