"""The retention job with a frozen clock: the boundary day, open cases, shared persons, the
tombstones that keep the yearly counts right, its audit record, the dry run, the setting."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases.models import (
    Case,
    CaseLink,
    CasePerson,
    JournalEntry,
    MeasureCase,
    Person,
    PgaCase,
    SignalCase,
    StatusChange,
    WoonoverlastCase,
)
from openveiligheid.cases.registers import AFGESLOTEN
from openveiligheid.cases.retention import (
    AUDIT_OBJECT,
    AUDIT_PURPOSE,
    add_years,
    apply_retention,
    kept_until,
    outcome_category,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 6, 15)  #: the frozen clock; woonoverlast keeps 5 years by default


def woonoverlast(number: str, closed: dt.date | None, opened=dt.date(2015, 1, 10), **fields):
    return WoonoverlastCase.objects.create(
        register="woonoverlast",
        number=number,
        gemeente_code="GM0014",
        wijk_code="WK001401",
        buurt_code="BU00140100",
        opened=opened,
        closed=closed,
        status=AFGESLOTEN if closed else "open",
        outcome=fields.pop("outcome", "opgelost" if closed else ""),
        woningtype=fields.pop("woningtype", "koop"),
        address=fields.pop("address", "Fictieve Straat 1"),
        **fields,
    )


def person(name: str, *cases: Case) -> Person:
    found = Person.objects.create(gemeente_code="GM0014", name=name)
    for case in cases:
        CasePerson.objects.create(case=case, person=found)
    return found


def anonymised(case: Case) -> bool:
    return Case.objects.get(pk=case.pk).anonymised_at is not None


def test_a_case_is_kept_through_the_last_day_of_its_period_and_goes_the_day_after() -> None:
    on_boundary = woonoverlast("WO-GRENS", dt.date(2025, 6, 15))  # kept until 2030-06-15
    day_before = woonoverlast("WO-VOOR", dt.date(2025, 6, 14))  # kept until 2030-06-14
    day_after = woonoverlast("WO-NA", dt.date(2025, 6, 16))
    still_open = woonoverlast("WO-OPEN", None, opened=dt.date(2001, 1, 1))
    assert kept_until("woonoverlast", on_boundary.closed) == TODAY
    assert kept_until("woonoverlast", None) is None

    result = apply_retention(today=TODAY)

    assert result.cases["woonoverlast"] == ["WO-VOOR (GM0014)"]
    assert result.counts == {"woonoverlast": 1, "ondermijning": 0, "pga": 0, "maatregelen": 0}
    assert anonymised(day_before)
    assert not anonymised(on_boundary) and not anonymised(day_after)
    assert not anonymised(still_open)  # open cases never expire
    # the next day the boundary case goes too
    assert apply_retention(today=TODAY + dt.timedelta(days=1)).cases["woonoverlast"] == [
        "WO-GRENS (GM0014)"
    ]


def test_anonymising_removes_links_journal_history_and_personal_fields_keeps_the_tombstone():
    old = woonoverlast(
        "WO-OUD", dt.date(2020, 3, 1), outcome="opgelost na gesprek met J. Jansen", team="Noord"
    )
    live = woonoverlast("WO-LEEF", None)
    JournalEntry.objects.create(
        case=old, date=dt.date(2020, 1, 5), text="huisbezoek", user_name="a"
    )
    StatusChange.objects.create(case=old, status=AFGESLOTEN, date=old.closed, user_name="a")
    CaseLink.objects.create(case=old, other=live)
    CaseLink.objects.create(case=live, other=old)
    JournalEntry.objects.create(case=live, date=dt.date(2024, 2, 1), text="blijft", user_name="a")

    apply_retention(today=TODAY)

    tomb = WoonoverlastCase.objects.get(pk=old.pk)
    assert tomb.address == ""
    assert tomb.outcome == "opgelost"  # the category, not the text with a name
    assert tomb.anonymised_at is not None
    # what the counts need stays
    assert (tomb.number, tomb.register, tomb.gemeente_code) == ("WO-OUD", "woonoverlast", "GM0014")
    assert (tomb.wijk_code, tomb.buurt_code, tomb.woningtype) == (
        "WK001401",
        "BU00140100",
        "koop",
    )
    assert (tomb.opened, tomb.closed, tomb.status, tomb.team) == (
        dt.date(2015, 1, 10),
        dt.date(2020, 3, 1),
        AFGESLOTEN,
        "Noord",
    )
    assert not JournalEntry.objects.filter(case=old).exists()
    assert not StatusChange.objects.filter(case=old).exists()
    assert not CaseLink.objects.exists()  # both directions
    assert JournalEntry.objects.filter(case=live).count() == 1  # the live case keeps its own


def test_every_register_blanks_its_personal_fields() -> None:
    closed = dt.date(2010, 1, 1)
    common = {"gemeente_code": "GM0014", "opened": closed, "closed": closed, "status": AFGESLOTEN}
    signal = SignalCase.objects.create(
        register="ondermijning",
        number="SO-1",
        source="inwoner",
        phenomenon="drugs",
        location="Loods achter nummer 3",
        assessment="vermoedelijk hennepkwekerij van de huurder",
        follow_up="politie",
        **common,
    )
    pga = PgaCase.objects.create(
        register="pga",
        number="PGA-1",
        reason="veelpleger",
        plan="dagbesteding en schuldhulp",
        legal_basis="convenant ZVH",
        **common,
    )
    measure = MeasureCase.objects.create(
        register="maatregelen",
        number="BM-1",
        measure_type="tijdelijk huisverbod",
        decided=closed,
        duration_days=10,
        subject="Fictieve Persoon",
        **common,
    )

    result = apply_retention(today=TODAY)

    assert result.counts == {"woonoverlast": 0, "ondermijning": 1, "pga": 1, "maatregelen": 1}
    signal = SignalCase.objects.get(pk=signal.pk)
    assert (signal.location, signal.assessment) == ("", "")
    assert (signal.source, signal.phenomenon, signal.follow_up) == ("inwoner", "drugs", "politie")
    pga = PgaCase.objects.get(pk=pga.pk)
    assert (pga.reason, pga.plan, pga.legal_basis) == ("", "", "convenant ZVH")
    measure = MeasureCase.objects.get(pk=measure.pk)
    assert measure.subject == ""
    assert (measure.measure_type, measure.decided, measure.duration_days) == (
        "tijdelijk huisverbod",
        closed,
        10,
    )


def test_a_person_shared_with_a_live_case_is_kept_the_others_are_deleted() -> None:
    old = woonoverlast("WO-OUD", dt.date(2020, 3, 1))
    older = woonoverlast("WO-OUDER", dt.date(2019, 3, 1))
    live = woonoverlast("WO-LEEF", None)
    shared = person("Gedeelde Bewoner", old, live)
    alone = person("Alleen Oud", old, older)  # two expired cases: goes

    result = apply_retention(today=TODAY)

    assert result.persons_deleted == 1
    assert list(Person.objects.values_list("pk", flat=True)) == [shared.pk]
    assert not Person.objects.filter(pk=alone.pk).exists()
    assert list(CasePerson.objects.values_list("case_id", "person_id")) == [(live.pk, shared.pk)]


def test_tombstones_keep_the_yearly_counts_and_leave_the_visible_cases(casusregisseur) -> None:
    for number, opened, closed in [
        ("A", dt.date(2018, 2, 1), dt.date(2019, 1, 5)),
        ("B", dt.date(2018, 5, 1), dt.date(2018, 9, 1)),
        ("C", dt.date(2019, 3, 1), dt.date(2025, 12, 31)),
        ("D", dt.date(2019, 7, 1), None),
    ]:
        woonoverlast(number, closed, opened=opened)

    def per_year() -> dict[int, int]:
        rows = Case.objects.filter(register="woonoverlast").values("opened__year")
        return {row["opened__year"]: row["n"] for row in rows.annotate(n=Count("pk"))}

    before = per_year()
    result = apply_retention(today=TODAY)

    assert result.total == 2  # A and B
    assert per_year() == before == {2018: 2, 2019: 2}
    closed_in_2018 = Case.objects.filter(register="woonoverlast", closed__year=2018).count()
    assert closed_in_2018 == 1
    visible = set(Case.objects.visible_to(casusregisseur).values_list("number", flat=True))
    assert visible == {"C", "D"}  # tombstones are counted, never shown


def test_every_run_is_in_the_audit_log_and_a_second_run_removes_nothing() -> None:
    woonoverlast("WO-1", dt.date(2020, 3, 1))
    woonoverlast("WO-2", dt.date(2021, 3, 1))
    person("Iemand", Case.objects.get(number="WO-1"))

    first = apply_retention(today=TODAY)
    second = apply_retention(today=TODAY)

    assert first.total == 2 and second.total == 0 and second.persons_deleted == 0
    events = list(AuditEvent.objects.filter(action=AuditEvent.RETENTION).order_by("pk"))
    assert len(events) == 2  # also the run that found nothing: the FG sees the job ran
    assert (events[0].object, events[0].purpose) == (AUDIT_OBJECT, AUDIT_PURPOSE)
    woon = events[0].detail["registers"]["woonoverlast"]
    assert woon == {
        "bewaartermijn_jaren": 5,
        "aantal": 2,
        "zaaknummers": ["WO-1 (GM0014)", "WO-2 (GM0014)"],
    }
    assert events[0].detail["personen_verwijderd"] == 1
    assert events[0].detail["datum"] == "2030-06-15"
    assert events[1].detail["registers"]["woonoverlast"]["aantal"] == 0
    assert events[0].user_name.startswith("cli:")


def test_a_dry_run_reports_and_changes_nothing() -> None:
    old = woonoverlast("WO-OUD", dt.date(2020, 3, 1))
    JournalEntry.objects.create(case=old, date=old.opened, text="huisbezoek", user_name="a")
    person("Iemand", old)

    result = apply_retention(today=TODAY, dry_run=True)

    assert result.cases["woonoverlast"] == ["WO-OUD (GM0014)"] and result.persons_deleted == 1
    assert not anonymised(old)
    assert WoonoverlastCase.objects.get(pk=old.pk).address == "Fictieve Straat 1"
    assert JournalEntry.objects.count() == 1 and Person.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.RETENTION).exists()
    assert result.summary().startswith("Proef, er is niets gewijzigd.")


def test_the_period_per_register_comes_from_the_setting(settings) -> None:
    closed_two_years_ago = woonoverlast("WO-1", dt.date(2028, 5, 1))
    assert apply_retention(today=TODAY).total == 0  # default 5 years

    settings.CASE_RETENTION_YEARS = {**settings.CASE_RETENTION_YEARS, "woonoverlast": 1}

    assert kept_until("woonoverlast", dt.date(2028, 5, 1)) == dt.date(2029, 5, 1)
    assert apply_retention(today=TODAY).cases["woonoverlast"] == ["WO-1 (GM0014)"]
    assert anonymised(closed_two_years_ago)
    events = AuditEvent.objects.filter(action=AuditEvent.RETENTION).order_by("pk")
    assert events.last().detail["registers"]["woonoverlast"]["bewaartermijn_jaren"] == 1


def test_a_negative_period_is_refused(settings) -> None:
    settings.CASE_RETENTION_YEARS = {**settings.CASE_RETENTION_YEARS, "pga": -1}
    with pytest.raises(ValueError, match="OV_BEWAARTERMIJN_PGA"):
        apply_retention(today=TODAY)


def test_the_command_takes_a_date_and_a_dry_run() -> None:
    old = woonoverlast("WO-OUD", dt.date(2025, 6, 14))

    out = StringIO()
    call_command("registers", "bewaartermijn", "--datum", "2030-06-15", "--proef", stdout=out)
    assert "zouden 1 casus(sen) worden geanonimiseerd" in out.getvalue()
    assert "WO-OUD (GM0014)" in out.getvalue()
    assert not anonymised(old)

    out = StringIO()
    call_command("registers", "bewaartermijn", "--datum", "2030-06-14", stdout=out)
    assert "0 casus(sen) geanonimiseerd" in out.getvalue() and not anonymised(old)

    out = StringIO()
    call_command("registers", "bewaartermijn", "--datum", "2030-06-15", stdout=out)
    assert out.getvalue().startswith("Bewaartermijn verwerkt op 2030-06-15: 1 casus(sen)")
    assert anonymised(old)


def test_leap_days_and_closing_reasons() -> None:
    assert add_years(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2030, 6, 15), -5) == dt.date(2025, 6, 15)
    assert outcome_category("Opgelost") == "opgelost"
    assert outcome_category("verhuisd  naar Assen") == "verhuisd"
    assert outcome_category("overlast gestopt") == "overlast gestopt"
    assert outcome_category("J. Jansen is opgenomen") == "overig"
    assert outcome_category("opgelostt") == "overig"
    assert outcome_category("") == ""


def test_a_case_closed_on_a_leap_day_goes_after_28_february() -> None:
    case = woonoverlast("WO-SCHRIK", dt.date(2024, 2, 29), opened=dt.date(2024, 1, 1))
    assert apply_retention(today=dt.date(2029, 2, 28)).total == 0
    assert apply_retention(today=dt.date(2029, 3, 1)).cases["woonoverlast"] == [
        "WO-SCHRIK (GM0014)"
    ]
    assert anonymised(case)


def test_a_date_that_is_no_date_is_refused_by_the_command() -> None:
    with pytest.raises(CommandError, match="'2030-13-01' is geen datum; schrijf JJJJ-MM-DD"):
        call_command("registers", "bewaartermijn", "--datum", "2030-13-01")
    assert not AuditEvent.objects.filter(action=AuditEvent.RETENTION).exists()
