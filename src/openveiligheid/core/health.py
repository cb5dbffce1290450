"""``/gezondheid/``: is this server fit to serve? For load balancers and monitoring.

Open without a log-in and deliberately small: no version, no settings, no counts. Answers 200
when the database answers and every migration is applied, else 503, with the same keys. Apps
higher up add their own keys through ``CHECKS`` (the worker: ``werker``, when one is expected).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

#: Further checks: each returns ``(key, state, fatal)`` or None when not configured. A state
#: other than "ok" makes the answer 503 only when ``fatal``.
CHECKS: list[Callable[[], tuple[str, str, bool] | None]] = []


def check() -> dict[str, str]:
    """``{"status", "database", "migraties"}``, each "ok" or a short Dutch word of what is wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.exception("Gezondheidscontrole: de database antwoordt niet")
        return {"status": "fout", "database": "onbereikbaar", "migraties": "onbekend"}
    state = {"status": "ok" if not pending else "fout", "database": "ok"}
    state["migraties"] = "ok" if not pending else "achter"
    for extra in CHECKS:
        found = extra()
        if found is not None:
            key, value, fatal = found
            state[key] = value
            if fatal and value != "ok":
                state["status"] = "fout"
    return state


@never_cache
@require_GET
def gezondheid(request: HttpRequest) -> JsonResponse:
    state = check()
    return JsonResponse(state, status=200 if state["status"] == "ok" else 503)
