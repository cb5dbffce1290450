"""The regional demo: Breda and Nijmegen beside Groningen (``demo/data/regio``).

The files are rebuilt from the shared public data and compared byte for byte (when the shared
data are there); the loaded demo gives the three gemeenten their plans, recent figures and
rates, and the demo account sees all three."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command

from openveiligheid.demo.loader import REGIO, REGIONAL_PLAN_FILES, reset_demo_user
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planfile import read_plan
from tests.conftest import restore_demo

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"
SCRIPT = REPO / "scripts" / "make_regional_demo.py"
sys.path.insert(0, str(SCRIPT.parent))
from make_regional_demo import FILES  # noqa: E402

BREDA_PLAN = (
    "Voorbeeld: Integraal Veiligheidsplan Breda 2019-2023 (fictief plan op echte open data)"
)
NIJMEGEN_PLAN = (
    "Voorbeeld: Integraal Veiligheidsbeleid Nijmegen 2023-2026 (fictief plan op echte open data)"
)


def test_script_rebuilds_the_shipped_files(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared public data not available at {SHARED.resolve()}; cannot rebuild")
    out = tmp_path / "regio"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert sorted(path.name for path in out.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (out / name).read_bytes() == (REGIO / name).read_bytes(), name


def test_shipped_files_are_small_and_documented() -> None:
    source = (REGIO / "SOURCE.md").read_text(encoding="utf-8")
    for name in (*FILES, *(path.name for path in REGIONAL_PLAN_FILES)):
        assert (REGIO / name).is_file(), name
        assert f"`{name}`" in source, f"{name} is not described in regio/SOURCE.md"
    assert (REGIO / "buurten_2024_breda.geojson").stat().st_size < 300_000
    assert "Bron: CBS/Politie" in source and "licentie niet vermeld" in source.lower()


@pytest.mark.parametrize("path", REGIONAL_PLAN_FILES, ids=lambda path: path.stem)
def test_example_plans_say_they_are_fictitious(path: Path) -> None:
    spec = read_plan(path, path.read_text(encoding="utf-8"))
    assert "fictief" in spec.name
    goals = [goal for theme in spec.themes for goal in theme.goals]
    assert goals and all(goal.code and goal.portfolio_holder for goal in goals)
    assert set(spec.indicator_notes) == set(spec.indicators)
    assert all(note.startswith("Fictieve streefwaarde") for note in spec.indicator_notes.values())
    assert all("(Fictief.)" in goal.criteria for goal in goals)


# --- loaded --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def restored(demo_copy, django_db_blocker):
    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_three_gemeenten_with_their_plans_and_groningen_first(restored) -> None:
    assert restored.gemeente_code == "GM0014"  # load_demo returns Groningen's plan
    codes = sorted(Plan.objects.values_list("gemeente_code", flat=True))
    assert codes == ["GM0014", "GM0268", "GM0758"]


@pytest.mark.django_db
def test_the_demo_account_sees_all_three(restored) -> None:
    from django.contrib.auth import get_user_model

    from openveiligheid.accounts.access import VIEW_DASHBOARD, may

    name, _ = reset_demo_user()
    user = get_user_model().objects.get(username=name)
    for code in ("GM0014", "GM0758", "GM0268"):
        assert may(user, VIEW_DASHBOARD, code), code


@pytest.mark.django_db
def test_breda_has_recent_years_and_rates(restored) -> None:
    from openveiligheid.indicators.services import evaluate_plan

    plan = Plan.objects.get(name=BREDA_PLAN)
    results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=2023)}
    assert results["misdrijven-totaal"].value == 10969  # the 56 buurten of 2023
    rate = results["misdrijven-per-1000"]
    assert rate.value == pytest.approx(10969 / 184670 * 1000)  # inhabitants of 2022
    assert any("2022" in note for note in rate.notes)
    assert rate.comparison_value is not None  # NL01 has 2023
    results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=2022)}
    assert results["overlast-per-1000"].value == pytest.approx(5672 / 184670 * 1000)


@pytest.mark.django_db
def test_nijmegen_has_2025_provisional_and_rates_from_2024(restored) -> None:
    from openveiligheid.indicators.services import evaluate_plan

    plan = Plan.objects.get(name=NIJMEGEN_PLAN)
    results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=2025)}
    assert results["misdrijven-totaal"].value == 11878
    assert results["misdrijven-totaal"].status == "voorlopig"
    assert results["misdrijven-per-1000"].value == pytest.approx(11878 / 187050 * 1000)
    results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=2024)}
    assert results["woninginbraak"].value == 216
    assert results["misdrijven-per-1000"].value == pytest.approx(11600 / 187050 * 1000)


@pytest.mark.django_db
def test_breda_buurten_have_map_shapes_and_hotspots_on_2024(restored) -> None:
    from openveiligheid.areas.models import Area
    from openveiligheid.insight.models import HotspotResult

    buurten = Area.objects.filter(division=2024, level="buurt", gemeente_code="GM0758")
    assert buurten.count() == 56
    assert not buurten.filter(map_path="").exists()
    assert HotspotResult.objects.filter(area__gemeente_code="GM0758").exists()
