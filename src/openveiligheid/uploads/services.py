"""Uploading a file in the web: which kinds of file there are, who may upload which, and the
mapping from a chosen kind to the import service the command line calls for it.

Every kind calls the *same* service function as its command (``import_figures``,
``import_areas``, ``import_boundaries``, ``import_incidents``, ``load_plan``'s
``policy.planimport.import_plan``, and the plan's yearly files of ``policy.yearimports``),
with the same options. Those services read the file (refusing one that is too large before
reading it), record an :class:`ImportRun`, write in one transaction and store nothing on any
error. The only addition here is for the plan file: a plan of another gemeente than the one
the user works for is refused. The run an upload reports is the one its service created
(:func:`runs_made`), also when the service raised.

With ``OV_TAKEN=database`` an upload is a background task (:func:`submit_upload`, run by the
worker through :func:`run_upload_task`; ``jobs/tasks.py``): the file is kept with the task
until it has run, the page shows its progress and its owner can cancel it. With the embedded
default (``direct``) it is read during the request, as on the command line.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db.models.signals import post_save
from django.dispatch import receiver

from openveiligheid.accounts.access import may
from openveiligheid.accounts.roles import EDIT_FINANCE, EDIT_PLAN, UPLOAD_DATA
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.core.errors import InputError
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import finish
from openveiligheid.jobs.models import BackgroundTask
from openveiligheid.jobs.tasks import Cancelled, progress, submit
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planimport import PLAN_KIND, import_plan
from openveiligheid.policy.yearimports import import_activities, import_credits, import_finance

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    """One kind of file a user can upload."""

    key: str
    label: str
    permission: str
    description: str
    doc: str
    #: the extra form fields this kind uses (names of ``forms.UploadForm`` fields)
    options: tuple[str, ...] = ()
    #: of those, the ones it needs
    required: tuple[str, ...] = ()
    #: the ``ImportRun.kind`` its service records
    run_kind: str = ""
    #: whether it works on the plan of the chosen gemeente
    needs_plan: bool = False


KINDS: list[Kind] = [
    Kind(
        "cijfers",
        "Cijfers",
        UPLOAD_DATA,
        "Een CBS-opendatabestand (typed data set, bijvoorbeeld 83651NED of 47018NED, met "
        "puntkomma's) of een cijfers-CSV met de kolommen measure, area, period en value. "
        "Het formaat blijkt uit de kop van het bestand.",
        "docs/data-formats/cbs-opendata.md en docs/data-formats/cijfers.md",
        options=("indeling", "periode", "dataset", "vervang_alles", "nullen_weggelaten"),
        run_kind="figures",
    ),
    Kind(
        "gebieden",
        "Gebiedenlijst",
        UPLOAD_DATA,
        "De CBS-lijst van wijken en buurten van één gebiedsindeling (WijkenEnBuurten.csv van "
        "tabel 47018NED): codes en namen.",
        "docs/data-formats/gebieden.md",
        options=("indeling",),
        required=("indeling",),
        run_kind="areas",
    ),
    Kind(
        "grenzen",
        "Gebiedsgrenzen",
        UPLOAD_DATA,
        "GeoJSON met de grenzen van buurten of wijken (EPSG:4326), met de gebiedscode in "
        "statcode, BU_CODE, WK_CODE of code.",
        "docs/data-formats/gebieden.md",
        options=("indeling",),
        run_kind="boundaries",
    ),
    Kind(
        "incidenten",
        "Politie-incidenten",
        UPLOAD_DATA,
        "Incidenten van de politie met coördinaten (CSV met komma's, zoals de open data van "
        "de politie); ze worden per buurt en maand geteld.",
        "docs/data-formats/politie-incidenten.md",
        options=("indeling", "vervang_alles"),
        run_kind="incidents",
    ),
    Kind(
        "plan",
        "Veiligheidsplan",
        EDIT_PLAN,
        "Het plan als YAML-bestand: thema's, doelen, indicatoren en streefwaarden. Een plan "
        "met dezelfde naam wordt bijgewerkt; wat aan de doelen hangt blijft staan.",
        "docs/data-formats/plan-yaml.md",
        run_kind=PLAN_KIND,
    ),
    Kind(
        "activiteiten",
        "Activiteiten",
        EDIT_PLAN,
        "Activiteiten per doel met hun status (doel;code;activiteit;inhoud;planning;"
        "financien;risico;toelichting), voor een jaar en een rapportagemoment.",
        "docs/data-formats/activiteiten.md",
        options=("jaar", "moment"),
        required=("jaar", "moment"),
        run_kind="activiteiten",
        needs_plan=True,
    ),
    Kind(
        "financien",
        "Financiën",
        EDIT_FINANCE,
        "Bedragen per doel uit het financiële systeem (doel;onderdeel;stap;bedrag), hele "
        "euro's, voor een jaar.",
        "docs/data-formats/financien.md",
        options=("jaar",),
        required=("jaar",),
        run_kind="financien",
        needs_plan=True,
    ),
    Kind(
        "kredieten",
        "Kredieten",
        EDIT_FINANCE,
        "Kredieten per doel (doel;project;omvang;gerealiseerd_tm_vorig_jaar;besteding), hele "
        "euro's, voor een jaar.",
        "docs/data-formats/financien.md",
        options=("jaar",),
        required=("jaar",),
        run_kind="kredieten",
        needs_plan=True,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
#: ImportRun.kind -> the label of its kind (the history names runs of the command line too).
RUN_KIND_LABELS = {kind.run_kind: kind.label for kind in KINDS}


def allowed_kinds(user, gemeente_code: str | None) -> list[Kind]:
    """The kinds ``user`` may upload while working for ``gemeente_code``."""
    if gemeente_code is None:
        return []
    granted = {perm for perm in {k.permission for k in KINDS} if may(user, perm, gemeente_code)}
    return [kind for kind in KINDS if kind.permission in granted]


@dataclass
class Options:
    """The extra choices of an upload, as the commands take them."""

    indeling: int | None = None
    periode: str | None = None
    dataset: str | None = None
    vervang_alles: bool = False
    nullen_weggelaten: bool = False
    jaar: int | None = None
    moment: str | None = None


@dataclass
class Outcome:
    """What an upload left: its run (also when it failed) and any warnings."""

    run: ImportRun | None
    warnings: list[str] = field(default_factory=list)


def upload(
    kind: Kind,
    uploaded: UploadedFile,
    options: Options,
    user,
    plan: Plan | None,
    gemeente_code: str,
) -> Outcome:
    """Import ``uploaded`` as ``kind`` through its service; the run is returned also when the
    file is refused (the service recorded why). Nothing is stored on any error."""
    warnings: list[str] = []
    with runs_made() as made:
        try:
            with _upload_on_disk(uploaded) as (path, data):
                _call(kind, path, data, options, user, plan, gemeente_code, warnings)
        except InputError:
            pass
        except Exception:  # the service recorded the failure ("onverwachte fout") on the run
            log.exception("Inlezen via de website mislukt (%s, %s)", kind.key, uploaded.name)
    return Outcome(made.run, warnings)


@dataclass
class RunsMade:
    """The import runs made inside :func:`runs_made`; :attr:`run` is the first (an import
    service makes one)."""

    runs: list[ImportRun] = field(default_factory=list)

    @property
    def run(self) -> ImportRun | None:
        return self.runs[0] if self.runs else None


_runs_made: ContextVar[RunsMade | None] = ContextVar("uploads_runs_made", default=None)


@contextmanager
def runs_made() -> Iterator[RunsMade]:
    """Collect the :class:`ImportRun` rows created inside the ``with`` block by this thread
    (a ``contextvars`` variable: other requests, threads and workers are not seen, and a
    nested block collects its own). This is how an upload knows *its* run, also when the
    service raised after recording it (a refused file, a crash, a cancel), instead of taking
    the newest run of the same kind, which may be another upload's."""
    made = RunsMade()
    token = _runs_made.set(made)
    try:
        yield made
    finally:
        _runs_made.reset(token)


@receiver(post_save, sender=ImportRun, dispatch_uid="uploads.runs_made")
def _note_run(sender, instance: ImportRun, created: bool, **kwargs) -> None:
    made = _runs_made.get()
    if created and made is not None:
        made.runs.append(instance)


#: The kind of background task an upload is (``jobs.tasks``).
UPLOAD_TASK = "inlezen"


def submit_upload(
    kind: Kind,
    uploaded: UploadedFile,
    options: Options,
    user,
    plan: Plan | None,
    gemeente_code: str,
) -> BackgroundTask:
    """Put an upload on the task queue, with the file's bytes (the form has checked its size)."""
    name = _safe_name(uploaded.name)
    data = b"".join(uploaded.chunks())
    return submit(
        UPLOAD_TASK,
        f"{kind.label}: {name}",
        {
            "soort": kind.key,
            "bestand": name,
            "opties": dataclasses.asdict(options),
            "plan": plan.pk if plan is not None else None,
            "gemeente": gemeente_code,
        },
        owner=user,
        payload=data,
    )


def run_upload_task(record: BackgroundTask) -> str:
    """The worker's side of :func:`submit_upload`: the same import service as in the request.
    Cancelled, the import's transaction is rolled back and its run says so."""
    arguments = record.arguments
    kind = KINDS_BY_KEY[arguments["soort"]]
    user = record.owner
    plan = Plan.objects.filter(pk=arguments.get("plan")).first()
    options = Options(**arguments.get("opties", {}))
    warnings: list[str] = []
    progress(record, "bezig met inlezen van het bestand")
    with runs_made() as made:
        try:
            _call(
                kind,
                Path(arguments["bestand"]),
                bytes(record.payload),
                options,
                user,
                plan,
                arguments.get("gemeente", ""),
                warnings,
            )
        except InputError:
            pass
        except Cancelled:
            record.import_run = _close_cancelled(record, made.run)
            raise
        except Exception:  # the service recorded the failure ("onverwachte fout") on the run
            log.exception("Inlezen op de achtergrond mislukt (%s, %s)", kind.key, record.pk)
    run = record.import_run = made.run
    record.result = {"waarschuwingen": warnings[:500]}
    if run is None:
        return "Het inlezen is mislukt zonder verslag; meld dit aan beheer."
    return f"{run.get_status_display()}: {run.message}"


def _close_cancelled(record: BackgroundTask, run: ImportRun | None) -> ImportRun | None:
    """The run a cancelled import left "running": its transaction was rolled back."""
    if run is not None and run.status == ImportRun.RUNNING:
        who = record.cancel_requested_by or "de gebruiker"
        run.read = run.created = run.updated = run.deleted = run.derived = 0
        finish(run, ImportRun.FAILED, f"Afgebroken door {who}: er is niets ingelezen.")
    return run


def _call(kind, path, data, options: Options, user, plan, gemeente_code, warnings) -> ImportRun:
    """The service of ``kind``, called as its management command calls it."""
    if kind.key == "cijfers":
        return import_figures(
            path,
            data=data,
            division=options.indeling,
            dataset=options.dataset or None,
            period=options.periode or None,
            replace_all=options.vervang_alles,
            zeros_omitted=options.nullen_weggelaten,
            user=user,
        )
    if kind.key == "gebieden":
        return import_area_list(path, division=options.indeling, data=data, user=user)
    if kind.key == "grenzen":
        return import_boundaries(path, division=options.indeling, data=data, user=user)
    if kind.key == "incidenten":
        return import_incidents(
            path,
            division=options.indeling,
            data=data,
            replace_all=options.vervang_alles,
            user=user,
        )
    if kind.key == "plan":
        return import_plan(path, data, user, gemeente_code)
    if kind.key == "activiteiten":
        run, found = import_activities(plan, options.jaar, path, data, user, options.moment)
        warnings.extend(found)
        return run
    if kind.key == "financien":
        return import_finance(plan, options.jaar, path, data, user)
    if kind.key == "kredieten":
        return import_credits(plan, options.jaar, path, data, user)
    raise ValueError(f"unknown kind {kind.key}")


@contextmanager
def _upload_on_disk(uploaded: UploadedFile) -> Iterator[tuple[Path, bytes | None]]:
    """The upload as the services take a file: ``(path, data)`` with ``path`` named as the
    uploaded file. A large upload (that Django streamed to a temporary file) is given as a
    path to that file, so that the service checks its size *before* reading it, as for a file
    on the command line; a small one (in memory) as its bytes."""
    name = _safe_name(uploaded.name)
    temporary = getattr(uploaded, "temporary_file_path", None)
    if temporary is None:
        uploaded.seek(0)
        yield Path(name), uploaded.read()
        return
    folder = tempfile.mkdtemp(prefix="ov-upload-")
    try:
        link = Path(folder) / name
        os.symlink(temporary(), link)
        yield link, None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _safe_name(name: str | None) -> str:
    """The file name as the report shows it: no folders, not empty, at most 200 bytes."""
    name = Path(name or "").name.replace("\x00", "")
    if name in {"", ".", ".."}:
        return "bestand"
    while len(name.encode("utf-8")) > 200:
        stem, suffix = os.path.splitext(name)
        name = stem[:-1] + suffix if stem else name[:-1]
    return name
