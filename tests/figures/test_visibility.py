"""Shared figures are read for a user through ``visible_to``: their gemeenten and the
Netherlands, nothing of other gemeenten, nothing without the permission."""

import pytest

from openveiligheid.areas.models import Area
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import import_figures
from tests.conftest import write

pytestmark = pytest.mark.django_db


def test_figures_and_areas_visible_to_a_user(tmp_path, adviseur, nobody, elsewhere) -> None:
    nl = Area.objects.create(code="NL01", division=2024, level="land", name="Nederland")
    for code, name in [("GM0014", "Groningen"), ("GM0758", "Breda")]:
        Area.objects.create(code=code, division=2024, level="gemeente", name=name, parent=nl,
                            gemeente_code=code)  # fmt: skip
    rows = "measure,area,period,value\nmisdrijven,GM0014,2022,460\nmisdrijven,GM0758,2022,300\n"
    import_figures(write(tmp_path, "f.csv", rows + "misdrijven,NL01,2022,800000\n"))
    areas = lambda user: set(Area.objects.visible_to(user).values_list("code", flat=True))  # noqa: E731
    seen = lambda user: set(Figure.objects.visible_to(user).values_list("area__code", flat=True))  # noqa: E731
    assert seen(adviseur) == {"GM0014", "NL01"}
    assert seen(elsewhere) == {"GM0758", "NL01"}
    assert seen(nobody) == set()  # a member without the permission
    assert areas(adviseur) == {"GM0014"}
    assert areas(nobody) == set()
