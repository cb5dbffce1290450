"""Organisations, gemeenten and members through ``openveiligheid organisatie``."""

from __future__ import annotations

import pytest

from django.core.management import CommandError, call_command

from openveiligheid.accounts.access import VIEW_DASHBOARD, may, visible_gemeenten
from openveiligheid.accounts.models import Gemeente, Organisation
from openveiligheid.accounts.services import GemeenteSpec, OrganisationError

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("organisatie", *args, stdout=out)
    return out.getvalue()


def test_a_regional_organisation_with_two_gemeenten_and_a_member(adviseur):
    output = run(
        "Veiligheidsbureau West-Brabant",
        "--gemeente",
        "GM0758=Breda",
        "--gemeente",
        "gm0826=Oosterhout",
        "--lid",
        "adviseur",
    )
    assert "Veiligheidsbureau West-Brabant: gemeenten Breda (GM0758), Oosterhout (GM0826)" in output
    assert "leden adviseur" in output
    codes = set(visible_gemeenten(adviseur).values_list("code", flat=True))
    assert codes == {"GM0014", "GM0758", "GM0826"}  # Groningen through its own organisation
    assert may(adviseur, VIEW_DASHBOARD, "GM0826")


def test_running_again_adds_and_removes_without_duplicates(adviseur, nobody):
    run("Regio", "--gemeente", "GM0758", "--lid", "adviseur")
    run("Regio", "--gemeente", "GM0758=Breda", "--lid", "zonderrol", "--geen-lid", "adviseur")
    organisation = Organisation.objects.get(name="Regio")
    assert [g.code for g in organisation.gemeenten.all()] == ["GM0758"]
    assert Gemeente.objects.get(code="GM0758").name == "Breda"  # the name given later
    assert [u.username for u in organisation.members.all()] == ["zonderrol"]
    assert not may(adviseur, VIEW_DASHBOARD, "GM0758")


def test_an_unknown_user_or_a_bad_code_changes_nothing(adviseur):
    with pytest.raises(CommandError, match="Onbekende gebruiker\\(s\\): onbekend"):
        run("Regio", "--gemeente", "GM0758", "--lid", "adviseur", "--lid", "onbekend")
    assert not Organisation.objects.filter(name="Regio").exists()
    with pytest.raises(CommandError, match="'WK001400' is geen gemeentecode"):
        run("Regio", "--gemeente", "WK001400")
    with pytest.raises(OrganisationError):
        GemeenteSpec.parse("0014")
    assert not Gemeente.objects.filter(code="GM0758").exists()


def gebruiker(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("gebruiker", *args, stdout=out)
    return out.getvalue()


def test_gebruiker_creates_a_user_with_roles_and_prints_a_password_once(django_user_model):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    run("Gemeente Breda", "--gemeente", "GM0758=Breda")
    output = gebruiker(
        "anna", "--rol", "beleidsadviseur", "--rol", "analist", "--organisatie", "Gemeente Breda"
    )
    assert "Gebruiker anna aangemaakt; rollen: analist, beleidsadviseur." in output
    assert "Organisaties: Gemeente Breda." in output
    password = output.rsplit(": ", 1)[1].strip()
    user = authenticate(RequestFactory().post("/inloggen/"), username="anna", password=password)
    assert user is not None and may(user, VIEW_DASHBOARD, "GM0758")
    again = gebruiker("anna", "--rol", "partner")
    assert "Gebruiker anna bijgewerkt; rollen: partner." in again
    assert (
        authenticate(RequestFactory().post("/inloggen/"), username="anna", password=password)
        is None
    )  # the old one is gone
    assert list(
        django_user_model.objects.get(username="anna").groups.values_list("name", flat=True)
    ) == ["partner"]


def test_gebruiker_refuses_unknown_roles_and_organisations():
    with pytest.raises(
        CommandError, match="Onbekende rol\\(len\\): baas. Bekende rollen: beleidsadviseur"
    ):
        gebruiker("anna", "--rol", "baas")
    with pytest.raises(CommandError, match="Onbekende organisatie\\(s\\): Nergens"):
        gebruiker("anna", "--rol", "partner", "--organisatie", "Nergens")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="anna").exists()


def test_the_installations_default_gemeente_comes_first_unless_one_was_chosen(adviseur, settings):
    from openveiligheid.accounts.access import choose_default
    from tests.conftest import member_of

    member_of(adviseur, "GM0758", "Breda")  # Breda comes first by name
    assert choose_default(adviseur).code == "GM0758"
    settings.DEFAULT_GEMEENTE = "GM0014"
    assert choose_default(adviseur).code == "GM0014"
    assert choose_default(adviseur, preferred="GM0758").code == "GM0758"  # the user's choice
    settings.DEFAULT_GEMEENTE = "GM0363"  # not one of the user's: ignored
    assert choose_default(adviseur).code == "GM0758"
