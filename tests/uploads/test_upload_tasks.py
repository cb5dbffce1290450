"""Uploads as background tasks (``OV_TAKEN=database``; ADR 0020): the page of a task shows
how far it is (steps done of total: the import, then the analyses per gemeente), its owner can
cancel it (POST with CSRF), and when it is done the browser goes on to the run's report. A
task is seen only by its owner. With the embedded default (``direct``) nothing changes: the
other upload tests run that way."""

from __future__ import annotations

import json

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT
from openveiligheid.figures.models import Figure
from openveiligheid.imports.models import ImportRun
from openveiligheid.jobs import tasks
from openveiligheid.jobs.models import BackgroundTask
from openveiligheid.jobs.tasks import run_queued
from tests.uploads.conftest import logged_in

pytestmark = pytest.mark.django_db

#: The task URLs, walked here (tests/uploads/test_upload_access.py adds them to its WALKED).
WALKED = {"uploads:taak", "uploads:taak_stand", "uploads:afbreken"}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(settings, tmp_path):
    settings.TASK_QUEUE = "database"
    settings.TASKS = DATABASE_QUEUE
    settings.DATA_DIR = tmp_path
    return settings


def figures_file(value: int = 5) -> SimpleUploadedFile:
    buurt = (
        Area.objects.filter(division=2024, level=BUURT, gemeente_code="GM0014")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    text = f"measure,area,period,value\nmisdrijven:1.2.1,{buurt},2023-01,{value}\n"
    return SimpleUploadedFile("proef_cijfers.csv", text.encode())


def upload(client: Client, **extra) -> object:
    data = {"soort": "cijfers", "indeling": 2024, "bestand": figures_file(), **extra}
    return client.post(reverse("uploads:inlezen"), data)


@pytest.fixture
def task(plan, queued, analist) -> BackgroundTask:
    response = upload(logged_in(analist))
    assert response.status_code == 302
    record = BackgroundTask.objects.get(owner=analist)
    assert response.url == reverse("uploads:taak", args=[record.pk])
    return record


def test_an_upload_waits_on_the_queue_and_its_page_says_so(task, analist) -> None:
    client = logged_in(analist)
    assert task.status == BackgroundTask.QUEUED and bytes(task.payload).startswith(b"measure")
    assert not ImportRun.objects.filter(user=analist).exists()  # nothing read yet
    page = client.get(reverse("uploads:taak", args=[task.pk]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "Wacht op een werker" in text and "<progress" in text and "Afbreken" in text
    assert "csrfmiddlewaretoken" in text
    state = json.loads(client.get(reverse("uploads:taak_stand", args=[task.pk])).content)
    assert state["status"] == "wacht" and state["procent"] == 0 and not state["klaar"]
    listed = client.get(reverse("uploads:inlezen")).content.decode()
    assert "Nog bezig of in de rij" in listed and reverse("uploads:taak", args=[task.pk]) in listed


def test_progress_counts_the_import_and_the_analyses_then_goes_to_the_report(
    task, analist, settings
) -> None:
    settings.ANALYSE_AFTER_IMPORT = True
    client = logged_in(analist)
    assert run_queued(limit=1) == 1  # the import; its analysis task waits
    task.refresh_from_db()
    assert task.status == BackgroundTask.SUCCEEDED and task.import_run.status == "succeeded"
    assert [c.status for c in task.children.all()] == [BackgroundTask.QUEUED]
    assert task.payload in (b"", memoryview(b"")) or bytes(task.payload) == b""
    state = json.loads(client.get(reverse("uploads:taak_stand", args=[task.pk])).content)
    assert (state["stappen_klaar"], state["stappen"], state["procent"]) == (1, 2, 50)
    page = client.get(reverse("uploads:taak", args=[task.pk])).content.decode()
    assert "50 %" in page and "0 van 1 klaar" in page
    assert run_queued() == 1
    state = json.loads(client.get(reverse("uploads:taak_stand", args=[task.pk])).content)
    assert state["klaar"] and state["verder"] == reverse(
        "uploads:resultaat", args=[task.import_run.pk]
    )
    response = client.get(reverse("uploads:taak", args=[task.pk]))
    assert response.status_code == 302 and response.url == state["verder"]


def test_cancelled_before_it_starts_nothing_is_read(task, analist) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analist)
    url = reverse("uploads:afbreken", args=[task.pk])
    assert client.post(url).status_code == 403  # without the CSRF token
    page = client.get(reverse("uploads:taak", args=[task.pk]))
    token = client.cookies["csrftoken"].value
    assert page.status_code == 200
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == BackgroundTask.CANCELLED
    run_queued()
    assert not ImportRun.objects.filter(user=analist).exists()
    page = client.get(reverse("uploads:taak", args=[task.pk])).content.decode()
    assert "Afgebroken" in page and "niets" in page


def test_cancelled_while_it_reads_the_import_is_rolled_back(task, analist, monkeypatch) -> None:
    monkeypatch.setattr(tasks, "CANCEL_CHECK_SECONDS", 0)
    figures = Figure.objects.count()
    # the owner's cancel arrives as the worker starts (cancel() of a running task: the flag
    # and the row); the import's first statement in its transaction sees it
    flag = tasks._flag(task.pk)
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.write_text("analist", encoding="utf-8")
    run_queued()
    task.refresh_from_db()
    assert task.status == BackgroundTask.CANCELLED
    assert task.message == "Afgebroken door analist: er is niets van opgeslagen."
    run = ImportRun.objects.get(user=analist)
    assert run.status == ImportRun.FAILED
    assert run.message == "Afgebroken door analist: er is niets ingelezen."
    assert run.created == 0 and Figure.objects.count() == figures


def test_a_task_is_seen_and_cancelled_only_by_its_owner(task, analist, request) -> None:
    urls = [reverse(name, args=[task.pk]) for name in ("uploads:taak", "uploads:taak_stand")]
    cancel = reverse("uploads:afbreken", args=[task.pk])
    for url in [*urls, cancel]:
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for who in ("nobody", "lezer"):
        client = logged_in(request.getfixturevalue(who))
        assert all(client.get(url).status_code == 403 for url in urls)
        assert client.post(cancel).status_code == 403
    other = logged_in(request.getfixturevalue("controller"))  # may upload, not this task
    assert all(other.get(url).status_code == 404 for url in urls)
    assert other.post(cancel).status_code == 404
    owner = logged_in(analist)
    assert owner.get(cancel).status_code == 405  # cancelling is a POST
    assert all(owner.get(url).status_code == 200 for url in urls)
    task.refresh_from_db()
    assert task.status == BackgroundTask.QUEUED
