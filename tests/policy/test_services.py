import pytest

from openveiligheid.accounts.access import Scope
from openveiligheid.accounts.models import Gemeente
from openveiligheid.areas.services import import_area_list
from openveiligheid.core.errors import InputError
from openveiligheid.figures.services import import_figures
from openveiligheid.indicators.models import Indicator
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.services import plan_for
from tests.conftest import write
from tests.policy.test_planfile import EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(data_dir, tmp_path):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    import_figures(
        write(
            tmp_path,
            "f.csv",
            "measure,area,period,value\nmisdrijven:1.1.1,GM0014,2022,460\ninwoners,GM0014,2022,234000\n",
        )
    )


def test_a_plan_is_stored_with_themes_goals_indicators_and_targets(measures, tmp_path, adviseur):
    plan = load_plan(write(tmp_path, "plan.yaml", EXAMPLE))
    assert plan_for(Scope(adviseur, Gemeente.objects.get(code="GM0014"))) == plan
    assert [t.name for t in plan.themes.all()] == ["Veilige woonomgeving"]
    goal = plan.themes.get().goals.get()
    assert [i.key for i in goal.indicators.all()] == ["woninginbraak-per-1000"]
    definition = Indicator.objects.get(key="woninginbraak-per-1000").to_definition()
    assert definition.per_1000 == "inwoners"
    assert {year: str(t) for year, t in definition.targets.items()} == {2022: "< 2", 2023: "< 1.8"}


def test_loading_again_replaces_the_plan(measures, tmp_path):
    path = write(tmp_path, "plan.yaml", EXAMPLE)
    load_plan(path)
    load_plan(path)
    assert Plan.objects.count() == 1
    assert Indicator.objects.count() == 2


def test_unknown_measures_are_refused_except_extern(tmp_path):
    with pytest.raises(InputError) as exc:
        load_plan(write(tmp_path, "plan.yaml", EXAMPLE))
    messages = [str(p) for p in exc.value.problems]
    assert (
        "plan.yaml, regel 11: onbekende maat 'misdrijven:1.1.1' in indicator 'woninginbraak-per-1000'"
        in messages
    )
    assert not any("extern:hic" in m for m in messages)
    assert not Plan.objects.exists()
