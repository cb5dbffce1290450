"""The admin may relabel a measure, but not change whether it may be summed: that comes from
the measure catalogue, which the derivations read as well."""

import pytest

from django.urls import reverse

from openveiligheid.figures.models import Measure

pytestmark = pytest.mark.django_db


def test_additivity_and_name_are_read_only_in_the_admin(admin_client) -> None:
    measure = Measure.objects.create(name="misdrijven:1.1.1", label="oud", additive=True)
    url = reverse("admin:figures_measure_change", args=[measure.pk])
    response = admin_client.post(url, {"name": "iets anders", "label": "nieuw", "additive": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    measure.refresh_from_db()
    assert (measure.name, measure.label, measure.additive) == ("misdrijven:1.1.1", "nieuw", True)
    assert admin_client.get(reverse("admin:figures_measure_add")).status_code == 403
