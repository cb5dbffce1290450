"""Writing to the audit log and reading it back (``openveiligheid audit``)."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from openveiligheid.audit.context import current_user
from openveiligheid.audit.models import AuditEvent, ChainCheck
from openveiligheid.core.csvfiles import safe_text

#: The purpose of every change of rights (roles, memberships, keys, second factor).
PURPOSE_RIGHTS = "rechtenbeheer"

#: The keys of an exported row, in order (issue #9: scripts depend on them).
#: ``hash`` is the row's link in the hash chain: an export carries the newest hash, which the
#: FG keeps outside the application to detect a cut-off tail later (ADR 0016).
EXPORT_KEYS = ["wanneer", "wie", "actie", "object", "doel", "details", "hash"]


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
    event = AuditEvent(
        user=known,
        user_name=user_name or actor_name(user),
        action=action,
        object=obj[:500],
        purpose=purpose,
        detail=json.loads(json.dumps(detail, default=str)),  # as it will read back
    )
    with transaction.atomic():
        _lock_chain()
        event.at = timezone.now()
        event.previous_hash = last_hash()
        event.hash = chain_hash(event)
        event.save()
    return event


#: PostgreSQL advisory lock key of the hash chain (any constant; "OVAU" in ASCII).
CHAIN_LOCK = 0x4F564155


def _lock_chain() -> None:
    """One writer at a time extends the chain. SQLite already serialises writers (transactions
    begin IMMEDIATE, settings.py); PostgreSQL takes a transaction-scoped advisory lock, after
    which the next statement sees the newest committed row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def last_hash() -> str:
    """The hash of the newest row ("" for an empty log)."""
    return AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first() or ""


#: What the chain hashes, plus the row's key and its own hash (for ``verify_chain``).
CHAIN_FIELDS = ("pk", "at", "user_name", "action", "object", "purpose", "detail",
                "previous_hash", "hash")  # fmt: skip


def chain_hash(event) -> str:
    """SHA-256 over the row's content and the hash of the row before it (``event``: an
    ``AuditEvent`` or a named row of its ``CHAIN_FIELDS``)."""
    content = [
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.user_name,
        event.action,
        event.object,
        event.purpose,
        event.detail,
        event.previous_hash,
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """A row whose content or link no longer matches its hash."""

    pk: int
    at: datetime
    reason: str


def verify_chain(since: ChainCheck | None = None) -> tuple[int, list[ChainBreak]]:
    """Recompute the chain: (rows checked, breaks). A changed row breaks at itself; a removed
    row breaks at the row after it; a row inserted in between breaks at itself.

    Without ``since`` the whole chain is checked, and an intact chain is recorded as a
    :class:`ChainCheck`. With ``since`` (an earlier whole check) only the rows after it are
    checked, against the hash it recorded, and that row itself must still carry it: a tail
    cut off or rewritten since is found; a change further back waits for the next whole check
    (the worker's daily ``auditketen``, or ``openveiligheid audit --controleer``)."""
    rows = AuditEvent.objects.order_by("pk").values_list(*CHAIN_FIELDS, named=True)
    previous, checked, breaks = "", 0, []
    if since is not None:
        anchor = AuditEvent.objects.filter(pk=since.last_pk).values_list("hash", flat=True)
        if list(anchor) != [since.last_hash]:
            reason = "de regel van de vorige volledige controle ontbreekt of is gewijzigd"
            breaks.append(ChainBreak(since.last_pk, since.checked_at, reason))
        rows, previous = rows.filter(pk__gt=since.last_pk), since.last_hash
    last = None
    for event in rows.iterator(chunk_size=2000):  # named rows: no model instance per row
        checked += 1
        if event.previous_hash != previous:
            breaks.append(
                ChainBreak(event.pk, event.at, "de vorige regel ontbreekt of is gewijzigd")
            )
        elif event.hash != chain_hash(event):
            breaks.append(ChainBreak(event.pk, event.at, "de inhoud is gewijzigd"))
        previous, last = event.hash, event
    if since is None and not breaks and last is not None:
        ChainCheck.objects.create(rows=checked, last_pk=last.pk, last_hash=last.hash)
    return checked, breaks


def newest_check() -> ChainCheck | None:
    """The newest whole check that found the chain intact."""
    return ChainCheck.objects.order_by("-last_pk", "-pk").first()


def events(
    since: date | None = None,
    user_name: str | None = None,
    action: str | None = None,
    *,
    newest_first: bool = False,
) -> QuerySet[AuditEvent]:
    """The audit events from ``since`` (a date), of ``user_name``, of ``action``; oldest first
    (the export) or newest first (the FG's page)."""
    found = AuditEvent.objects.all()
    if since is not None:
        start = timezone.make_aware(datetime.combine(since, time.min))
        found = found.filter(at__gte=start)
    if user_name:
        found = found.filter(user_name=user_name)
    if action:
        found = found.filter(action=action)
    return found.order_by("-at", "-pk") if newest_first else found.order_by("at", "pk")


def as_row(event: AuditEvent) -> dict:
    return {
        "wanneer": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "wie": event.user_name,
        "actie": event.action,
        "object": event.object,
        "doel": event.purpose,
        "details": event.detail,
        "hash": event.hash,
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
