"""Writing to the audit log and reading it back (``openveiligheid audit``)."""

from __future__ import annotations

import csv
import getpass
import io
import json
from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone

from openveiligheid.audit.context import current_user
from openveiligheid.audit.models import AuditEvent
from openveiligheid.core.csvfiles import safe_text

#: The purpose of every change of rights (roles, memberships, keys, second factor).
PURPOSE_RIGHTS = "rechtenbeheer"

#: The keys of an exported row, in order (issue #9: scripts depend on them).
EXPORT_KEYS = ["wanneer", "wie", "actie", "object", "doel", "details"]


def actor_name(user) -> str:
    """A logged-in user's name, or ``cli:<operating-system user>`` from the command line."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return f"cli:{getpass.getuser()}"


def record(
    action: str, obj: str = "", *, user=None, user_name: str = "", purpose: str = "", **detail
) -> AuditEvent:
    """Append one event. The actor is ``user``, else whoever acts now (the request's user, see
    ``audit.context``; ``cli:<name>`` outside a request). ``user_name`` overrides the name (a
    failed log-in's attempted name)."""
    if user is None and not user_name:
        user = current_user()
    known = user if user is not None and getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=known,
        user_name=user_name or actor_name(user),
        action=action,
        object=obj[:500],
        purpose=purpose,
        detail=detail,
    )


def events(since: date | None = None, user_name: str | None = None) -> Iterable[AuditEvent]:
    found = AuditEvent.objects.all()
    if since is not None:
        start = timezone.make_aware(datetime.combine(since, time.min))
        found = found.filter(at__gte=start)
    if user_name:
        found = found.filter(user_name=user_name)
    return found.order_by("at", "pk").iterator()


def as_row(event: AuditEvent) -> dict:
    return {
        "wanneer": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "wie": event.user_name,
        "actie": event.action,
        "object": event.object,
        "doel": event.purpose,
        "details": event.detail,
    }


def render(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_KEYS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            cells = {**row, "details": json.dumps(row["details"], ensure_ascii=False)}
            writer.writerow({key: safe_text(str(value)) for key, value in cells.items()})
        return out.getvalue()
    lines = [f"{r['wanneer']}  {r['wie']:<20} {r['actie']:<20} {r['object']}" for r in rows]
    return "\n".join(lines) + ("\n" if lines else "Geen auditregels.\n")
