"""The one access path to case data: registers through roles, gemeenten through organisations,
never through being a superuser; links only between cases a user may see both of."""

from __future__ import annotations

import datetime as dt

import pytest

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from openveiligheid.accounts.roles import ROLES
from openveiligheid.cases import services
from openveiligheid.cases.access import visible_links
from openveiligheid.cases.models import Case, Person
from openveiligheid.cases.registers import REGISTERS
from tests.conftest import with_role

pytestmark = pytest.mark.django_db


def woonoverlast(user, number: str = "WO-1", code: str = "GM0014") -> Case:
    return services.open_case(
        user, "woonoverlast", code, number=number, opened=dt.date(2022, 3, 1), woningtype="koop"
    )


def test_every_register_has_a_role_with_its_permission_and_a_second_factor(settings) -> None:
    for register in REGISTERS.values():
        assert register.permission in ROLES[register.role]
        assert register.role in settings.TWO_FACTOR_ROLES
        group = Group.objects.get(name=register.role)
        assert group.permissions.filter(codename=register.codename).exists()


def test_only_the_entitled_role_of_the_gemeente_sees_a_case(
    django_user_model, casusregisseur, jurist, adviseur
) -> None:
    case = woonoverlast(casusregisseur)
    other_gemeente = with_role(
        django_user_model, "breda-wo", "casusregisseur woonoverlast", "GM0758"
    )
    superuser = django_user_model.objects.create_superuser("root", password="x" * 12)
    assert [c.pk for c in Case.objects.visible_to(casusregisseur)] == [case.pk]
    for user in (jurist, adviseur, other_gemeente, superuser):
        assert not Case.objects.visible_to(user).exists(), user.username
        with pytest.raises(Case.DoesNotExist):
            services.view_case(user, case.pk, "casusbehandeling")
    with pytest.raises(PermissionDenied):
        woonoverlast(jurist, "WO-2")


def test_persons_are_seen_only_through_a_visible_case(casusregisseur, jurist) -> None:
    case = woonoverlast(casusregisseur)
    person = services.add_person(casusregisseur, case, "Fictieve Bewoner")
    assert list(Person.objects.visible_to(casusregisseur)) == [person]
    assert not Person.objects.visible_to(jurist).exists()


def test_a_link_shows_only_to_a_user_entitled_to_both_cases(
    django_user_model, casusregisseur
) -> None:
    both = with_role(django_user_model, "beide", "casusregisseur woonoverlast")
    both.groups.add(Group.objects.get(name="jurist bestuurlijke maatregelen"))
    case = woonoverlast(both)
    measure = services.open_case(
        both,
        "maatregelen",
        "GM0014",
        number="BM-1",
        opened=dt.date(2022, 4, 1),
        decided=dt.date(2022, 4, 1),
        measure_type="last onder dwangsom",
    )
    services.link_cases(both, case, measure)
    assert [c.pk for c in visible_links(case, both)] == [measure.pk]
    assert visible_links(case, casusregisseur) == []  # sees the case, not the measure
