"""A plan file (re)loaded through the import log, from the command line (``load_plan``), the
upload page and the demo alike (the one way a plan is loaded): kind ``plan``, file name,
SHA-256, who, the goals read, new, changed and removed, and the message; a refused file leaves
a failed run with every problem.

The plan is read and stored by :func:`openveiligheid.policy.services.read_plan_file` and
:func:`~openveiligheid.policy.services.save_plan` inside ``imports.services.execute`` (one
transaction). The same file again is "already imported" only when it changes nothing: a file
loaded again after edits in the web puts the plan back as the file has it, as it always did.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.textfiles import shorten
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import execute, open_run, skip_if_imported
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planfile import PlanSpec
from openveiligheid.policy.planload import goal_changes, plan_document
from openveiligheid.policy.services import read_plan_file, save_plan

#: The ``ImportRun.kind`` of a plan file.
PLAN_KIND = "plan"
PLAN_FORMAT = "plan-yaml"


def import_plan(
    path: Path | str,
    data: bytes | None = None,
    user=None,
    gemeente_code: str | None = None,
) -> ImportRun:
    """Load a plan file as an import run (see the module's docstring). With ``gemeente_code``
    (the gemeente the user works for in the web) a plan of another gemeente is refused."""
    return _import(Path(path), data, user, gemeente_code)[0]


def load_plan(
    path: Path | str, *, text: str | None = None, data: bytes | None = None, user=None
) -> Plan:
    """Load a plan file (``text``, else the bytes ``data``, else the file) as an import run
    like :func:`import_plan`, and return the plan it holds (also when the run was skipped):
    for callers that go on with the plan, such as the demo. A refused file raises
    :class:`InputError` and leaves a failed run."""
    if text is not None:
        data = text.encode("utf-8")
    return _import(Path(path), data, user, None)[1]


def _import(
    path: Path, data: bytes | None, user, gemeente_code: str | None
) -> tuple[ImportRun, Plan]:
    """The run of a plan file and the plan stored (or found unchanged)."""
    run, data = open_run(PLAN_KIND, path, data, user)
    stored: list[Plan] = []

    def work(run: ImportRun) -> str:
        spec = read_plan_file(path, data=data)
        run.dataset = plan_dataset(spec)
        run.format = PLAN_FORMAT
        run.read = len(spec.goals())
        if gemeente_code is not None and spec.gemeente != gemeente_code:
            raise InputError([_other_gemeente(path.name, spec.gemeente, gemeente_code)])
        earlier = Plan.objects.filter(gemeente_code=spec.gemeente, name=spec.name).first()
        before = plan_document(earlier) if earlier else None
        plan = save_plan(spec, path.name, user=user)
        stored.append(plan)
        after = plan_document(plan)
        run.created, run.updated, run.deleted = goal_changes(before, after)
        if before == after:
            skip_if_imported(run)  # the same file, and nothing to put back: skipped
        return _summary(plan, run, changed=before != after)

    return execute(run, work), stored[0]


def plan_dataset(spec: PlanSpec) -> str:
    """The run's dataset: the plan's gemeente and name (and a hash of the full name)."""
    digest = hashlib.sha256(spec.name.encode("utf-8")).hexdigest()[:8]
    return f"plan-{spec.gemeente}-{shorten(spec.name, 70)}-{digest}"


def _other_gemeente(file_name: str, found: str, expected: str) -> InputProblem:
    return InputProblem(
        file_name,
        f"dit plan is van gemeente {found}, u werkt nu voor {expected}; kies eerst de gemeente "
        "van het plan (als u daarvoor mag werken)",
        field="gemeente",
    )


def _summary(plan: Plan, run: ImportRun, *, changed: bool) -> str:
    text = (
        f"Plan '{plan.name}' ingelezen: {plan.themes.filter(removed_at__isnull=True).count()} "
        f"thema's, {run.read} doelen, {plan.indicators.count()} indicatoren."
    )
    if not changed:
        return text + " Er is niets veranderd."
    return (
        text + f" Doelen: {run.created} nieuw, {run.updated} gewijzigd, {run.deleted} "
        "vervallen (gemarkeerd als verwijderd)."
    )
