"""A replacing import says what it removes, and removes more than it brings only when asked."""

import io

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.core.errors import InputError
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.models import Figure, Incident
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from tests.conftest import write

pytestmark = pytest.mark.django_db

HEADER = "measure,area,period,value\n"
THREE = "halt,BU00140000,2021,1\nhalt,BU00140000,2022,5\nhalt,BU00140001,2022,7\n"
THREE += "halt,BU00140002,2022,9\n"
INCIDENTS = "insight_it_fietsdiefstal_centrum_2017_02.csv"


@pytest.fixture
def areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


def halt_values() -> set:
    return set(
        Figure.objects.filter(derived=False, measure__name="halt").values_list(
            "area__code", "period", "value"
        )
    )


def test_a_file_that_would_remove_more_than_it_brings_is_refused(areas, tmp_path):
    import_figures(write(tmp_path, "halt.csv", HEADER + THREE))
    before = set(Figure.objects.values_list("pk", "value"))
    with pytest.raises(InputError) as exc:
        import_figures(write(tmp_path, "halt-v2.csv", HEADER + "halt,BU00140000,2022,6\n"))
    message = str(exc.value)
    assert "halt-v2.csv: dit bestand zou 2 eerder ingelezen cijfers verwijderen" in message
    assert "(halt 2022: 2)" in message and "meer dan de 1 die het brengt" in message
    assert "--vervang-alles" in message and "--dataset" in message
    assert set(Figure.objects.values_list("pk", "value")) == before
    assert ImportRun.objects.latest("pk").status == ImportRun.FAILED


def test_with_replace_all_it_removes_them_and_says_what(areas, tmp_path):
    import_figures(write(tmp_path, "halt.csv", HEADER + THREE))
    run = import_figures(
        write(tmp_path, "halt-v2.csv", HEADER + "halt,BU00140000,2022,6\n"), replace_all=True
    )
    assert halt_values() == {("BU00140000", "2021", 1.0), ("BU00140000", "2022", 6.0)}
    assert (run.updated, run.deleted) == (1, 2)
    assert "Verwijderd, want niet meer in het bestand: 2 cijfers (halt 2022: 2)." in run.message
    # 2021 is another period: the file does not touch it


def test_removing_no_more_than_the_file_brings_is_allowed_and_said(areas, tmp_path):
    import_figures(write(tmp_path, "halt.csv", HEADER + THREE))
    run = import_figures(
        write(tmp_path, "v2.csv", HEADER + "halt,BU00140000,2022,6\nhalt,BU00140001,2022,8\n")
    )
    assert run.status == ImportRun.SUCCEEDED
    assert "Verwijderd, want niet meer in het bestand: 1 cijfers (halt 2022: 1)." in run.message


def test_the_command_refuses_and_takes_vervang_alles(areas, tmp_path):
    import_figures(write(tmp_path, "halt.csv", HEADER + THREE))
    path = write(tmp_path, "halt-v2.csv", HEADER + "halt,BU00140000,2022,6\n")
    with pytest.raises(CommandError, match="--vervang-alles"):
        call_command("import_figures", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_figures", str(path), "--vervang-alles", stdout=out)
    assert "Verwijderd, want niet meer in het bestand: 2 cijfers (halt 2022: 2)." in out.getvalue()


def test_a_smaller_incident_file_does_not_silently_remove_the_earlier_ones(data_dir, tmp_path):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    import_incidents(data_dir / INCIDENTS, division=2017)
    earlier = Incident.objects.count()
    lines = (data_dir / INCIDENTS).read_text().splitlines()
    days = [line for line in lines[1:] if "2017-02-01T" in line or "2017-02-28T" in line]
    small = write(tmp_path, "februari.csv", "\n".join([lines[0], *days]) + "\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_incidents", str(small), "--indeling", "2017", stdout=io.StringIO())
    gone = earlier - len(days)
    assert f"dit bestand zou {gone} eerder ingelezen incidenten verwijderen" in str(exc.value)
    assert f"(A72 2017-02: {gone})" in str(exc.value)
    assert Incident.objects.count() == earlier
    out = io.StringIO()
    call_command(
        "import_incidents", str(small), "--indeling", "2017", "--vervang-alles", stdout=out
    )
    assert f"{gone} incidenten (A72 2017-02: {gone})" in out.getvalue()
    assert Incident.objects.count() == len(days)
