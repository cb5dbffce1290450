"""The register pages: doelbinding, the actions on a case and their audit records, links only to
visible cases, search and export (audited, no person data, no formulas), escaping, CSRF, the
new-case form with its buurt check, and the FG's audit-log page with its export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest

from django.db import connection
from django.test import Client
from django.urls import reverse

from openveiligheid.areas.models import Area
from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases import services
from openveiligheid.cases.crypto import new_key
from openveiligheid.cases.models import (
    Case,
    CaseLink,
    CasePerson,
    JournalEntry,
    MeasureCase,
    StatusChange,
    WoonoverlastCase,
)
from openveiligheid.cases.registers import PURPOSES
from tests.conftest import login_verified, with_role

pytestmark = pytest.mark.django_db

DOEL = "voorbereiding casusoverleg"
ADDRESS = "Fictieve Dreef 7"
NAME = "Fictieve Bewoner"


@pytest.fixture
def areas() -> None:
    """Groningen's wijk 00 with one buurt, and a buurt of Breda (division 2024)."""
    gemeente = Area.objects.create(code="GM0014", division=2024, level="gemeente", name="Groningen")
    wijk = Area.objects.create(
        code="WK001400", division=2024, level="wijk", name="Centrum", parent=gemeente,
        gemeente_code="GM0014",
    )  # fmt: skip
    Area.objects.create(
        code="BU00140000", division=2024, level="buurt", name="Binnenstad-Zuid", parent=wijk,
        gemeente_code="GM0014",
    )  # fmt: skip
    Area.objects.create(
        code="BU07580000", division=2024, level="buurt", name="Breda-Centrum",
        gemeente_code="GM0758",
    )  # fmt: skip


@pytest.fixture
def case(casusregisseur, areas) -> WoonoverlastCase:
    made = services.open_case(
        casusregisseur,
        "woonoverlast",
        "GM0014",
        number="WO-7",
        opened=dt.date(2024, 3, 1),
        woningtype="particuliere huur",
        address=ADDRESS,
        buurt_code="BU00140000",
        wijk_code="WK001400",
        interventions=["gesprek", "mediation"],
    )
    services.add_person(casusregisseur, made, NAME, birth_date=dt.date(1975, 8, 9))
    return made


@pytest.fixture
def regisseur(casusregisseur) -> Client:
    return login_verified(Client(), casusregisseur)


def case_url(case: Case, doel: str | None = DOEL) -> str:
    url = reverse("cases:casus", kwargs={"pk": case.pk})
    return f"{url}?{urlencode({'doel': doel})}" if doel else url


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- doelbinding ----------------------------------------------------------------------------------


def test_without_a_purpose_the_case_page_asks_for_one_and_shows_nothing(regisseur, case) -> None:
    before = len(events(AuditEvent.CASE_VIEWED))
    for url in [case_url(case, None), case_url(case, "nieuwsgierigheid")]:
        response = regisseur.get(url)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Met welk doel opent u deze casus?" in content
        assert ADDRESS not in content and NAME not in content and "WO-7" not in content
        for purpose in PURPOSES:
            assert f'value="{purpose}"' in content
    assert "geldige keuze" in content  # the invalid purpose is named as such
    assert len(events(AuditEvent.CASE_VIEWED)) == before


def test_with_a_purpose_the_case_is_shown_and_the_read_recorded(
    regisseur, case, casusregisseur
) -> None:
    response = regisseur.get(case_url(case))
    content = response.content.decode()
    assert response.status_code == 200
    assert ADDRESS in content and NAME in content
    assert "Centrum" in content and "Binnenstad-Zuid" in content  # wijk and buurt by name
    assert "gesprek, mediation" in content
    assert DOEL in content  # the page says for which purpose
    [read] = events(AuditEvent.CASE_VIEWED)
    assert read.purpose == DOEL
    assert read.object == "casus woonoverlast WO-7 (GM0014)"
    assert read.user_name == casusregisseur.username


def test_the_person_page_has_the_same_purpose_and_masks_the_bsn(
    regisseur, case, casusregisseur, settings
) -> None:
    settings.BSN_KEY = new_key()
    person = services.add_person(casusregisseur, case, "Tweede Bewoner", bsn="123456782")
    url = reverse("cases:persoon", kwargs={"pk": person.pk})
    asked = regisseur.get(url).content.decode()
    assert "Met welk doel" in asked and "Tweede Bewoner" not in asked
    page = regisseur.get(url, {"doel": DOEL}).content.decode()
    assert "Tweede Bewoner" in page and "WO-7" in page
    assert "123456782" not in page and "782" in page
    [read] = events(AuditEvent.PERSON_VIEWED)
    assert (read.purpose, read.object) == (DOEL, f"persoon {person.pk}")
    shown = regisseur.get(url, {"doel": DOEL, "bsn": "tonen"}).content.decode()
    assert "123456782" in shown
    assert events(AuditEvent.PERSON_VIEWED)[-1].detail == {"bsn": "getoond"}


# --- changes ------------------------------------------------------------------------------------


def test_a_journal_line_is_written_and_recorded(regisseur, case, casusregisseur) -> None:
    response = regisseur.post(
        reverse("cases:journaal", kwargs={"pk": case.pk}),
        {"doel": DOEL, "journaal-date": "2024-03-05", "journaal-kind": "actie",
         "journaal-text": "Gesprek met de buren gevoerd."},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == case_url(case)
    [entry] = JournalEntry.objects.filter(case=case)
    assert (entry.date, entry.kind, entry.user_name) == (
        dt.date(2024, 3, 5),
        "actie",
        casusregisseur.username,
    )
    change = events(AuditEvent.CASE_CHANGED)[-1]
    assert change.detail["wijziging"] == "journaalregel toegevoegd"
    assert change.object == "casus woonoverlast WO-7 (GM0014)"
    page = regisseur.get(response.url).content.decode()
    assert "Gesprek met de buren gevoerd." in page and "De journaalregel is toegevoegd." in page


def test_an_empty_journal_line_is_refused_on_the_page(regisseur, case) -> None:
    response = regisseur.post(
        reverse("cases:journaal", kwargs={"pk": case.pk}),
        {"doel": DOEL, "journaal-date": "2024-03-05", "journaal-kind": "actie",
         "journaal-text": ""},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Dit veld is vereist." in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_closing_needs_a_reason_and_sets_the_closing_date(regisseur, case) -> None:
    url = reverse("cases:status", kwargs={"pk": case.pk})
    data = {"doel": DOEL, "status-status": "afgesloten", "status-date": "2024-04-01"}
    refused = regisseur.post(url, data)
    assert refused.status_code == 400
    assert "Geef de reden van afsluiten." in refused.content.decode()
    too_early = regisseur.post(url, data | {"status-date": "2024-01-01", "status-outcome": "x"})
    assert "vóór de datum waarop de casus is geopend" in too_early.content.decode()
    done = regisseur.post(url, data | {"status-outcome": "overlast gestopt"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed, case.outcome) == (
        "afgesloten",
        dt.date(2024, 4, 1),
        "overlast gestopt",
    )
    assert StatusChange.objects.filter(case=case, status="afgesloten").count() == 1
    assert events(AuditEvent.CASE_CHANGED)[-1].detail["status"] == "afgesloten"


def test_a_person_is_added_and_recorded(regisseur, case) -> None:
    response = regisseur.post(
        reverse("cases:persoon-toevoegen", kwargs={"pk": case.pk}),
        {"doel": DOEL, "persoon-name": "Derde Bewoner", "persoon-birth_date": "1990-01-02",
         "persoon-role": "melder"},
    )  # fmt: skip
    assert response.status_code == 302
    added = CasePerson.objects.get(case=case, person__name="Derde Bewoner")
    assert (added.role, added.person.birth_date) == ("melder", dt.date(1990, 1, 2))
    assert events(AuditEvent.CASE_CHANGED)[-1].detail["persoon"] == added.person_id
    assert "Derde Bewoner" in regisseur.get(response.url).content.decode()


def test_a_bsn_field_only_when_the_installation_has_a_key(regisseur, case, settings) -> None:
    settings.BSN_KEY = ""
    assert 'name="persoon-bsn"' not in regisseur.get(case_url(case)).content.decode()
    settings.BSN_KEY = new_key()
    assert 'name="persoon-bsn"' in regisseur.get(case_url(case)).content.decode()
    refused = regisseur.post(
        reverse("cases:persoon-toevoegen", kwargs={"pk": case.pk}),
        {"doel": DOEL, "persoon-name": "X", "persoon-role": "melder", "persoon-bsn": "123456789"},
    )
    assert refused.status_code == 400 and "geen geldig BSN" in refused.content.decode()


def test_a_link_only_to_a_case_the_user_may_see(
    regisseur, case, casusregisseur, django_user_model
) -> None:
    other = services.open_case(
        casusregisseur, "woonoverlast", "GM0014", number="WO-8", opened=dt.date(2024, 3, 2),
        woningtype="koop",
    )  # fmt: skip
    jurist = with_role(django_user_model, "jurist2", "jurist bestuurlijke maatregelen")
    measure = services.open_case(
        jurist, "maatregelen", "GM0014", number="BM-1", opened=dt.date(2024, 3, 3),
        decided=dt.date(2024, 3, 3), measure_type="tijdelijk huisverbod",
    )  # fmt: skip
    url = reverse("cases:koppelen", kwargs={"pk": case.pk})
    for number in ["BM-1", "BESTAAT-NIET", "WO-7"]:
        refused = regisseur.post(url, {"doel": DOEL, "kop-number": number})
        assert refused.status_code == 400, number
        assert "die u mag zien" in refused.content.decode()
        assert "tijdelijk huisverbod" not in refused.content.decode()  # nothing of the measure
    assert not CaseLink.objects.exists()
    done = regisseur.post(url, {"doel": DOEL, "kop-number": "WO-8", "kop-note": "zelfde pand"})
    assert done.status_code == 302
    assert CaseLink.objects.get().other_id == other.pk
    page = regisseur.get(case_url(case)).content.decode()
    assert "WO-8" in page
    assert events(AuditEvent.CASE_CHANGED)[-1].detail["aan"].startswith("casus woonoverlast WO-8")
    assert measure.pk != other.pk


# --- lists, search and export -------------------------------------------------------------------


def test_the_register_page_counts_open_cases(regisseur, case, casusregisseur) -> None:
    services.set_status(casusregisseur, case, "afgesloten", dt.date(2024, 5, 1), "opgelost")
    for number in ["WO-10", "WO-11"]:
        services.open_case(
            casusregisseur, "woonoverlast", "GM0014", number=number,
            opened=dt.date(2024, 3, 2), woningtype="koop",
        )  # fmt: skip
    page = regisseur.get(reverse("cases:registers")).content.decode()
    assert '<td class="utrecht-table__cell numeric">2</td>' in page
    assert "Bestuurlijke maatregelen" not in page  # not their register


def test_the_list_has_no_person_data_filters_and_pages(regisseur, case, casusregisseur) -> None:
    for i in range(30):
        services.open_case(
            casusregisseur, "woonoverlast", "GM0014", number=f"WO-{100 + i}",
            opened=dt.date(2023, 1, 1) + dt.timedelta(days=i), woningtype="koop",
        )  # fmt: skip
    services.set_status(casusregisseur, case, "in behandeling", dt.date(2024, 3, 2))
    url = reverse("cases:lijst", args=["woonoverlast"])
    first = regisseur.get(url).content.decode()
    assert "WO-7" in first and "Centrum" in first
    assert ADDRESS not in first and NAME not in first
    assert "Pagina 1 van 2" in first and "WO-100" not in first  # oldest on page 2
    assert "WO-100" in regisseur.get(url, {"pagina": 2}).content.decode()
    filtered = regisseur.get(url, {"status": "in behandeling"}).content.decode()
    assert "WO-7" in filtered and "WO-101" not in filtered
    assert not events(AuditEvent.SEARCHED)  # listing is not searching


def test_a_search_by_name_is_a_post_and_recorded_without_the_name(
    regisseur, case, casusregisseur
) -> None:
    services.open_case(
        casusregisseur, "woonoverlast", "GM0014", number="WO-9", opened=dt.date(2024, 3, 2),
        woningtype="koop",
    )  # fmt: skip
    url = reverse("cases:lijst", args=["woonoverlast"])
    response = regisseur.post(url, {"zoek": "bewoner"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "WO-7" in content and "WO-9" not in content
    assert NAME not in content  # found by the name, but the list shows no name
    [searched] = events(AuditEvent.SEARCHED)
    assert searched.detail == {"zoekterm_lengte": 7}
    assert "bewoner" not in json.dumps(searched.detail) + searched.object


def test_the_export_has_no_person_data_no_formulas_and_is_recorded(
    regisseur, case, casusregisseur
) -> None:
    services.open_case(
        casusregisseur, "woonoverlast", "GM0014", number="WO-12", opened=dt.date(2024, 3, 2),
        woningtype="koop", team='=HYPERLINK("http://example.com")', address="Elders 1",
    )  # fmt: skip
    url = reverse("cases:export", args=["woonoverlast"])
    form = regisseur.get(url)
    assert form.status_code == 200 and "Met welk doel exporteert u" in form.content.decode()
    assert not events(AuditEvent.EXPORTED)
    assert regisseur.post(url, {"doel": "iets anders"}).status_code == 200  # asked again
    assert not events(AuditEvent.EXPORTED)
    response = regisseur.post(url, {"doel": "casusbehandeling"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    assert "zaaknummer" in header and "woningtype" in header and "adres" not in header
    assert ADDRESS not in text and "Elders 1" not in text and NAME not in text
    team = {row[header.index("zaaknummer")]: row[header.index("team")] for row in rows[1:]}
    assert team["WO-12"] == '\'=HYPERLINK("http://example.com")'
    [exported] = events(AuditEvent.EXPORTED)
    assert exported.purpose == "casusbehandeling"
    assert exported.object == "register woonoverlast (GM0014)"
    assert exported.detail["aantal"] == 2


# --- safety of the pages ------------------------------------------------------------------------


def test_hostile_text_is_escaped(regisseur, casusregisseur, areas) -> None:
    hostile = '<script>alert("x")</script>'
    made = services.open_case(
        casusregisseur, "woonoverlast", "GM0014", number="WO-<b>1</b>",
        opened=dt.date(2024, 3, 1), woningtype="koop", address=hostile, partners=[hostile],
    )  # fmt: skip
    services.add_journal(casusregisseur, made, hostile)
    services.add_person(casusregisseur, made, hostile)
    pages = [
        regisseur.get(case_url(made)),
        regisseur.get(reverse("cases:lijst", args=["woonoverlast"])),
    ]
    for response in pages:
        content = response.content.decode()
        assert "<script>alert" not in content and "<b>1</b>" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0].content.decode()


def test_posts_need_the_csrf_token(case, casusregisseur) -> None:
    client = login_verified(Client(enforce_csrf_checks=True), casusregisseur)
    url = reverse("cases:journaal", kwargs={"pk": case.pk})
    data = {"doel": DOEL, "journaal-date": "2024-03-05", "journaal-kind": "actie",
            "journaal-text": "Zonder token."}  # fmt: skip
    assert client.post(url, data).status_code == 403
    export = reverse("cases:export", args=["woonoverlast"])
    assert client.post(export, {"doel": DOEL}).status_code == 403
    assert not JournalEntry.objects.exists() and not events(AuditEvent.EXPORTED)
    client.get(case_url(case))  # sets the cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url, data | {"csrfmiddlewaretoken": token}).status_code == 302
    assert JournalEntry.objects.count() == 1


# --- a new case ---------------------------------------------------------------------------------


def test_a_new_woonoverlast_case_with_its_buurt(regisseur, areas) -> None:
    url = reverse("cases:nieuw", args=["woonoverlast"])
    form = regisseur.get(url).content.decode()
    assert "Binnenstad-Zuid (BU00140000)" in form and "BU07580000" not in form
    data = {"number": "WO-20", "opened": "2024-02-01", "buurt": "BU00140000",
            "woningtype": "corporatie", "partners": "politie, Lefier",
            "interventions": ["huisbezoek", "buurtbemiddeling"]}  # fmt: skip
    response = regisseur.post(url, data)
    assert response.status_code == 302
    made = WoonoverlastCase.objects.get(number="WO-20")
    assert (made.gemeente_code, made.buurt_code, made.wijk_code) == (
        "GM0014",
        "BU00140000",
        "WK001400",
    )
    assert made.partners == ["politie", "Lefier"]
    assert made.interventions == ["huisbezoek", "buurtbemiddeling"]
    assert response.url == case_url(made, "casusbehandeling")
    assert events(AuditEvent.CASE_CREATED)[-1].object == "casus woonoverlast WO-20 (GM0014)"
    again = regisseur.post(url, data)
    assert again.status_code == 200
    assert "Dit zaaknummer bestaat al in dit register." in again.content.decode()
    elsewhere = regisseur.post(url, data | {"number": "WO-21", "buurt": "BU07580000"})
    assert "BU07580000 is geen beschikbare keuze" in elsewhere.content.decode()
    missing = regisseur.post(url, data | {"number": "WO-22", "buurt": ""})
    assert "Dit veld is vereist." in missing.content.decode()
    assert WoonoverlastCase.objects.count() == 1


def test_a_huisverbod_lasts_ten_days_and_at_most_28(django_user_model, areas) -> None:
    jurist = with_role(django_user_model, "jurist3", "jurist bestuurlijke maatregelen")
    client = login_verified(Client(), jurist)
    url = reverse("cases:nieuw", args=["maatregelen"])
    data = {"number": "HV-1", "opened": "2024-02-01", "measure_type": "tijdelijk huisverbod",
            "decided": "2024-02-01", "objection": "geen"}  # fmt: skip
    refused = client.post(url, data | {"duration_days": "29"})
    assert "ten hoogste 28 dagen" in refused.content.decode()
    assert client.post(url, data).status_code == 302
    assert MeasureCase.objects.get(number="HV-1").duration_days == 10


# --- the audit log ------------------------------------------------------------------------------


def test_the_fg_sees_the_audit_log_newest_first_with_the_chain_checked(regisseur, case, fg) -> None:
    regisseur.get(case_url(case))
    client = login_verified(Client(), fg)
    response = client.get(reverse("cases:auditlog"))
    content = response.content.decode()
    assert response.status_code == 200
    total = AuditEvent.objects.count()
    assert "Hashketen intact. Volledig gecontroleerd op" in content  # the first view: all
    assert f": {total} regels." in content
    table = content.split("<tbody")[1]
    assert table.index(AuditEvent.AUDIT_VIEWED) < table.index(AuditEvent.CASE_VIEWED)
    assert table.index(AuditEvent.CASE_VIEWED) < table.index(AuditEvent.CASE_CREATED)
    assert DOEL in content and ADDRESS not in content and NAME not in content
    viewed = events(AuditEvent.AUDIT_VIEWED)[-1]
    assert (viewed.user_name, viewed.purpose) == (fg.username, PURPOSES[-1])
    only = client.get(reverse("cases:auditlog"), {"actie": AuditEvent.CASE_VIEWED})
    assert AuditEvent.CASE_CREATED not in only.content.decode().split("<tbody")[1]
    assert events(AuditEvent.AUDIT_VIEWED)[-1].detail == {"actie": AuditEvent.CASE_VIEWED}


def test_the_audit_log_warns_when_the_chain_is_broken(case, fg) -> None:
    row = AuditEvent.objects.order_by("pk").first()
    with connection.cursor() as cursor:  # tampering outside the application
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["vervalst", row.pk]
        )
    content = login_verified(Client(), fg).get(reverse("cases:auditlog")).content.decode()
    assert "Hashketen intact" not in content
    assert "de hashketen is verbroken op 1 plaats" in content
    assert f"Regel {row.pk} " in content


def test_the_audit_export_for_the_fg(case, fg) -> None:
    client = login_verified(Client(), fg)
    as_json = client.get(reverse("cases:auditlog-export", args=["json"]))
    assert as_json["Content-Type"].startswith("application/json")
    rows = json.loads(as_json.content)
    assert {"wanneer", "wie", "actie", "object", "doel"} <= set(rows[0])
    assert AuditEvent.CASE_CREATED in {row["actie"] for row in rows}
    as_csv = client.get(
        reverse("cases:auditlog-export", args=["csv"]), {"actie": AuditEvent.CASE_CREATED}
    )
    lines = as_csv.content.decode().splitlines()
    assert lines[0] == "wanneer;wie;actie;object;doel;details;hash"
    assert len(lines) == 2 and "casus woonoverlast WO-7 (GM0014)" in lines[1]
    exports = [e.detail.get("formaat") for e in events(AuditEvent.AUDIT_VIEWED)]
    assert exports == ["json", "csv"]
    assert client.get(reverse("cases:auditlog-export", args=["xml"])).status_code == 404


def test_only_the_fg_opens_the_audit_log(regisseur, adviseur) -> None:
    assert regisseur.get(reverse("cases:auditlog")).status_code == 403
    plain = Client()
    plain.force_login(adviseur)
    assert plain.get(reverse("cases:auditlog-export", args=["csv"])).status_code == 403
    assert not events(AuditEvent.AUDIT_VIEWED)


def test_the_fg_page_checks_only_the_rows_after_the_newest_whole_check(case, fg) -> None:
    from openveiligheid.audit.services import newest_check, verify_chain

    verify_chain()
    old = AuditEvent.objects.order_by("pk").first()
    with connection.cursor() as cursor:  # tampering outside the application
        cursor.execute("UPDATE audit_auditevent SET object = 'x' WHERE id = %s", [old.pk])
    client = login_verified(Client(), fg)
    content = client.get(reverse("cases:auditlog")).content.decode()
    assert "Hashketen intact. Volledig gecontroleerd op" in content
    after = AuditEvent.objects.filter(pk__gt=newest_check().last_pk).count()
    assert after >= 1  # at least this look at the log
    assert f"de {after} regel{'s' if after > 1 else ''} daarna" in content
    content = client.get(reverse("cases:auditlog"), {"controle": "volledig"}).content.decode()
    assert "de hashketen is verbroken op 1 plaats" in content and f"Regel {old.pk} " in content
