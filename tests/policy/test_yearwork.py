"""Activities, money and texts per goal in the database: the Zwolle reference numbers through
the import services, status history, credits, texts, the change log, and bad input."""

from __future__ import annotations

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun
from openveiligheid.policy.finance import overview
from openveiligheid.policy.history import changes_of
from openveiligheid.policy.models import ActivityStatus, Change, Credit, FinanceAmount, Goal
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.yearimports import import_activities, import_credits, import_finance
from openveiligheid.policy.yearwork import (
    CreditInput,
    StatusInput,
    activity_rows,
    finance_amounts,
    goal_names,
    save_activity,
    save_amounts,
    save_credits,
    save_goal_year,
    set_status,
)
from tests.conftest import DATA, write

pytestmark = pytest.mark.django_db
REPORTS = DATA / "reports"
ZWOLLE_PLAN = (REPORTS / "zwolle_plan.yaml").read_text(encoding="utf-8")


@pytest.fixture
def zwolle(tmp_path):
    """The Zwolle goal 7.2.1 as a stored plan, with its budget code."""
    text = ZWOLLE_PLAN.replace("      - id: 7-2-1\n", '      - id: 7-2-1\n        code: "7.2.1"\n')
    return load_plan(write(tmp_path, "zwolle.yaml", text))


def test_goals_are_named_by_id_and_by_code(zwolle):
    assert goal_names(zwolle) == {"7-2-1": "7-2-1", "7.2.1": "7-2-1"}


def test_the_zwolle_money_file_gives_the_reference_overview(zwolle):
    import_finance(zwolle, 2022, REPORTS / "zwolle_financien_2022.csv")
    import_credits(zwolle, 2022, REPORTS / "zwolle_kredieten_2022.csv")
    goal = Goal.objects.get(key="7-2-1")
    result = overview(finance_amounts(goal, 2022))
    assert result.begroting_tm_december.lasten == 2_032_380
    assert result.resultaat.onttrekking == -138_825
    assert result.saldo == 45_840
    credit = Credit.objects.get(goal=goal, year=2022)
    assert credit.restant == 201_401
    assert all(isinstance(a, int) for a in FinanceAmount.objects.values_list("amount", flat=True))


def test_a_money_file_is_idempotent_and_a_corrected_one_replaces_the_goal(zwolle, tmp_path):
    path = REPORTS / "zwolle_financien_2022.csv"
    import_finance(zwolle, 2022, path)
    count = FinanceAmount.objects.count()
    again = import_finance(zwolle, 2022, path)
    assert again.status == ImportRun.SKIPPED
    assert FinanceAmount.objects.count() == count
    corrected = write(
        tmp_path, "fin.csv", "doel;onderdeel;stap;bedrag\n7.2.1;lasten;begroting;1.000\n"
    )
    import_finance(zwolle, 2022, corrected)
    assert finance_amounts(Goal.objects.get(key="7-2-1"), 2022) == {("begroting", "lasten"): 1000}


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("7-2-9;lasten;begroting;100", "doel", "onbekend doel '7-2-9'"),
        ("7.2.1;lasten;begroting;veel", "bedrag", "'veel' is geen bedrag"),
        ("7.2.1;lasten;begroting;1.962,50", "bedrag", "heeft decimalen"),
        ("7.2.1;lasten;begroting;1\n7.2.1;lasten;begroting;2", "stap", "dubbele regel"),
    ],
)
def test_bad_money_is_refused_naming_file_line_and_field_and_keeps_what_was_stored(
    zwolle, tmp_path, line, field, message
):
    import_finance(zwolle, 2022, REPORTS / "zwolle_financien_2022.csv")
    before = list(FinanceAmount.objects.values_list("step", "part", "amount").order_by("pk"))
    path = write(
        tmp_path, "fout.csv", f"doel;onderdeel;stap;bedrag\n7.2.1;baten;begroting;5\n{line}\n"
    )
    with pytest.raises(InputError) as exc:
        import_finance(zwolle, 2022, path)
    problem = exc.value.problems[-1]
    assert (problem.file, problem.field) == ("fout.csv", field)
    assert problem.line >= 3 and message in problem.message
    after = list(FinanceAmount.objects.values_list("step", "part", "amount").order_by("pk"))
    assert after == before
    assert ImportRun.objects.latest("pk").status == ImportRun.FAILED


def test_activity_status_is_a_history_and_warns_without_explanation(zwolle, adviseur):
    goal = Goal.objects.get(key="7-2-1")
    activity = save_activity(goal, 2022, "1.7", "Cameratoezicht evalueren", user=adviseur)
    orange = StatusInput(planning="oranje")
    assert orange.warnings() == ["planning: status oranje zonder toelichting"]
    set_status(activity, orange, "voorjaarsnota", adviseur)
    set_status(activity, orange, "voorjaarsnota", adviseur)  # the same again: no new row
    set_status(activity, StatusInput(planning="groen"), "jaarrekening", adviseur)
    moments = list(ActivityStatus.objects.values_list("moment", "planning"))
    assert moments == [("jaarrekening", "groen"), ("voorjaarsnota", "oranje")]
    assert activity_rows(goal, 2022)[0]["planning"] == "groen"
    history = changes_of(zwolle, "activiteit", "7-2-1/2022/1.7")
    assert history.count() == 3  # created, two status changes
    assert history.first().fields["planning"] == ["oranje", "groen"]
    assert history.first().user_name == adviseur.username


def test_an_activities_file_keeps_its_warnings_and_never_deletes(zwolle, tmp_path):
    path = write(
        tmp_path,
        "act.csv",
        "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"
        "7.2.1;1;Veilig uitgaan;groen;rood;;;\n7.2.1;2;Woninginbraak;groen;groen;groen;groen;\n",
    )
    run, warnings = import_activities(zwolle, 2022, path, moment="najaarsnota")
    assert run.status == ImportRun.SUCCEEDED
    assert len(warnings) == 1 and "act.csv, regel 2" in warnings[0] and "rood" in warnings[0]
    smaller = write(
        tmp_path,
        "act2.csv",
        "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"
        "7.2.1;1;Veilig uitgaan;groen;groen;;;\n",
    )
    import_activities(zwolle, 2022, smaller, moment="jaarrekening")
    rows = activity_rows(Goal.objects.get(key="7-2-1"), 2022)
    assert [(r["code"], r["planning"]) for r in rows] == [("1", "groen"), ("2", "groen")]


def test_credits_are_replaced_per_goal_and_logged(zwolle, controller):
    goal = Goal.objects.get(key="7-2-1")
    save_credits(goal, 2022, [CreditInput("Camera's", 316_906, 51_698, 63_807)], controller)
    save_credits(goal, 2022, [CreditInput("Stalling", 100, 0, 10)], controller)
    assert list(goal.credits.values_list("project", flat=True)) == ["Stalling"]
    change = changes_of(zwolle, "krediet").first()
    assert change.fields["Camera's"] == ["krediet", "verwijderd"]


def test_amounts_and_texts_record_old_and_new(zwolle, controller, adviseur):
    goal = Goal.objects.get(key="7-2-1")
    save_amounts(goal, 2022, {("begroting", "lasten"): 100}, controller)
    save_amounts(goal, 2022, {("begroting", "lasten"): 120}, controller)
    save_amounts(goal, 2022, {("begroting", "lasten"): 120}, controller)  # unchanged: no log
    changes = changes_of(zwolle, "financien", "7-2-1/2022")
    assert [c.fields for c in changes] == [
        {"begroting lasten": ["100", "120"]},
        {"begroting lasten": ["", "100"]},
    ]
    texts = save_goal_year(goal, 2022, {"judgement": "nee"}, proposed="ja", user=adviseur)
    assert texts.overridden
    assert Change.objects.filter(kind="tekst").get().fields["judgement"] == ["", "nee"]
