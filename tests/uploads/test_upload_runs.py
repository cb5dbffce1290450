"""An upload reports the run its own import made, also when another upload of the same user
and kind made a newer one in the meantime; a file of many bad lines shows the first problems
and how many more there are."""

from __future__ import annotations

import re

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_save
from django.urls import reverse

from openveiligheid.core.errors import InputError
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.uploads.services import KINDS_BY_KEY, Options, Outcome, runs_made, upload
from tests.uploads.conftest import logged_in

pytestmark = pytest.mark.django_db

BAD = b"measure,area,period,value\nhalt,GM0014,2022,veel\n"


def upload_figures(name: str, user, plan) -> Outcome:
    kind = KINDS_BY_KEY["cijfers"]
    file = SimpleUploadedFile(name, BAD.replace(b"veel", name.encode()))
    return upload(kind, file, Options(indeling=2024), user, plan, "GM0014")


def test_two_uploads_at_once_each_report_their_own_run(plan, analist) -> None:
    """Upload b.csv starts and fails while a.csv is being read (after a.csv's run was made),
    so b's run is the newer failed run of the same user and kind when a.csv fails."""
    outcomes: dict[str, Outcome] = {}

    def while_a_runs(sender, instance: ImportRun, created: bool, **kwargs) -> None:
        if created and instance.file_name == "a.csv":
            outcomes["b"] = upload_figures("b.csv", analist, plan)

    post_save.connect(while_a_runs, sender=ImportRun, dispatch_uid="test-while-a-runs")
    try:
        outcomes["a"] = upload_figures("a.csv", analist, plan)
    finally:
        post_save.disconnect(sender=ImportRun, dispatch_uid="test-while-a-runs")
    a, b = outcomes["a"].run, outcomes["b"].run
    assert a.status == b.status == ImportRun.FAILED and a.pk < b.pk
    assert (a.file_name, b.file_name) == ("a.csv", "b.csv")
    assert "'a.csv' is geen getal" in a.errors[0]["message"]
    assert "'b.csv' is geen getal" in b.errors[0]["message"]


def test_runs_made_collects_the_runs_made_inside_its_block_only(plan, analist, tmp_path) -> None:
    outside = upload_figures("buiten.csv", analist, plan).run
    path = tmp_path / "binnen.csv"
    path.write_bytes(BAD)
    with runs_made() as made, pytest.raises(InputError):
        import_figures(path)
    assert [run.file_name for run in made.runs] == ["binnen.csv"]
    assert made.run.status == ImportRun.FAILED and outside not in made.runs


def test_a_file_of_50000_bad_lines_shows_500_problems_and_counts_the_rest(plan, analist) -> None:
    client = logged_in(analist)
    content = b"measure,area,period,value\n" + b"halt,GM0014,2022,veel\n" * 50_000
    data = {"soort": "cijfers", "bestand": SimpleUploadedFile("slecht.csv", content)}
    response = client.post(reverse("uploads:inlezen"), data)
    assert response.status_code == 302
    run = ImportRun.objects.get(pk=int(re.fullmatch(r"/inlezen/(\d+)/", response.url).group(1)))
    assert run.status == ImportRun.FAILED and len(run.errors) == 1001
    page = client.get(response.url).content.decode()
    assert page.count("is geen getal</td>") == 500
    assert "… en nog 49.500 andere fouten." in page
