import datetime as dt

import pytest

from openveiligheid.areas.services import import_boundaries
from openveiligheid.core.errors import InputError
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.models import Figure, Incident
from openveiligheid.imports.models import ImportRun
from tests.conftest import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def buurten(data_dir):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)


def test_a_file_without_a_whole_month_is_refused(data_dir, buurten):
    # the 40 real incidents were reported between 2017-09-1x and 2017-09-21
    with pytest.raises(InputError, match="geen volledige maand"):
        import_incidents(data_dir / "fietsdiefstallen_sample.csv", division=2017)
    assert not Incident.objects.exists()
    assert ImportRun.objects.get(kind="incidents").status == ImportRun.FAILED


def test_counts_include_zero_months_and_cleared_incidents(tmp_path, buurten):
    header = "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,Opgehelderd,lon_wgs84,lat_wgs84\n"
    rows = [
        "1,A72,Diefstal Fiets,2016-01-01T10:00:00,J,6.5665,53.2195",
        "2,A72,Diefstal Fiets,2016-01-31T10:00:00,N,6.5665,53.2195",
        "3,A72,Diefstal Fiets,2016-03-31T23:00:00,N,6.5665,53.2195",
    ]
    run = import_incidents(
        write(tmp_path, "inc.csv", header + "\n".join(rows) + "\n"),
        division=2017,
        today=dt.date(2026, 1, 1),
    )
    assert run.status == ImportRun.SUCCEEDED
    counts = {
        (f.measure.name, f.area.code, f.period): f.value
        for f in Figure.objects.filter(area__level="buurt").select_related("measure", "area")
    }
    buurt = Incident.objects.get(incident_id="1").area.code
    assert counts[("incidenten:A72", buurt, "2016-01")] == 2
    assert counts[("incidenten:A72", buurt, "2016-02")] == 0  # zero months are figures too
    assert counts[("incidenten:A72", buurt, "2016-03")] == 1
    assert counts[("incidenten:A72:opgehelderd", buurt, "2016-01")] == 1


def test_incidents_seen_before_are_replaced_in_batches(tmp_path, buurten, monkeypatch):
    """A file's incident ids are removed in batches (SQLite takes ~32,000 variables per
    statement; 260,000 incidents failed before): here batches of 2 over 5 ids."""
    from openveiligheid.figures import incidents

    monkeypatch.setattr(incidents, "ID_BATCH", 2)
    header = "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,Opgehelderd,lon_wgs84,lat_wgs84\n"
    days = ["01-01T10", "01-15T10", "01-31T10", "02-15T10", "03-31T23"]  # as in the test above
    rows = [
        f"{n},A72,Diefstal Fiets,2016-{d}:00:00,N,6.5665,53.2195" for n, d in enumerate(days, 1)
    ]
    first = write(tmp_path, "a72.csv", header + "\n".join(rows) + "\n")
    import_incidents(first, division=2017, today=dt.date(2026, 1, 1))
    other = "6,A70,Diefstal Brom-/Snor-/Fiets,2016-02-20T10:00:00,N,6.5665,53.2195"
    both = write(tmp_path, "beide.csv", header + "\n".join([*rows, other]) + "\n")
    run = import_incidents(both, division=2017, today=dt.date(2026, 1, 1))  # another dataset
    assert run.status == ImportRun.SUCCEEDED, run.message
    assert Incident.objects.count() == 6  # ids 1-5 replaced, not doubled
    assert set(Incident.objects.values_list("import_run", flat=True)) == {run.pk}


def test_the_dataset_id_of_many_incident_codes_fits_the_run_log() -> None:
    from openveiligheid.figures.incidents import DATASET_LENGTH, incident_dataset

    assert incident_dataset(["A70", "A72"]) == "politie-incidenten:A70+A72"
    many = [f"A{n:02d}" for n in range(60)]
    name = incident_dataset(many)
    assert len(name) <= DATASET_LENGTH
    assert name.startswith("politie-incidenten:60 soorten:A00+A01")
    assert incident_dataset(list(many)) == name  # the same codes: the same dataset
    assert incident_dataset(many[:-1]) != name


def test_a_newer_extract_takes_the_monthly_counts_of_the_older_one_with_it(tmp_path, buurten):
    """A new extract replaces the dataset's incidents; counts of months it does not cover must
    not outlive them (they did: only the new file's months were replaced)."""
    header = "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,Opgehelderd,lon_wgs84,lat_wgs84\n"
    january_february = [
        "1,A72,Diefstal Fiets,2016-01-01T10:00:00,N,6.5665,53.2195",
        "2,A72,Diefstal Fiets,2016-02-29T10:00:00,N,6.5665,53.2195",
    ]
    march = [
        "3,A72,Diefstal Fiets,2016-03-01T10:00:00,N,6.5665,53.2195",
        "4,A72,Diefstal Fiets,2016-03-31T10:00:00,N,6.5665,53.2195",
    ]
    today = dt.date(2026, 1, 1)
    import_incidents(write(tmp_path, "a.csv", header + "\n".join(january_february) + "\n"),
                     division=2017, today=today)  # fmt: skip
    periods = set(Figure.objects.values_list("period", flat=True))
    assert periods == {"2016-01", "2016-02"}
    run = import_incidents(write(tmp_path, "b.csv", header + "\n".join(march) + "\n"),
                           division=2017, today=today, replace_all=True)  # fmt: skip
    assert run.status == ImportRun.SUCCEEDED
    assert set(Figure.objects.values_list("period", flat=True)) == {"2016-03"}
    assert set(Figure.objects.values_list("import_run", flat=True)) == {run.pk}
