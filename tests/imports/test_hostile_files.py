"""Bad input never crashes: every file command refuses every hostile file in Dutch.

The corpus is ``tests/data/hostile/`` (written by its ``make_corpus.py``): ``files/`` must be
refused by every command it applies to, with a Dutch message that names the file, through a
``CommandError`` (exit status 1), without a traceback and without changing what is stored;
``ok/`` holds odd but acceptable files (a BOM, UTF-16 with BOM, Windows-1252, CR-only line
ends, a self-intersecting polygon that is repaired) that must be read like their plain twins.
Oversized files are made here, against a low ``MAX_INPUT_BYTES``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.models import Figure, Incident, Measure
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planimport import load_plan

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "hostile"
HOSTILE = sorted((CORPUS / "files").glob("*__*"))
ACCEPTABLE = CORPUS / "ok"
OK_CIJFERS = ACCEPTABLE / "cijfers__plain.csv"
OK_PLAN = ACCEPTABLE / "plan__plain.yaml"
BUURTEN = ROOT / "src" / "openveiligheid" / "demo" / "data" / "buurten_2017_groningen.geojson"
BUURT_2016 = DATA / "insight_fietsdiefstal_buurt_2016.csv"
WIJK_MAAND = DATA / "insight_fietsdiefstal_wijk_maand.csv"
FIGURES = ("any", "cijfers", "cbs")


@dataclass(frozen=True)
class Use:
    """One way a command reads a file: the kinds of file it takes and its arguments."""

    name: str
    command: str
    kinds: tuple[str, ...]
    args: Callable[[Path], list]


USES = (
    Use("import_areas", "import_areas", ("any", "gebieden"), lambda p: [p, "--indeling", 2024]),
    Use(
        "import_boundaries",
        "import_boundaries",
        ("any", "geojson"),
        lambda p: [p, "--indeling", 2017],
    ),
    Use("import_figures", "import_figures", FIGURES, lambda p: [p]),
    Use(
        "import_incidents",
        "import_incidents",
        ("any", "incidenten"),
        lambda p: [p, "--indeling", 2017],
    ),
    Use("load_plan", "load_plan", ("any", "plan"), lambda p: [p]),
    Use(
        "evaluate --figures",
        "evaluate",
        FIGURES,
        lambda p: ["--plan", OK_PLAN, "--figures", OK_CIJFERS, "--figures", p, "--year", 2022],
    ),
    Use(
        "evaluate --plan",
        "evaluate",
        ("any", "plan"),
        lambda p: ["--plan", p, "--figures", OK_CIJFERS, "--year", 2022],
    ),
    Use(
        "hotspots --figures",
        "hotspots",
        FIGURES,
        lambda p: [
            "--figures",
            BUURT_2016,
            "--figures",
            p,
            "--boundaries",
            BUURTEN,
            "--measure",
            "incidenten:A72",
            "--period",
            2016,
            "--permutations",
            9,
        ],  # fmt: skip
    ),
    Use(
        "hotspots --boundaries",
        "hotspots",
        ("any", "geojson"),
        lambda p: [
            "--figures",
            BUURT_2016,
            "--boundaries",
            p,
            "--measure",
            "incidenten:A72",
            "--period",
            2016,
            "--permutations",
            9,
        ],  # fmt: skip
    ),
    Use(
        "signalering --figures",
        "signalering",
        FIGURES,
        lambda p: [
            "--figures",
            WIJK_MAAND,
            "--figures",
            p,
            "--measure",
            "incidenten:A72",
            "--period",
            "2017-08",
        ],  # fmt: skip
    ),
)


def applies(use: Use, path: Path) -> bool:
    return path.name.split("__")[0] in use.kinds


@pytest.fixture
def stored(data_dir):
    """Earlier data of every kind, so that a hostile file can be seen to leave it intact."""
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    import_figures(data_dir / "politie_47018NED_groningen_2023.csv")
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    import_incidents(data_dir / "insight_it_fietsdiefstal_centrum_2017_02.csv", division=2017)
    load_plan(OK_PLAN)
    return snapshot()


def snapshot() -> tuple:
    return (
        sorted(
            Figure.objects.values_list(
                "measure__name", "area__code", "area__division", "period", "value", "derived"
            )
        ),
        sorted(Area.objects.values_list("code", "division", "name", "boundary", "map_path")),
        sorted(Incident.objects.values_list("incident_id", "code", "reported_at", "lon", "lat")),
        sorted(Plan.objects.values_list("gemeente_code", "name", "source_text")),
        sorted(Measure.objects.values_list("name", flat=True)),
    )


def names_the_file(message: str, name: str) -> bool:
    """The parser's form: ``file: …`` or ``file, regel …`` / ``file, veld …``."""
    return f"{name}:" in message or f"{name}," in message


def outcome(use: Use, path: Path) -> tuple[str, str]:
    """``clear``, ``traceback``, ``vague`` (refused, but not naming the file) or ``accepted``."""
    try:
        call_command(use.command, *map(str, use.args(path)), stdout=_Null(), stderr=_Null())
    except CommandError as exc:
        message = str(exc)
        return ("clear" if names_the_file(message, path.name) else "vague"), message
    except (Exception, RecursionError) as exc:  # noqa: BLE001 (that is what we count)
        return "traceback", f"{type(exc).__name__}: {str(exc)[:200]}"
    return "accepted", ""


class _Null:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.mark.django_db
@pytest.mark.parametrize("use", USES, ids=[use.name for use in USES])
def test_every_hostile_file_is_refused_in_dutch_and_changes_nothing(use, stored):
    results: dict[str, list[str]] = {"clear": [], "vague": [], "traceback": [], "accepted": []}
    changed = []
    for path in HOSTILE:
        if not applies(use, path):
            continue
        kind, message = outcome(use, path)
        results[kind].append(f"{path.name}: {message[:300]}")
        if kind == "clear":
            assert "Traceback" not in message
        if snapshot() != stored:
            changed.append(path.name)
            stored = snapshot()
    tried = sum(map(len, results.values()))
    print(  # the corpus table of the issue: tried / clear message / traceback / wrongly accepted
        f"\nCORPUS {use.name}: tried {tried}, clear {len(results['clear'])}, "
        f"traceback {len(results['traceback'])}, "
        f"wrongly accepted {len(results['accepted']) + len(results['vague'])}"
    )
    problems = {kind: found for kind, found in results.items() if kind != "clear" and found}
    assert not problems, "\n".join(f"{k}: {m}" for k, found in problems.items() for m in found)
    assert not changed, f"stored data changed by {changed}"


# --- odd but acceptable files --------------------------------------------------------------


def figure_values() -> set:
    return set(
        Figure.objects.filter(derived=False, measure__name="halt").values_list(
            "area__code", "period", "value"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "cijfers__utf8_bom.csv",
        "cijfers__utf16le_bom.csv",
        "cijfers__utf16be_bom.csv",
        "cijfers__cr_only.csv",
        "cijfers__crlf.csv",
        "cijfers__windows1252.csv",
    ],
)
def test_odd_encodings_and_line_ends_of_figures_are_read(name, data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    call_command("import_figures", str(ACCEPTABLE / name), stdout=_Null())
    expected = {("BU00140000", "2022", 5.0), ("BU00140001", "2022", 7.0)}
    if name == "cijfers__windows1252.csv":
        expected = {("BU00140000", "2022", 5.0)}
        assert Figure.objects.get(derived=False).source == "Bureau Halt – ‘café’"
    assert figure_values() == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "plan__utf8_bom.yaml",
        "plan__utf16le_bom.yaml",
        "plan__windows1252.yaml",
        "plan__cr_only.yaml",
    ],
)
def test_odd_encodings_and_line_ends_of_plans_are_read(name):
    call_command("load_plan", str(ACCEPTABLE / name), stdout=_Null())
    plan = Plan.objects.get()
    assert plan.name == "Vijandig plan"
    expected = "Thema café" if "1252" in name else "Thema"
    assert [theme.name for theme in plan.themes.all()] == [expected]


@pytest.mark.django_db
def test_a_self_intersecting_polygon_is_repaired_and_the_run_says_so():
    out = _Text()
    path = ACCEPTABLE / "geojson__self_intersecting.geojson"
    call_command("import_boundaries", str(path), stdout=out)
    assert "hersteld" in out.text and "BU00140000" in out.text
    import shapely

    area = Area.objects.get(code="BU00140000")
    geometry = shapely.from_geojson(area.boundary)
    assert geometry.is_valid and geometry.area > 0
    assert area.map_path


class _Text(_Null):
    def __init__(self):
        self.text = ""

    def write(self, text="", *args, **kwargs) -> None:
        self.text += text


# --- size limit ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("use", USES, ids=[use.name for use in USES])
def test_files_larger_than_the_limit_are_refused_before_reading(use, stored, settings, tmp_path):
    kind = use.kinds[-1]
    source = {
        "gebieden": DATA / "gebieden_47018NED_groningen.csv",
        "geojson": ACCEPTABLE / "geojson__plain.geojson",
        "cbs": DATA / "politie_47018NED_groningen_2023.csv",
        "incidenten": DATA / "insight_it_fietsdiefstal_centrum_2017_02.csv",
        "plan": OK_PLAN,
    }[kind]
    big = tmp_path / f"groot_{source.name}"
    others = [a for a in use.args(big) if isinstance(a, Path) and a != big]
    settings.MAX_INPUT_BYTES = max(p.stat().st_size for p in [source, *others])
    padding = settings.MAX_INPUT_BYTES - source.stat().st_size + 100
    big.write_bytes(source.read_bytes() + b"\n" * padding)  # blank lines: valid, but too big
    with pytest.raises(CommandError) as exc:
        call_command(use.command, *map(str, use.args(big)), stdout=_Null(), stderr=_Null())
    assert names_the_file(str(exc.value), big.name)
    assert "groter dan" in str(exc.value) and "OV_MAX_BESTAND_MB" in str(exc.value)
    assert snapshot() == stored
    if kind != "plan" and use.command.startswith("import"):  # an import leaves a failed run
        run = ImportRun.objects.filter(file_name=big.name).get()
        assert run.status == ImportRun.FAILED and "groter dan" in run.message


# --- as a user runs them: the console script, exit status 1, no traceback -----------------


@pytest.mark.parametrize(
    "use",
    [u for u in USES if u.name in ("evaluate --plan", "hotspots --boundaries")],
    ids=lambda u: u.name,
)
@pytest.mark.parametrize("name", ["any__binary_garbage.bin", "plan__billion_laughs.yaml"])
def test_the_console_script_exits_1_without_a_traceback(use, name, tmp_path):
    path = CORPUS / "files" / name
    script = Path(sys.executable).with_name("openveiligheid")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "openveiligheid.cli"]
    env = {**os.environ, "OV_DATA_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT / "src")}
    for variable in ("OV_DEMO", "OV_SECRET_KEY", "DJANGO_SETTINGS_MODULE"):
        env.pop(variable, None)
    done = subprocess.run(
        [*command, use.command, *map(str, use.args(path))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert names_the_file(done.stderr, name), done.stderr
