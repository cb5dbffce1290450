"""Uploading each kind of file through the page: the same services as the command line, on
the small real files of ``tests/data``; what is stored, the report, bad input (file, line and
field shown, nothing stored), the same file twice, too large files and hostile file names."""

from __future__ import annotations

import re

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from openveiligheid.areas.models import Area
from openveiligheid.demo.loader import PLAN_FILE
from openveiligheid.figures.models import Figure, Incident
from openveiligheid.imports.models import ImportRun
from openveiligheid.policy.models import Activity, ActivityStatus, Credit, FinanceAmount, Goal
from tests.conftest import DATA
from tests.uploads.conftest import logged_in

pytestmark = pytest.mark.django_db

GOAL = "minder-fietsdiefstal"
AREA_CODES = re.findall(
    r'^"(\w+) *"', (DATA / "gebieden_47018NED_groningen.csv").read_text(), re.MULTILINE
)
AREA_CODES = ["NL01" if code == "NL00" else code for code in AREA_CODES]
MONEY = (
    "doel;onderdeel;stap;bedrag\n"
    f"{GOAL};lasten;begroting;1.616.141\n"
    f"{GOAL};baten;begroting;26.012\n"
    f"{GOAL};lasten;jaarrekening;1.986.540\n"
    "1.2;lasten;begroting;12.500\n"  # a goal named by its code
)
CREDITS = (
    "doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding\n"
    f"{GOAL};Camera's stationsgebied;316.906;51.698;63.807\n"
)
ACTIVITIES = (
    "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"
    f"{GOAL};1.1-a;Fietsen graveren op de markt;groen;groen;groen;groen;\n"
    f"{GOAL};1.1-b;Extra fietsenstalling station;groen;oranje;groen;groen;\n"
)


def post(client: Client, kind: str, name: str, content: bytes, **extra):
    data = {"soort": kind, "bestand": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("uploads:inlezen"), data)


def report_of(client: Client, response) -> tuple[ImportRun, str]:
    """The run an upload redirected to, and its report page."""
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/inlezen/(\d+)/", response.url)
    assert match, response.url
    run = ImportRun.objects.get(pk=int(match.group(1)))
    page = client.get(response.url)
    assert page.status_code == 200
    return run, page.content.decode()


def counts() -> dict[str, int]:
    models = [Area, Figure, Incident, Activity, ActivityStatus, FinanceAmount, Credit, Goal]
    found = {model.__name__: model.objects.count() for model in models}
    return found | {"derived": Figure.objects.filter(derived=True).count()}


@pytest.fixture
def analist_client(analist) -> Client:
    return logged_in(analist)


@pytest.fixture
def controller_client(controller) -> Client:
    return logged_in(controller)


@pytest.fixture
def adviseur_upload(adviseur) -> Client:
    return logged_in(adviseur)


# --- one successful upload per kind -----------------------------------------------------------


def test_cijfers_cbs_table(plan, analist_client) -> None:
    content = (DATA / "cbs_83651NED_groningen.csv").read_bytes()
    content = content.replace(b"2021JJ00;1825", b"2021JJ00;1826")  # not the demo's own file
    before = counts()
    run, page = report_of(analist_client, post(analist_client, "cijfers", "83651NED.csv", content))
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert run.kind == "figures" and run.format.startswith("cbs")
    assert run.read > 0 and run.updated + run.created > 0
    assert Figure.objects.count() >= before["Figure"]
    assert "Ingelezen." in page and "83651NED.csv" in page
    assert f'<span class="upload-counts__value">{run.read}</span> gelezen' in page


def test_cijfers_csv(plan, analist_client) -> None:
    content = (DATA / "insight_fietsdiefstal_buurt_2016.csv").read_bytes()
    before = counts()
    response = post(analist_client, "cijfers", "buurt_2016.csv", content, indeling=2017)
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert run.division == 2017 and run.read == 108
    assert run.created + run.updated > 0
    # published figures: the file's yearly buurt figures replace sums derived from months
    published = before["Figure"] - before["derived"] + run.created - run.deleted
    assert Figure.objects.filter(derived=False).count() == published
    assert "108" in page and "Ingelezen." in page


def test_cijfers_with_zeros_left_out(plan, analist_client) -> None:
    """The tick "Het bestand laat nullen weg" is --nullen-weggelaten: a buurt the file does not
    name counts as 0, so the wijk gets its total, and the report says so."""
    lines = ["measure,area,period,value"] + [
        f"misdrijven:9.9.9,BU00140000,2023-{month:02d},{month}" for month in range(1, 13)
    ]
    content = ("\n".join(lines) + "\n").encode()
    response = post(analist_client, "cijfers", "dun.csv", content, indeling=2024)
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED and not run.zeros_omitted, run.message
    assert "Op deze pagina is --nullen-weggelaten het vinkje" in page  # the web's name for it
    assert not Figure.objects.filter(measure__name="misdrijven:9.9.9", area__code="WK001400")
    response = post(analist_client, "cijfers", "dun.csv", content, indeling=2024,
                    nullen_weggelaten="on")  # fmt: skip
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert run.zeros_omitted and "weggelaten: ontbrekende waarden als 0 opgeteld" in page
    wijk = Figure.objects.get(
        measure__name="misdrijven:9.9.9", area__code="WK001400", period="2023"
    )
    assert wijk.value == sum(range(1, 13)) and wijk.derived


def test_area_list(plan, analist_client) -> None:
    content = (DATA / "gebieden_47018NED_groningen.csv").read_bytes()
    before = counts()
    response = post(analist_client, "gebieden", "WijkenEnBuurten.csv", content, indeling=2024)
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert run.read == Area.objects.filter(division=2024, code__in=AREA_CODES).count() > 0
    assert Area.objects.count() == before["Area"] + run.created
    assert Area.objects.filter(code="BU0363AB01", division=2024).exists()
    assert f"{run.read} gebieden gelezen: {run.created} nieuw, {run.updated} bijgewerkt" in page


def test_area_list_needs_the_division(plan, analist_client) -> None:
    content = (DATA / "gebieden_47018NED_groningen.csv").read_bytes()
    before = counts()
    response = post(analist_client, "gebieden", "WijkenEnBuurten.csv", content)
    assert response.status_code == 200
    assert "Vul bij gebiedenlijst ook gebiedsindeling (jaar) in." in response.content.decode()
    assert counts() == before


def test_boundaries(plan, analist_client) -> None:
    content = (DATA / "buurten_2017_groningen_centrum.geojson").read_bytes()
    response = post(analist_client, "grenzen", "buurten.geojson", content, indeling=2017)
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert run.kind == "boundaries" and run.read == 3 and run.division == 2017
    assert "3 grenzen gelezen" in page


def test_incidents_replace_only_when_allowed(plan, analist_client) -> None:
    content = (DATA / "insight_it_fietsdiefstal_centrum_2017_02.csv").read_bytes()
    before = counts()
    response = post(analist_client, "incidenten", "fietsen.csv", content, indeling=2017)
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.FAILED  # would remove the demo's thousands of incidents
    assert counts() == before
    assert "Er is niets opgeslagen." in page, run.errors
    assert "eerder ingelezen incidenten verwijderen" in page, run.errors
    assert "Op deze pagina is --vervang-alles het vinkje" in page  # the web's name for it
    response = post(
        analist_client, "incidenten", "fietsen.csv", content, indeling=2017, vervang_alles="on"
    )
    run, page = report_of(analist_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    assert Incident.objects.count() == 50
    assert "50 incidenten ingelezen" in page


def test_plan_yaml(plan, adviseur_upload) -> None:
    text = PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace("Iedereen heeft recht", "Bijgewerkt: iedereen heeft recht", 1)
    response = post(adviseur_upload, "plan", "voorbeeldplan.yaml", text.encode())
    run, page = report_of(adviseur_upload, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    assert run.kind == "plan" and run.user.username == "adviseur"
    assert f"Plan &#x27;{plan.name}&#x27; ingelezen" in page
    assert plan.themes.filter(description__contains="Bijgewerkt: iedereen").exists()


def test_plan_of_another_gemeente_is_refused(plan, adviseur_upload) -> None:
    text = PLAN_FILE.read_text(encoding="utf-8").replace("GM0014", "GM0758")
    before = counts()
    run, page = report_of(
        adviseur_upload, post(adviseur_upload, "plan", "breda.yaml", text.encode())
    )
    assert run.status == ImportRun.FAILED
    assert counts() == before
    assert "dit plan is van gemeente GM0758" in page
    assert '<td class="utrecht-table__cell">gemeente</td>' in page


def test_activities_with_their_warning(plan, adviseur_upload) -> None:
    before = counts()
    response = post(
        adviseur_upload,
        "activiteiten",
        "activiteiten.csv",
        ACTIVITIES.encode(),
        jaar=2022,
        moment="najaarsnota",
    )
    run, page = report_of(adviseur_upload, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    goal = plan.themes.get(key="veilige-woonomgeving").goals.get(key=GOAL)
    activities = Activity.objects.filter(goal=goal, year=2022)
    assert sorted(activities.values_list("code", flat=True)) == ["1.1-a", "1.1-b"]
    assert Activity.objects.count() == before["Activity"] + 2
    status = activities.get(code="1.1-b").current_status()
    assert status.planning == "oranje" and status.moment == "najaarsnota"
    assert "Waarschuwingen" in page
    assert "activiteiten.csv, regel 3" in page  # oranje without a toelichting


def test_money(plan, controller_client) -> None:
    response = post(controller_client, "financien", "financien.csv", MONEY.encode(), jaar=2022)
    run, page = report_of(controller_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    amounts = FinanceAmount.objects.filter(goal__key=GOAL, goal__theme__plan=plan, year=2022)
    stored = {(a.step, a.part): a.amount for a in amounts}
    assert stored[("begroting", "lasten")] == 1616141
    assert stored[("jaarrekening", "lasten")] == 1986540
    assert stored[("begroting", "baten")] == 26012
    code_goal = FinanceAmount.objects.get(goal__code="1.2", goal__theme__plan=plan, year=2022)
    assert code_goal.amount == 12500
    assert "4 bedragen ingelezen voor 2 doel(en), jaar 2022" in page


def test_credits(plan, controller_client) -> None:
    response = post(controller_client, "kredieten", "kredieten.csv", CREDITS.encode(), jaar=2022)
    run, page = report_of(controller_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    credit = Credit.objects.get(goal__key=GOAL, goal__theme__plan=plan, year=2022)
    assert (credit.project, credit.omvang, credit.besteding) == (
        "Camera's stationsgebied",
        316906,
        63807,
    )
    assert credit.restant == 316906 - 51698 - 63807
    assert "1 kredieten ingelezen" in page


def test_year_kinds_need_a_year(plan, controller_client) -> None:
    before = counts(), ImportRun.objects.count()
    response = post(controller_client, "financien", "financien.csv", MONEY.encode())
    assert response.status_code == 200
    assert "Vul bij financiën ook jaar in." in response.content.decode()
    assert (counts(), ImportRun.objects.count()) == before


# --- bad input: file, line and field, and nothing stored ----------------------------------------

BAD = [
    (
        "analist",
        "cijfers",
        "cijfers.csv",
        b"measure,area,period,value\nincidenten:A72,BU00140000,2016,veel\n",
        {"indeling": 2017},
        ("cijfers.csv", "2", "value"),
    ),
    (
        "analist",
        "gebieden",
        "gebieden.csv",
        b'"Key","Title"\n"GM0014","Groningen"\n"XX12","Nergens"\n',
        {"indeling": 2024},
        ("gebieden.csv", "3", "Key"),
    ),
    (
        "analist",
        "grenzen",
        "grenzen.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature"',
        {"indeling": 2017},
        ("grenzen.geojson",),
    ),
    (
        "analist",
        "incidenten",
        "incidenten.csv",
        b"Incident Identificatie,lon_wgs84\nPL1,6.5\n",
        {},
        ("incidenten.csv",),
    ),
    (
        "adviseur",
        "plan",
        "plan.yaml",
        b"gemeente: GM0014\nnaam: [kapot\n",
        {},
        ("plan.yaml",),
    ),
    (
        "adviseur",
        "activiteiten",
        "activiteiten.csv",
        ACTIVITIES.replace(";groen;oranje;", ";groen;paars;").encode(),
        {"jaar": 2022, "moment": "jaarrekening"},
        ("activiteiten.csv", "3", "planning"),
    ),
    (
        "controller",
        "financien",
        "financien.csv",
        MONEY.replace("26.012", "zesentwintig").encode(),
        {"jaar": 2022},
        ("financien.csv", "3", "bedrag"),
    ),
    (
        "controller",
        "financien",
        "onbekend_doel.csv",
        MONEY.replace("1.2;", "9.9;").encode(),
        {"jaar": 2022},
        ("onbekend_doel.csv", "5", "doel"),
    ),
    (
        "controller",
        "financien",
        "dubbel.csv",
        (MONEY + f"{GOAL};baten;begroting;1\n").encode(),
        {"jaar": 2022},
        ("dubbel.csv", "6"),
    ),
    (
        "controller",
        "kredieten",
        "kredieten.csv",
        CREDITS.replace("63.807", "12,50").encode(),
        {"jaar": 2022},
        ("kredieten.csv", "2", "besteding"),
    ),
]


@pytest.mark.parametrize(
    "who, kind, name, content, extra, where",
    BAD,
    ids=[f"{row[1]}-{row[2]}" for row in BAD],
)
def test_bad_input_names_file_line_and_field_and_stores_nothing(
    plan, request, who, kind, name, content, extra, where
) -> None:
    client = logged_in(request.getfixturevalue(who))
    before = counts()
    run, page = report_of(client, post(client, kind, name, content, **extra))
    assert run.status == ImportRun.FAILED
    assert counts() == before
    assert run.errors, run.message
    assert "Niet ingelezen." in page and "Er is niets opgeslagen." in page
    problem = run.errors[0]
    assert problem["file"] == where[0]
    cells = re.findall(r'<td class="utrecht-table__cell[^"]*">(.*?)</td>', page)
    assert where[0] in cells
    if len(where) > 1:
        assert any(p["line"] == int(where[1]) for p in run.errors)
        assert where[1] in cells
    if len(where) > 2:
        assert any(p["field"] == where[2] for p in run.errors)
        assert where[2] in cells


# --- the same file twice, too large, hostile names ----------------------------------------------


@pytest.mark.parametrize(
    "who, kind, name, content, extra",
    [
        ("controller", "financien", "financien.csv", MONEY.encode(), {"jaar": 2022}),
        (
            "analist",
            "cijfers",
            "buurt_2016.csv",
            (DATA / "insight_fietsdiefstal_buurt_2016.csv").read_bytes(),
            {"indeling": 2017},
        ),
        (
            "adviseur",
            "activiteiten",
            "activiteiten.csv",
            ACTIVITIES.encode(),
            {"jaar": 2022, "moment": "jaarrekening"},
        ),
        ("adviseur", "plan", "voorbeeldplan.yaml", PLAN_FILE.read_bytes() + b"# opnieuw\n", {}),
    ],
    ids=["financien", "cijfers", "activiteiten", "plan"],
)
def test_the_same_file_twice_says_it_was_already_imported(
    plan, request, who, kind, name, content, extra
) -> None:
    client = logged_in(request.getfixturevalue(who))
    first, _ = report_of(client, post(client, kind, name, content, **extra))
    assert first.status == ImportRun.SUCCEEDED, first.errors
    after_first = counts()
    second, page = report_of(client, post(client, kind, name, content, **extra))
    assert second.status == ImportRun.SKIPPED
    assert counts() == after_first
    assert "Al ingelezen." in page and "Dit bestand is al ingelezen op" in page
    assert f"import {first.pk}" in page


@override_settings(MAX_INPUT_BYTES=1000)
def test_a_file_over_the_limit_is_refused_with_a_dutch_message(plan, controller_client) -> None:
    page = controller_client.get(reverse("uploads:inlezen")).content.decode()
    assert "hoogstens <strong>1.000 bytes</strong>" in page
    big = (MONEY + f"{GOAL};lasten;mutaties_projecten;1\n" * 40).encode()
    assert len(big) > 1000
    before = counts()
    run, page = report_of(
        controller_client, post(controller_client, "financien", "groot.csv", big, jaar=2022)
    )
    assert run.status == ImportRun.FAILED
    assert counts() == before
    assert "groter dan de ingestelde grens van 1.000 bytes" in page


@override_settings(MAX_INPUT_BYTES=1024 * 1024)
def test_a_file_larger_than_djangos_memory_limits_gets_the_dutch_message_not_a_400(
    plan, controller_client
) -> None:
    """3 MB: over DATA_UPLOAD_MAX_MEMORY_SIZE and FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), so
    Django streams it to a temporary file; the service refuses it before reading it."""
    big = MONEY.encode() + b"x" * (3 * 1024 * 1024)
    run, page = report_of(
        controller_client, post(controller_client, "financien", "heel_groot.csv", big, jaar=2022)
    )
    assert run.status == ImportRun.FAILED
    assert run.file_name == "heel_groot.csv"
    assert "het bestand is 3,0 MB, groter dan de ingestelde grens van 1,0 MB" in page


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_file_streamed_to_disk_is_read_from_there(plan, controller_client) -> None:
    response = post(controller_client, "financien", "op_schijf.csv", MONEY.encode(), jaar=2022)
    run, page = report_of(controller_client, response)
    assert run.status == ImportRun.SUCCEEDED, run.errors
    assert run.file_name == "op_schijf.csv"
    assert FinanceAmount.objects.filter(goal__key=GOAL, year=2022).count() == 3


def test_a_file_name_with_markup_is_escaped(plan, controller_client) -> None:
    name = "<script>alert(1)<script>.csv"
    bad = MONEY.replace("26.012", "veel").encode()
    run, page = report_of(
        controller_client, post(controller_client, "financien", name, bad, jaar=2022)
    )
    assert run.file_name == name
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;script&gt;.csv" in page
    history = controller_client.get(reverse("uploads:geschiedenis")).content.decode()
    assert "<script>alert(1)" not in history
    assert "&lt;script&gt;alert(1)&lt;script&gt;.csv" in history


def test_the_form_promises_no_fake_progress(plan, analist_client) -> None:
    page = analist_client.get(reverse("uploads:inlezen")).content.decode()
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (CSP)
    assert "uploads/inlezen.js" in page
    assert "progress" not in page
    script = (
        DATA.parent.parent / "src/openveiligheid/uploads/static/uploads/inlezen.js"
    ).read_text(encoding="utf-8")
    assert (
        "Bezig met inlezen… dit kan bij grote bestanden enkele minuten duren; sluit deze " in script
    )
    assert "docs/data-formats/cijfers.md" in page


def test_the_history_is_the_users_newest_first_and_paginated(plan, controller_client) -> None:
    for year in range(2000, 2027):
        post(controller_client, "financien", f"financien_{year}.csv", MONEY.encode(), jaar=year)
    first = controller_client.get(reverse("uploads:geschiedenis")).content.decode()
    names = re.findall(r"financien_(\d{4})\.csv</a>", first)
    assert names == [str(year) for year in range(2026, 2001, -1)]  # 25 per page, newest first
    assert "Pagina 1 van 2." in first
    second = controller_client.get(reverse("uploads:geschiedenis") + "?pagina=2").content.decode()
    assert re.findall(r"financien_(\d{4})\.csv</a>", second) == ["2001", "2000"]
