import pytest

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun
from tests.conftest import write

pytestmark = pytest.mark.django_db


def test_area_list_builds_the_tree_for_one_division(data_dir):
    run = import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    assert run.status == ImportRun.SUCCEEDED
    assert run.created == Area.objects.count() == 34
    buurt = Area.objects.get(code="BU00140102", division=2024)
    assert (buurt.level, buurt.parent.code, buurt.parent.parent.code, buurt.gemeente_code) == (
        "buurt",
        "WK001401",
        "GM0014",
        "GM0014",
    )
    assert buurt.parent.parent.parent.code == "NL01"  # NL00 in the file
    assert Area.objects.get(code="BU0363AB01").parent.code == "WK0363AB"


def test_same_list_twice_is_a_no_op_that_says_so(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    second = import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    assert second.status == ImportRun.SKIPPED
    assert "al ingelezen" in second.message
    assert Area.objects.count() == 34


def test_same_codes_in_another_division_are_other_areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    assert Area.objects.filter(code="BU00140000").count() == 2
    old = Area.objects.get(code="BU00140000", division=2017)
    assert old.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert old.parent.code == "WK001400" and old.parent.division == 2017
    assert Area.objects.get(code="GM0014", division=2017).name == "Groningen"  # from GM_NAAM


def test_boundaries_without_a_division_are_refused(data_dir):
    with pytest.raises(InputError, match="indeling"):
        import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson")
    assert not Area.objects.exists()


def test_area_list_with_an_orphan_is_refused_and_stores_nothing(tmp_path):
    path = write(
        tmp_path, "g.csv", '"Key","Title"\n"GM0014    ","Groningen"\n"BU00149999","Nergens"\n'
    )
    with pytest.raises(InputError) as exc:
        import_area_list(path, division=2024)
    assert (
        str(exc.value.problems[0])
        == "g.csv, regel 3, veld 'Key': BU00149999 ligt in WK001499, dat niet in de lijst staat"
    )
    assert not Area.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.FAILED
    assert run.errors[0]["line"] == 3


def test_bad_geojson_is_refused(tmp_path):
    path = write(tmp_path, "kapot.geojson", '{"type": "FeatureCollection", "features": [')
    with pytest.raises(InputError, match="kapot.geojson: geen geldige GeoJSON"):
        import_boundaries(path, division=2024)
