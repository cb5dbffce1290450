"""The money pages of a goal: Zwolle's 7.2.1 figures (``tests/data/reports``) typed into the forms
of a demo goal must come out as the Zwolle annual report shows them; bad input is refused at its
field and stores nothing; every save records who changed what (old → new).
"""

from __future__ import annotations

import csv
from html.parser import HTMLParser

import pytest

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openveiligheid.policy.finance import PARTS, STEPS
from openveiligheid.policy.models import Change, Credit, FinanceAmount, Goal, GoalYear
from tests.conftest import DATA

KEY = "minder-fietsdiefstal"
YEAR = 2022
FINANCE_CSV = DATA / "reports" / "zwolle_financien_2022.csv"
CREDITS_CSV = DATA / "reports" / "zwolle_kredieten_2022.csv"
VARIANCE = (
    "De lasten en de baten laten een voordelig saldo zien van € 69.443 en € 115.222.\n"
    "Omdat er € 138.825 minder wordt onttrokken ontstaat per saldo een voordelig resultaat."
)


# --- helpers ------------------------------------------------------------------------------------


class _Rows(HTMLParser):
    """The cell texts of every table row with an id: ``{row id: [th/td texts]}``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[str]] = {}
        self.row: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = dict(attrs).get("id")
            if self.row:
                self.rows[self.row] = []
        elif tag in ("td", "th") and self.row:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row and self.cell is not None:
            self.rows[self.row].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def zwolle_amounts() -> dict[str, str]:
    """The Zwolle figures as the form takes them: ``{"<stap>__<onderdeel>": "1.616.141"}``."""
    with FINANCE_CSV.open(encoding="utf-8") as handle:
        return {
            f"{row['stap']}__{row['onderdeel']}": row["bedrag"]
            for row in csv.DictReader(handle, delimiter=";")
        }


def zwolle_credits() -> list[dict[str, str]]:
    with CREDITS_CSV.open(encoding="utf-8") as handle:
        return [
            {k: v for k, v in row.items() if k != "doel"}
            for row in csv.DictReader(handle, delimiter=";")
        ]


def grid(values: dict[str, str] | None = None, variance: str = "") -> dict[str, str]:
    data = {f"{step}__{part}": "" for step in STEPS for part in PARTS}
    data.update(values or {})
    data["variance_analysis"] = variance
    return data


def credit_data(rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        "krediet-TOTAL_FORMS": str(len(rows)),
        "krediet-INITIAL_FORMS": str(initial),
        "krediet-MIN_NUM_FORMS": "0",
        "krediet-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"krediet-{index}-{name}"] = value
    return data


def overview_url(year: int = YEAR) -> str:
    return reverse("financien:doel", kwargs={"key": KEY}) + f"?jaar={year}"


def edit_url(name: str = "financien:bewerken", year: int = YEAR) -> str:
    return reverse(name, kwargs={"key": KEY, "year": year})


@pytest.fixture
def goal(plan) -> Goal:
    """The demo goal 1.1, without money in 2022 (whatever the demo may hold)."""
    goal = Goal.objects.get(theme__plan=plan, key=KEY)
    FinanceAmount.objects.filter(goal=goal, year=YEAR).delete()
    Credit.objects.filter(goal=goal, year=YEAR).delete()
    GoalYear.objects.filter(goal=goal, year=YEAR).update(variance_analysis="")
    return goal


@pytest.fixture
def as_controller(controller) -> Client:
    client = Client()
    client.force_login(controller)
    return client


def enter_zwolle(client: Client) -> None:
    response = client.post(edit_url(), grid(zwolle_amounts(), VARIANCE))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == overview_url()
    response = client.post(edit_url("financien:kredieten"), credit_data(zwolle_credits()))
    assert response.status_code == 302
    assert response.url == overview_url()


# --- the Zwolle figures -------------------------------------------------------------------------


def test_zwolle_figures_entered_in_the_forms_come_out_as_in_the_annual_report(
    goal, as_controller
) -> None:
    enter_zwolle(as_controller)
    response = as_controller.get(overview_url())
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html)
    # Vastgestelde begroting … Saldo, columns lasten, baten, toevoeging, onttrekking, saldo.
    assert rows["rij-begroting"] == [
        "Vastgestelde begroting",
        "1.616.141",
        "26.012",
        "0",
        "9.547",
        "",
    ]
    assert rows["rij-mutaties_projecten"][1:5] == ["0", "0", "0", "0"]
    assert rows["rij-begrotingswijzigingen"][1:5] == ["416.239", "0", "0", "138.825"]
    assert rows["rij-begroting_tm_december"] == [
        "Begroting t/m december", "2.032.380", "26.012", "0", "148.372", "",
    ]  # fmt: skip
    assert rows["rij-jaarrekening"][1:5] == ["1.962.937", "141.234", "0", "9.547"]
    assert rows["rij-resultaat"] == [
        "Resultaat", "69.443 (voordelig)", "115.222 (voordelig)", "0", "-138.825 (nadelig)", "",
    ]  # fmt: skip
    assert rows["rij-saldo"][0] == "Saldo" and rows["rij-saldo"][-1] == "45.840"
    assert "voordelig (+) of nadelig (−)" in html
    # The kredieten table: Zwolle's camera's binnenstad, restantkrediet 201.401.
    assert rows["krediet-1"] == [
        "Infra camera's binnenstad",
        "316.906",
        "51.698",
        "63.807",
        "201.401",
    ]
    assert rows["kredieten-totaal"] == ["Totaal", "316.906", "51.698", "63.807", "201.401"]
    assert "Gerealiseerd tot en met 2021" in html and "Restantkrediet 31 december 2022" in html
    # The verschillenanalyse, in paragraphs.
    assert "voordelig saldo zien van € 69.443 en € 115.222.<br>" in html
    # Stored as whole euros, exactly as typed.
    assert (
        FinanceAmount.objects.get(goal=goal, year=YEAR, step="jaarrekening", part="lasten").amount
        == 1_962_937
    )
    assert FinanceAmount.objects.filter(goal=goal, year=YEAR).count() == 16
    assert GoalYear.objects.get(goal=goal, year=YEAR).variance_analysis == VARIANCE


def test_the_form_shows_the_entered_amounts_in_dutch_notation(goal, as_controller) -> None:
    enter_zwolle(as_controller)
    html = as_controller.get(edit_url()).content.decode()
    assert 'name="jaarrekening__lasten" value="1.962.937"' in html
    assert 'inputmode="numeric"' in html
    assert 'name="begrotingswijzigingen__onttrekking" value="138.825"' in html
    assert "De lasten en de baten laten een voordelig saldo" in html
    html = as_controller.get(edit_url("financien:kredieten")).content.decode()
    assert 'value="316.906"' in html and "Infra camera&#x27;s binnenstad" in html


def test_an_empty_cell_is_not_entered_and_removes_an_earlier_amount(goal, as_controller) -> None:
    enter_zwolle(as_controller)
    values = zwolle_amounts()
    values["begrotingswijzigingen__lasten"] = ""
    response = as_controller.post(edit_url(), grid(values, VARIANCE))
    assert response.status_code == 302
    assert not FinanceAmount.objects.filter(
        goal=goal, year=YEAR, step="begrotingswijzigingen", part="lasten"
    ).exists()
    rows = table_rows(as_controller.get(overview_url()).content.decode())
    assert rows["rij-begroting_tm_december"][1] == "1.616.141"  # 1.616.141 + 0 + 0


def test_the_overview_of_a_year_without_money_says_so(goal, as_controller) -> None:
    html = as_controller.get(overview_url()).content.decode()
    assert "Voor 2022 zijn voor dit doel nog geen bedragen ingevoerd." in html
    assert "geen kredieten ingevoerd" in html
    assert 'id="financieel-overzicht"' not in html


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("veel geld", "&#x27;veel geld&#x27; is geen bedrag (hele euro&#x27;s"),
        ("1.962,50", "&#x27;1.962,50&#x27; heeft decimalen; bedragen zijn hele euro&#x27;s"),
        ("1962.5", "&#x27;1962.5&#x27; heeft decimalen"),
    ],
)
def test_text_or_decimals_in_an_amount_are_refused_at_the_field_and_nothing_is_stored(
    goal, as_controller, typed: str, message: str
) -> None:
    amounts, changes = FinanceAmount.objects.count(), Change.objects.count()
    values = zwolle_amounts()
    values["jaarrekening__baten"] = typed
    response = as_controller.post(edit_url(), grid(values, "nieuwe tekst"))
    assert response.status_code == 400
    html = response.content.decode()
    # The message at the field (its id names the field) and in the summary above the form.
    assert f'<p class="form-field__error" id="id_jaarrekening__baten-fout">{message}' in html
    assert 'href="#id_jaarrekening__baten">Baten, jaarrekening:' in html
    assert 'aria-invalid="true"' in html and "Er is niets opgeslagen" in html
    # What was typed stays in the form; nothing of the valid cells or the text was saved.
    assert 'name="jaarrekening__lasten" value="1.962.937"' in html
    assert FinanceAmount.objects.count() == amounts
    assert Change.objects.count() == changes
    assert not GoalYear.objects.filter(goal=goal, year=YEAR, variance_analysis="nieuwe tekst")


def test_a_duplicate_project_is_refused_at_its_field_and_nothing_is_stored(
    goal, as_controller
) -> None:
    enter_zwolle(as_controller)
    credits, changes = Credit.objects.count(), Change.objects.count()
    rows = [
        {"project": "Infra camera's binnenstad", "omvang": "316.906",
         "gerealiseerd_tm_vorig_jaar": "51.698", "besteding": "70.000"},
        {"project": "Nieuwe camera's", "omvang": "100.000",
         "gerealiseerd_tm_vorig_jaar": "0", "besteding": "0"},
        {"project": "infra  camera's binnenstad", "omvang": "1",
         "gerealiseerd_tm_vorig_jaar": "", "besteding": ""},
    ]  # fmt: skip
    response = as_controller.post(edit_url("financien:kredieten"), credit_data(rows, initial=1))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="form-field__error" id="id_krediet-2-project-fout">Het project' in html
    assert "staat er al; elk project komt één keer voor" in html
    assert Credit.objects.count() == credits
    assert Change.objects.count() == changes
    assert Credit.objects.get(goal=goal, year=YEAR).besteding == 63_807


def test_text_in_a_credit_amount_is_refused_and_nothing_is_stored(goal, as_controller) -> None:
    credits = Credit.objects.count()
    rows = [
        {"project": "Camera's", "omvang": "drie ton",
         "gerealiseerd_tm_vorig_jaar": "0", "besteding": "0"},
    ]  # fmt: skip
    response = as_controller.post(edit_url("financien:kredieten"), credit_data(rows))
    assert response.status_code == 400
    assert "&#x27;drie ton&#x27; is geen bedrag" in response.content.decode()
    assert Credit.objects.count() == credits
    assert not Credit.objects.filter(goal=goal, year=YEAR).exists()


def test_credits_are_changed_added_and_removed(goal, as_controller) -> None:
    enter_zwolle(as_controller)
    rows = [
        {"project": "Infra camera's binnenstad", "omvang": "316.906",
         "gerealiseerd_tm_vorig_jaar": "51.698", "besteding": "63.807", "DELETE": "on"},
        {"project": "Verlichting fietsenstalling", "omvang": "80.000",
         "gerealiseerd_tm_vorig_jaar": "", "besteding": "12.500"},
    ]  # fmt: skip
    response = as_controller.post(
        edit_url("financien:kredieten"), {**credit_data(rows, initial=1), "nog_een": "1"}
    )
    assert response.status_code == 302
    assert response.url == edit_url("financien:kredieten")  # "save and add another"
    credit = Credit.objects.get(goal=goal, year=YEAR)
    assert (credit.project, credit.omvang, credit.gerealiseerd_tm_vorig_jaar, credit.restant) == (
        "Verlichting fietsenstalling", 80_000, 0, 67_500,
    )  # fmt: skip
    html = as_controller.get(edit_url("financien:kredieten")).content.decode()
    assert "De kredieten van doel 1.1 voor 2022 zijn opgeslagen." in html
    assert 'name="krediet-TOTAL_FORMS" value="2"' in html  # the credit and one empty row
    assert 'name="krediet-1-project"' in html and "nieuw project" in html
    html = as_controller.get(edit_url("financien:kredieten") + "?rijen=3").content.decode()
    assert 'name="krediet-TOTAL_FORMS" value="4"' in html


# --- the history ----------------------------------------------------------------------------------


def test_every_save_records_old_and_new_and_the_page_shows_it(
    goal, as_controller, controller
) -> None:
    enter_zwolle(as_controller)
    values = zwolle_amounts()
    values["begroting__lasten"] = "1.700.000"
    response = as_controller.post(edit_url(), grid(values, VARIANCE + " Bijgewerkt."))
    assert response.status_code == 302
    change = Change.objects.filter(kind="financien", object_key=f"{KEY}/{YEAR}").first()
    assert change.fields == {"begroting lasten": ["1616141", "1700000"]}
    assert change.user_name == controller.get_username()
    rows = [
        {"project": "Infra camera's binnenstad", "omvang": "316.906",
         "gerealiseerd_tm_vorig_jaar": "51.698", "besteding": "70.000"},
    ]  # fmt: skip
    as_controller.post(edit_url("financien:kredieten"), credit_data(rows, initial=1))
    credit_change = Change.objects.filter(kind="krediet", object_key=f"{KEY}/{YEAR}").first()
    assert credit_change.fields == {"Infra camera's binnenstad: besteding": ["63807", "70000"]}

    html = as_controller.get(overview_url()).content.decode()
    history = html[html.index('id="wijzigingen-titel"') :]
    assert "<dt>Vastgestelde begroting, lasten</dt>" in history
    assert "oud: </span>1.616.141</del>" in history and "nieuw: </span>1.700.000</ins>" in history
    assert "Infra camera&#x27;s binnenstad: bestedingen" in history
    assert "oud: </span>63.807</del>" in history and "nieuw: </span>70.000</ins>" in history
    assert "<dt>Verschillenanalyse</dt>" in history and "Bijgewerkt." in history
    assert "oud: </span>leeg</del>" in history  # the first entry of the Zwolle figures
    assert controller.get_username() in history
    # Newest first: the credit change above the change of the amounts.
    assert history.index("kredieten gewijzigd") < history.index("financiën gewijzigd")


def test_saving_without_a_change_says_so_and_records_nothing(goal, as_controller) -> None:
    enter_zwolle(as_controller)
    changes = Change.objects.count()
    response = as_controller.post(edit_url(), grid(zwolle_amounts(), VARIANCE), follow=True)
    assert "Er is niets gewijzigd." in response.content.decode()
    assert Change.objects.count() == changes


# --- safety -------------------------------------------------------------------------------------


def test_a_project_name_and_the_analysis_are_escaped(goal, as_controller) -> None:
    attack = "<script>alert('x')</script>"
    rows = [
        {"project": f"Camera {attack}", "omvang": "10", "gerealiseerd_tm_vorig_jaar": "0",
         "besteding": "0"},
    ]  # fmt: skip
    assert as_controller.post(edit_url("financien:kredieten"), credit_data(rows)).status_code == 302
    assert as_controller.post(edit_url(), grid({}, f"Tekst {attack}")).status_code == 302
    for url in (overview_url(), edit_url("financien:kredieten"), edit_url()):
        html = as_controller.get(url).content.decode()
        assert attack not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_posts_need_the_csrf_token(goal, controller) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(controller)
    amounts, credits = FinanceAmount.objects.count(), Credit.objects.count()
    assert client.post(edit_url(), grid(zwolle_amounts())).status_code == 403
    response = client.post(edit_url("financien:kredieten"), credit_data(zwolle_credits()))
    assert response.status_code == 403
    assert (FinanceAmount.objects.count(), Credit.objects.count()) == (amounts, credits)
    # With the token from the form the same post is saved.
    client.get(edit_url())
    token = client.cookies["csrftoken"].value
    data = {**grid(zwolle_amounts()), "csrfmiddlewaretoken": token}
    assert client.post(edit_url(), data).status_code == 302
    assert FinanceAmount.objects.count() == amounts + 16


def test_a_removed_goal_can_be_read_but_not_edited(goal, as_controller) -> None:
    enter_zwolle(as_controller)
    Goal.objects.filter(pk=goal.pk).update(removed_at=timezone.now())
    response = as_controller.get(overview_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "uit het plan verwijderd" in html and "2.032.380" in html
    assert edit_url() not in html
    assert as_controller.get(edit_url()).status_code == 404
    assert as_controller.post(edit_url(), grid(zwolle_amounts())).status_code == 404


def test_a_year_outside_the_plan_is_not_editable(goal, as_controller) -> None:
    assert as_controller.get(edit_url(year=1999)).status_code == 404
    assert as_controller.get(edit_url("financien:kredieten", year=2040)).status_code == 404
    # The overview falls back to a year of the plan for a year it does not know.
    response = as_controller.get(overview_url(1999))
    assert response.status_code == 200
    assert "Financiën 1999" not in response.content.decode()


def test_the_year_choice_offers_the_plan_years(goal, as_controller) -> None:
    html = as_controller.get(overview_url()).content.decode()
    for year in range(2019, 2024):
        assert f'<option value="{year}"' in html
    assert '<option value="2022" selected>' in html


def test_the_goal_page_shows_money_changes_in_euros_like_the_money_page(
    goal, as_controller, adviseur_client
) -> None:
    enter_zwolle(as_controller)
    values = zwolle_amounts()
    values["begroting__lasten"] = "1.700.000"
    assert as_controller.post(edit_url(), grid(values, VARIANCE)).status_code == 302
    page = adviseur_client.get(f"/plan/doel/{KEY}/?jaar={YEAR}").content.decode()
    history = page[page.index("Wijzigingen") :]
    assert "<dt>Vastgestelde begroting, lasten</dt>" in history
    assert "nieuw: </span>1.700.000</ins>" in history and "1700000" not in history
