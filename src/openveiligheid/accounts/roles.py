"""Roles are Django groups with permissions; the code checks permissions, never group names.

A role says what a user may do; which gemeenten they may do it for follows from their
organisations (``access.py``). Permissions the code checks are named for what they allow
(``dashboard.bekijken``); the ``view_*``/``add_*`` ones are Django's model permissions and only
open the matching lists in the admin (``/beheer/``).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from openveiligheid.accounts.access import VIEW_DASHBOARD

AUDIT_VIEW = "audit.bekijken"
#: Editing the plan in the web (doelen, streefwaarden, activiteiten, teksten, doel gehaald).
EDIT_PLAN = "policy.bewerken"
#: Entering money per goal (bedragen, kredieten, verschillenanalyse).
EDIT_FINANCE = "policy.financien_bewerken"
#: Freezing (vaststellen) a year of the jaarverslag after the council adopted it.
ADOPT_REPORT = "reports.vaststellen"
#: Writing down what was agreed with the police for a period of the Monitor.
EDIT_MEETING_NOTES = "insight.afspraken_bewerken"
#: Uploading figures, areas, boundaries and incidents (the analyst's imports).
UPLOAD_DATA = "imports.add_importrun"

#: Role -> permissions ("app_label.codename"). Created after every migrate.
#: The admin's read permissions on the plan's tables (only for staff users; rows are limited
#: to the user's gemeenten there too, ``policy/admin.py``).
VIEW_PLAN_IN_ADMIN = ["policy.view_plan", "indicators.view_indicator"]

ROLES: dict[str, list[str]] = {
    "beleidsadviseur": [
        VIEW_DASHBOARD,
        *VIEW_PLAN_IN_ADMIN,
        "imports.view_importrun",
        EDIT_PLAN,
        ADOPT_REPORT,
        EDIT_MEETING_NOTES,
    ],
    "analist": [
        VIEW_DASHBOARD,
        *VIEW_PLAN_IN_ADMIN,
        "imports.view_importrun",
        UPLOAD_DATA,
        "figures.view_figure",
        EDIT_MEETING_NOTES,
    ],
    # The municipality's controller (P&C): money per goal, nothing else to edit.
    "controller": [VIEW_DASHBOARD, EDIT_FINANCE],
    # Reads the dashboard and the jaarverslag, edits nothing.
    "lezer": [VIEW_DASHBOARD],
    "bestuurder": [VIEW_DASHBOARD, *VIEW_PLAN_IN_ADMIN],
    "partner": [VIEW_DASHBOARD],
    # The case registers (cases/registers.py): each role opens one register's person-level
    # data, for the gemeenten of the user's organisations; never through being a superuser.
    "casusregisseur woonoverlast": [VIEW_DASHBOARD, "cases.register_woonoverlast"],
    "coördinator ondermijning": [VIEW_DASHBOARD, "cases.register_ondermijning"],
    "PGA-procesregisseur": [VIEW_DASHBOARD, "cases.register_pga"],
    "jurist bestuurlijke maatregelen": [VIEW_DASHBOARD, "cases.register_maatregelen"],
    # The privacy officer: reads and exports the audit log; sees no case data.
    "functionaris gegevensbescherming": [AUDIT_VIEW],
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
