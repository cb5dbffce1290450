"""Upgrade from one gemeente per installation: every gemeente that has a plan gets a gemeente
row and an organisation "Gemeente <naam>", and every existing user becomes a member, so that
everyone keeps seeing what they saw before (the one plan of the installation)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Plan = apps.get_model("policy", "Plan")
    Area = apps.get_model("areas", "Area")
    Gemeente = apps.get_model("accounts", "Gemeente")
    Organisation = apps.get_model("accounts", "Organisation")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = list(User.objects.all())
    codes = sorted(set(Plan.objects.values_list("gemeente_code", flat=True)))
    for code in codes:
        area = Area.objects.filter(code=code).order_by("-division").first()
        gemeente, _ = Gemeente.objects.get_or_create(
            code=code, defaults={"name": area.name if area else code}
        )
        organisation, _ = Organisation.objects.get_or_create(name=f"Gemeente {gemeente.name}")
        organisation.gemeenten.add(gemeente)
        organisation.members.add(*users)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("policy", "0001_initial"),
        ("areas", "0002_map_shapes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
