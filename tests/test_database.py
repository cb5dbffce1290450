"""The suite runs on SQLite and on PostgreSQL (scripts/with-postgres.sh); this says which."""

import os

import pytest

from django.db import connection

from openveiligheid.areas.models import Area


@pytest.mark.django_db
def test_the_configured_database_is_the_one_in_use():
    url = os.environ.get("OV_DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_area_codes_are_unique_per_division():
    from django.db import IntegrityError, transaction

    Area.objects.create(code="GM0014", division=2024, level="gemeente", name="Groningen")
    Area.objects.create(code="GM0014", division=2017, level="gemeente", name="Groningen")
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="GM0014", division=2024, level="gemeente", name="Dubbel")
