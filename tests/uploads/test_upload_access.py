"""The access walk of the upload pages (``uploads:*``): every URL for anonymous, a member without
a role, a lezer, each entitled role (analist, beleidsadviseur, controller: only their kinds)
and a beleidsadviseur of another gemeente. A run is seen only by the user who made it.

A new URL of the ``uploads`` namespace without an entry here fails
``test_every_upload_url_is_walked`` (and ``test_every_url_pattern_has_an_access_test``).
"""

from __future__ import annotations

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from openveiligheid.imports.models import ImportRun
from tests.conftest import with_role
from tests.uploads.conftest import logged_in
from tests.uploads.test_upload_tasks import WALKED as TASK_URLS_WALKED

pytestmark = pytest.mark.django_db

RUN = "<run>"
#: url name -> arguments; ``<run>`` stands for a run of the adviseur's, made by the test.
UPLOAD_URLS: dict[str, dict] = {
    "uploads:inlezen": {},
    "uploads:geschiedenis": {},
    "uploads:resultaat": {"pk": RUN},
}
#: Everything walked here and in test_upload_tasks.py (tests/dashboard/test_permissions.py
#: counts these as tested).
WALKED: set[str] = set(UPLOAD_URLS) | TASK_URLS_WALKED

ANALIST_KINDS = {"cijfers", "gebieden", "grenzen", "incidenten"}
ADVISEUR_KINDS = {"plan", "activiteiten"}
CONTROLLER_KINDS = {"financien", "kredieten"}
ALL_KINDS = ANALIST_KINDS | ADVISEUR_KINDS | CONTROLLER_KINDS
MONEY = "doel;onderdeel;stap;bedrag\nminder-fietsdiefstal;lasten;begroting;1.000\n"
ACTIVITIES = (
    "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"
    "minder-fietsdiefstal;A1;Fietsen graveren;groen;groen;groen;groen;\n"
)


@pytest.fixture
def adviseur_run(plan, adviseur) -> ImportRun:
    """A run of the adviseur's: an activities file uploaded through the page."""
    client = logged_in(adviseur)
    response = client.post(
        reverse("uploads:inlezen"),
        {
            "soort": "activiteiten",
            "jaar": 2022,
            "moment": "jaarrekening",
            "bestand": SimpleUploadedFile("activiteiten.csv", ACTIVITIES.encode()),
        },
    )
    assert response.status_code == 302
    return ImportRun.objects.get(user=adviseur)


def _url(name: str, run: ImportRun) -> str:
    kwargs = {key: run.pk if value == RUN else value for key, value in UPLOAD_URLS[name].items()}
    return reverse(name, kwargs=kwargs)


def _kinds_on(page: str) -> set[str]:
    return {kind for kind in ALL_KINDS if f'name="soort" value="{kind}"' in page}


def test_every_upload_url_is_walked() -> None:
    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "uploads":
            names |= {f"uploads:{p.name}" for p in pattern.url_patterns}
    assert names == WALKED


@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
def test_anonymous_is_sent_to_the_login_page(client: Client, adviseur_run, name: str) -> None:
    response = client.get(_url(name, adviseur_run))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    response = client.post(reverse("uploads:inlezen"), {"soort": "plan"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(UPLOAD_URLS))
@pytest.mark.parametrize("who", ["nobody", "lezer"])
def test_without_an_upload_role_the_pages_are_forbidden(
    adviseur_run, request, name: str, who: str
) -> None:
    client = logged_in(request.getfixturevalue(who))
    response = client.get(_url(name, adviseur_run))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.parametrize("who", ["nobody", "lezer"])
def test_without_an_upload_role_a_post_is_forbidden_and_reads_nothing(
    plan, request, who: str
) -> None:
    client = logged_in(request.getfixturevalue(who))
    before = ImportRun.objects.count()
    response = client.post(
        reverse("uploads:inlezen"),
        {"soort": "financien", "jaar": 2022, "bestand": SimpleUploadedFile("f.csv", b"x")},
    )
    assert response.status_code == 403
    assert ImportRun.objects.count() == before


@pytest.mark.parametrize(
    "who, kinds",
    [("analist", ANALIST_KINDS), ("adviseur", ADVISEUR_KINDS), ("controller", CONTROLLER_KINDS)],
    ids=["analist", "beleidsadviseur", "controller"],
)
def test_each_role_gets_the_pages_with_only_its_own_kinds(
    plan, request, who: str, kinds: set[str]
) -> None:
    client = logged_in(request.getfixturevalue(who))
    response = client.get(reverse("uploads:inlezen"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert _kinds_on(page) == kinds
    assert plan.name in page  # the header names the plan of the chosen gemeente
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    # only the extra fields of its own kinds
    assert ('name="jaar"' in page) == bool(kinds & (ADVISEUR_KINDS | CONTROLLER_KINDS))
    assert ('name="indeling"' in page) == (kinds == ANALIST_KINDS)
    assert ('name="moment"' in page) == ("activiteiten" in kinds)
    history = client.get(reverse("uploads:geschiedenis"))
    assert history.status_code == 200
    assert "U hebt nog geen bestanden ingelezen." in history.content.decode()


@pytest.mark.parametrize(
    "who, kind",
    [
        ("analist", "financien"),
        ("analist", "plan"),
        ("adviseur", "cijfers"),
        ("adviseur", "kredieten"),
        ("controller", "activiteiten"),
        ("controller", "gebieden"),
    ],
)
def test_posting_a_kind_the_role_may_not_upload_is_forbidden(
    plan, request, who: str, kind: str
) -> None:
    client = logged_in(request.getfixturevalue(who))
    before = ImportRun.objects.count()
    response = client.post(
        reverse("uploads:inlezen"),
        {
            "soort": kind,
            "jaar": 2022,
            "indeling": 2024,
            "moment": "jaarrekening",
            "bestand": SimpleUploadedFile("f.csv", MONEY.encode()),
        },
    )
    assert response.status_code == 403
    assert ImportRun.objects.count() == before


def test_a_user_of_another_gemeente_sees_only_their_own(plan, adviseur_run, elsewhere) -> None:
    client = logged_in(elsewhere)
    response = client.get(reverse("uploads:inlezen"))
    assert response.status_code == 200
    page = response.content.decode()
    assert _kinds_on(page) == ADVISEUR_KINDS  # a beleidsadviseur of Breda
    assert "Breda" in page
    assert plan.name not in page and "Groningen" not in page
    history = client.get(reverse("uploads:geschiedenis")).content.decode()
    assert adviseur_run.file_name not in history
    assert client.get(_url("uploads:resultaat", adviseur_run)).status_code == 404
    response = client.post(
        reverse("uploads:inlezen"),
        {"soort": "financien", "jaar": 2022, "bestand": SimpleUploadedFile("f.csv", b"x")},
    )
    assert response.status_code == 403  # money is the controller's
    assert not ImportRun.objects.filter(user=elsewhere).exists()


def test_yearly_files_of_a_gemeente_without_a_plan_go_nowhere(plan, django_user_model) -> None:
    # Zwolle has no plan in the demo: its yearly files cannot land in anyone else's plan
    zwolle = with_role(django_user_model, "zwolle", "beleidsadviseur", "GM0193")
    response = logged_in(zwolle).post(
        reverse("uploads:inlezen"),
        {
            "soort": "activiteiten",
            "jaar": 2022,
            "moment": "jaarrekening",
            "bestand": SimpleUploadedFile("a.csv", ACTIVITIES.encode()),
        },
    )
    assert response.status_code == 200
    assert "De gemeente Zwolle heeft nog geen plan" in response.content.decode()
    assert not ImportRun.objects.filter(user=zwolle).exists()


def test_a_run_is_seen_only_by_its_own_user(
    plan, adviseur_run, analist, controller, django_user_model
) -> None:
    url = _url("uploads:resultaat", adviseur_run)
    for other in [analist, controller]:
        assert logged_in(other).get(url).status_code == 404
    owner = logged_in(adviseur_run.user)
    assert owner.get(url).status_code == 200
    missing = reverse("uploads:resultaat", kwargs={"pk": adviseur_run.pk + 1000})
    assert owner.get(missing).status_code == 404
    history = logged_in(analist).get(reverse("uploads:geschiedenis")).content.decode()
    assert adviseur_run.file_name not in history


def test_a_post_without_the_csrf_token_is_refused(plan, controller) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(controller)
    before = ImportRun.objects.count()

    def post(extra: dict):
        data = {"soort": "financien", "jaar": 2022}
        data["bestand"] = SimpleUploadedFile("f.csv", MONEY.encode())
        return client.post(reverse("uploads:inlezen"), {**data, **extra})

    assert post({}).status_code == 403
    assert ImportRun.objects.count() == before
    client.get(reverse("uploads:inlezen"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert post({"csrfmiddlewaretoken": token}).status_code == 302  # the same post, with it
    assert ImportRun.objects.count() == before + 1
