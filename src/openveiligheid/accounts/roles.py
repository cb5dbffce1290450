"""Roles are Django groups with permissions; the code checks permissions, never group names."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

VIEW_DASHBOARD = "indicators.view_indicator"

#: Role -> permissions ("app_label.codename"). Created after every migrate.
ROLES: dict[str, list[str]] = {
    "beleidsadviseur": [VIEW_DASHBOARD, "policy.view_plan", "imports.view_importrun"],
    "analist": [
        VIEW_DASHBOARD,
        "policy.view_plan",
        "imports.view_importrun",
        "imports.add_importrun",
        "figures.view_figure",
    ],
    "bestuurder": [VIEW_DASHBOARD, "policy.view_plan"],
    "partner": [VIEW_DASHBOARD],
}


def ensure_roles(**_kwargs) -> None:
    """Create the role groups with their permissions (after every ``migrate``).

    Django creates an app's permissions in its own post-migrate step, which for apps listed
    after ``accounts`` has not run yet; so make sure they all exist first.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
