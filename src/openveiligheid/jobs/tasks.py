"""Background tasks on the task queue (ADR 0020): uploads and the analyses after an import.

The queue is django-tasks (the task API that became ``django.tasks`` in Django 6), configured
by ``OV_TAKEN`` (``settings.TASKS``):

- ``direct`` (the embedded default): the ImmediateBackend runs a task at once, in the process
  that submits it; nothing else needs to run;
- ``database``: django-tasks-db stores it in the database (table ``django_tasks_db_dbtaskresult``)
  and ``openveiligheid worker`` runs it; several workers may share the queue.

The queue carries only the id of a :class:`BackgroundTask` row. That row is the task as users
see it: its kind and arguments, whose it is, its progress (steps done of total), a cancel
request, who runs it (machine, process, worker) and how it ended. :func:`execute` runs it:

- it *claims* the row first (``UPDATE … WHERE status = 'wacht'``): of two workers, or of a
  task delivered twice, exactly one runs it; a row cancelled before it started is never run;
- a cancel request during the run raises :class:`Cancelled` at the task's next database
  statement (see :class:`_Watch`), so the transaction it is in (an import writes in one) is
  rolled back: nothing of it is stored;
- a task whose worker died (:func:`recover`) is put back once, then marked failed with a
  Dutch message. Its transaction died with the worker: nothing of it was stored.

Apps register the kinds they bring with :func:`register` (uploads: ``inlezen``); this module
brings ``analyse``: the analyses of one gemeente after an import (``insight.services``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path

from django_tasks import task

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import F
from django.utils import timezone

from openveiligheid.imports.services import process_exists
from openveiligheid.jobs.models import BackgroundTask, WorkerBeat

log = logging.getLogger(__name__)

ANALYSE = "analyse"
#: A task is run at most this often: once, and once more after its worker died.
MAX_ATTEMPTS = 2
#: How often (seconds) a running task looks whether it should stop.
CANCEL_CHECK_SECONDS = 0.5


class Cancelled(BaseException):  # noqa: N818 -- not an error: like KeyboardInterrupt, it
    """Raised inside a task whose owner asked to stop it. A BaseException, so that code which
    records ``except Exception`` as a failure (``imports.services.execute``) lets it through
    and only the transaction is rolled back."""


# --- the kinds of task -------------------------------------------------------------------------

#: kind -> function that does the work of a row and returns a Dutch summary.
KINDS: dict[str, Callable[[BackgroundTask], str]] = {}


def register(kind: str, function: Callable[[BackgroundTask], str]) -> None:
    KINDS[kind] = function


# --- submitting ----------------------------------------------------------------------------------


@task()
def run(task_id: int) -> str:
    """The one task the queue knows: run :class:`BackgroundTask` ``task_id``."""
    return execute(task_id)


def submit(
    kind: str,
    label: str,
    arguments: dict,
    *,
    owner=None,
    payload: bytes = b"",
    parent: BackgroundTask | None = None,
    steps: int = 1,
) -> BackgroundTask:
    """Put a task on the queue; with ``OV_TAKEN=direct`` it has run when this returns."""
    record = BackgroundTask.objects.create(
        kind=kind,
        label=label[:300],
        arguments=arguments,
        owner=owner if owner is not None and owner.is_authenticated else None,
        payload=payload,
        parent=parent,
        steps_total=steps,
    )
    _enqueue(record.pk)
    record.refresh_from_db()
    return record


def _enqueue(pk: int) -> None:
    result = run.enqueue(pk)
    BackgroundTask.objects.filter(pk=pk).update(queue_id=str(result.id))


def queued_in_database() -> bool:
    return settings.TASK_QUEUE == "database"


# --- running -------------------------------------------------------------------------------------

#: The rows being executed in this thread, innermost last (with ``direct``, an upload runs the
#: analyses after its import inside itself).
_current: list[BackgroundTask] = []


def current() -> BackgroundTask | None:
    return _current[-1] if _current else None


def identity() -> tuple[str, int, str]:
    """(machine, process, worker token) of this process; the token tells a restarted worker
    that got the same process id (as in a container) from the one before it."""
    pid = os.getpid()
    if _token.get("pid") != pid:
        _token.update(pid=pid, token=secrets.token_hex(8))
    return socket.gethostname(), pid, _token["token"]


_token: dict = {}


def execute(task_id: int) -> str:
    """Claim row ``task_id`` and run it; record the outcome on the row. Never raises for the
    task's own failure (the row says it), so one failing task does not stop a worker."""
    host, pid, token = identity()
    claimed = BackgroundTask.objects.filter(pk=task_id, status=BackgroundTask.QUEUED).update(
        status=BackgroundTask.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        host=host,
        pid=pid,
        worker=token,
        step="begonnen",
    )
    if not claimed:  # cancelled before it started, or run by another worker already
        state = BackgroundTask.objects.filter(pk=task_id).values_list("status", flat=True).first()
        return f"Niet uitgevoerd: taak {task_id} is {state or 'verdwenen'}."
    record = BackgroundTask.objects.get(pk=task_id)
    _current.append(record)
    try:
        with _Watch(record):
            message = KINDS[record.kind](record)
        status = BackgroundTask.SUCCEEDED
    except Cancelled:
        who = record.cancel_requested_by or "de gebruiker"
        status = BackgroundTask.CANCELLED
        message = f"Afgebroken door {who}: er is niets van opgeslagen."
    except Exception as exc:
        log.exception("Achtergrondtaak %s (%s) mislukt", record.pk, record.kind)
        status = BackgroundTask.FAILED
        message = f"Mislukt: onverwachte fout ({type(exc).__name__}). Meld dit aan beheer."
    finally:
        _current.pop()
    _finish(record, status, message)
    return message


def _finish(record: BackgroundTask, status: str, message: str) -> None:
    done = F("steps_done") + (1 if status == BackgroundTask.SUCCEEDED else 0)
    BackgroundTask.objects.filter(pk=record.pk).update(
        status=status,
        finished_at=timezone.now(),
        message=message[:4000],
        step="",
        payload=b"",
        steps_done=done,
        result=record.result,
        import_run=record.import_run,
    )
    if record.parent_id is not None:
        BackgroundTask.objects.filter(pk=record.parent_id).update(steps_done=F("steps_done") + 1)


def progress(record: BackgroundTask, step: str, done: int | None = None) -> None:
    """Say what a task is doing now (and how many of its steps are done)."""
    changes: dict = {"step": step[:200]}
    if done is not None:
        changes["steps_done"] = done
    BackgroundTask.objects.filter(pk=record.pk).update(**changes)


def cancel(record: BackgroundTask, user) -> str:
    """Ask to stop ``record``: a waiting task is never run; a running one stops at its next
    database statement and stores nothing. Returns what happened, in Dutch."""
    name = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "")
    now = timezone.now()
    if BackgroundTask.objects.filter(pk=record.pk, status=BackgroundTask.QUEUED).update(
        status=BackgroundTask.CANCELLED,
        finished_at=now,
        cancel_requested_at=now,
        cancel_requested_by=name,
        payload=b"",
        message=f"Afgebroken door {name} voordat de taak begon: er is niets van opgeslagen.",
    ):
        return "De taak is afgebroken voordat ze begon; er is niets ingelezen."
    if record.status != BackgroundTask.RUNNING:
        return "De taak was al klaar; er is niets meer af te breken."
    flag = _flag(record.pk)  # seen at once by a worker on this machine (see _Watch)
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.write_text(name, encoding="utf-8")
    BackgroundTask.objects.filter(pk=record.pk, status=BackgroundTask.RUNNING).update(
        cancel_requested_at=now, cancel_requested_by=name
    )
    return "Afbreken gevraagd; de taak stopt bij haar volgende stap en slaat niets op."


def _flag(pk: int) -> Path:
    return Path(settings.DATA_DIR) / "taken" / f"{pk}.afbreken"


class _Watch:
    """While a task runs: before a database statement (at most every CANCEL_CHECK_SECONDS),
    look whether it should stop, and raise :class:`Cancelled` if so, but only inside a
    transaction the task opened (which the exception then rolls back), never after its work
    was committed.

    Two signs, because on SQLite the cancel request cannot be written while the task holds
    the write lock: a flag file in ``OV_DATA_DIR/taken`` (SQLite lives on one machine), and
    the row's ``cancel_requested_at`` (PostgreSQL, where workers may run elsewhere)."""

    def __init__(self, record: BackgroundTask):
        self.record = record
        self.flag = _flag(record.pk)
        self.depth = len(connection.atomic_blocks)
        self.next_check = 0.0
        self.checking = False
        self.wrapper = None

    def __enter__(self):
        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)
        self.flag.unlink(missing_ok=True)
        return False

    def __call__(self, execute, sql, params, many, context):
        if (
            not self.checking
            and current() is self.record
            and len(connection.atomic_blocks) > self.depth
            and time.monotonic() >= self.next_check
        ):
            self.next_check = time.monotonic() + CANCEL_CHECK_SECONDS
            self.checking = True
            try:
                if self.flag.exists():
                    asked, who = True, self.flag.read_text(encoding="utf-8")
                else:
                    who = (
                        BackgroundTask.objects.filter(
                            pk=self.record.pk, cancel_requested_at__isnull=False
                        )
                        .values_list("cancel_requested_by", flat=True)
                        .first()
                    )
                    asked = who is not None
                if asked:
                    self.record.cancel_requested_by = who or ""
            finally:
                self.checking = False
            if asked:
                raise Cancelled
        return execute(sql, params, many, context)


# --- the worker's side ---------------------------------------------------------------------------


def run_queued(stop=None, limit: int | None = None) -> int:
    """Run tasks from the database queue until it is empty (or ``stop`` is set, or ``limit``
    tasks ran); returns how many ran. Claims each as ``db_worker`` does: locked (PostgreSQL:
    ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: an exclusive transaction), so two workers
    never take the same one."""
    if not queued_in_database():
        return 0
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    host, pid, token = identity()
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"{token}@{host}:{pid}"[:64],
        excluded_queue_names=[],
    )
    ran = 0
    while (stop is None or not stop.is_set()) and (limit is None or ran < limit):
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                found = ready.get_locked()
                if found is not None:
                    found.claim(worker.worker_id)
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            continue
        if found is None:
            break
        worker.run_task(found)
        ran += 1
    return ran


def recover() -> list[BackgroundTask]:
    """Tasks left running by a worker that died: put back on the queue once, then failed.
    Their data were never committed (each task writes in transactions that died with it)."""
    from openveiligheid.imports.services import close_abandoned_runs

    changed = []
    for record in BackgroundTask.objects.filter(status=BackgroundTask.RUNNING):
        if not _abandoned(record):
            continue
        alive = BackgroundTask.objects.filter(
            pk=record.pk, status=BackgroundTask.RUNNING, worker=record.worker
        )
        _forget_queued(record)
        where = f"proces {record.pid} op {record.host}"
        if record.attempts < MAX_ATTEMPTS:
            if alive.update(
                status=BackgroundTask.QUEUED,
                host="",
                pid=None,
                worker="",
                step=f"opnieuw in de rij: de werker ({where}) stopte tijdens deze taak",
            ):
                _enqueue(record.pk)
                changed.append(record)
        elif alive.update(
            status=BackgroundTask.FAILED,
            finished_at=timezone.now(),
            step="",
            payload=b"",
            message=(
                f"Mislukt: de werker ({where}) stopte tijdens deze taak, ook bij de tweede "
                "poging. Er is niets half opgeslagen (een import schrijft alles of niets); "
                "probeer het later opnieuw of meld het aan beheer."
            ),
        ):
            changed.append(record)
    close_abandoned_runs()  # the import runs those tasks left "running"
    return changed


def _abandoned(record: BackgroundTask) -> bool:
    host, pid, token = identity()
    if record.host == host:
        if record.pid == pid:
            return record.worker != token  # a restarted worker with the same process id
        return record.pid is None or not process_exists(record.pid)
    if not queued_in_database():
        return False  # a web process elsewhere runs it directly; it says no heartbeat
    limit = timezone.now() - dt.timedelta(seconds=3 * beat_seconds())
    return not WorkerBeat.objects.filter(
        host=record.host, pid=record.pid, seen_at__gte=limit
    ).exists()


def _forget_queued(record: BackgroundTask) -> None:
    """Mark the queue's own row of a dead attempt as failed (else it says RUNNING forever)."""
    if not queued_in_database() or not record.queue_id:
        return
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=record.queue_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now()
    )


def beat_seconds() -> int:
    """Seconds between two heartbeats of a worker (also while it runs a long task)."""
    return max(1, min(settings.WORKER_INTERVAL, 60))


# --- the analyses after an import ----------------------------------------------------------------


def _analyse(record: BackgroundTask) -> str:
    from openveiligheid.insight.services import Unit, refresh_gemeente

    unit = Unit.from_dict(record.arguments)
    runs = refresh_gemeente(unit.division, unit.gemeente, unit.measures)
    return "; ".join(f"{r.get_kind_display()}: {r.message}" for r in runs) or "Niets te doen."


def enqueue_analyses(units, run) -> None:
    """``insight.services``' scheduler: one task per gemeente. Inside an upload task they are
    its follow-up steps (its progress counts them)."""
    parent = current()
    if parent is not None:
        BackgroundTask.objects.filter(pk=parent.pk).update(
            steps_total=F("steps_total") + len(units)
        )
    for unit in units:
        submit(
            ANALYSE,
            f"Analyses {unit} na import {getattr(run, 'pk', '?')}",
            {**unit.as_dict(), "import_run": getattr(run, "pk", None)},
            parent=parent,
        )


def pending_divisions() -> set[int]:
    """Divisions with analysis tasks waiting or running (the worker's ``analyses`` job leaves
    them to those tasks)."""
    rows = BackgroundTask.objects.filter(
        kind=ANALYSE, status__in=[BackgroundTask.QUEUED, BackgroundTask.RUNNING]
    ).values_list("arguments", flat=True)
    return {int(arguments["division"]) for arguments in rows if "division" in arguments}


register(ANALYSE, _analyse)
