"""The people import's "Apply" as a background job: check the kept upload again, write it.

The dry run stays in its request (people.views.imports); "Apply" starts this job with the
upload's token. The worker finds the file and the preview's basis by that token in the shared
folder (people.imports.uploads), checks the file again as the job's owner, and writes it in
the job's one transaction only if the register still matches what the preview showed
(people.imports.apply). Anything else refuses the job, nothing written, and the upload is
kept so the user can check it again (ImportView's "?check=<token>") and apply knowingly.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from core import jobs
from core.models import Job
from people.imports import uploads
from people.imports.apply import Conflict, Stale, apply
from people.imports.validate import check

PERMISSION = "people.add_person"
# Problems listed in a refused job's message; the check page lists them all.
SHOWN_PROBLEMS = 50


class CheckAgain(jobs.JobRefused):
    """Refused; the user should check the kept file again: `url` opens that check."""

    def __init__(self, message: str, token: str) -> None:
        super().__init__(message, url=recheck_url(token))


def recheck_url(token: str) -> str:
    return f"{reverse('people:person_import')}?{urlencode({'check': token})}"


@task()
def apply_people_import(job_id: int) -> None:
    jobs.execute(job_id, apply_upload)


def apply_upload(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = job.owner
    # The grant may have been removed since the user pressed Apply.
    if owner is None or not owner.is_active or not owner.has_perm(PERMISSION):
        raise jobs.JobRefused(_("You may no longer import people; nothing was written."))
    token = str(job.params.get("token", ""))
    upload = uploads.Upload.find(token, owner)
    if upload is None:
        raise jobs.JobRefused(_("This upload is gone; upload the file again."))
    previewed = uploads.kept_basis(token)

    def report(phase: str, done: int, total: int) -> None:
        shown = uploads.describe({"phase": phase, "done": done, "total": total}) or {}
        progress.report(done, total, shown.get("text", ""))

    plan = check(upload.path, upload.name, owner, report)
    if not plan.ok:
        raise CheckAgain(problems_message(plan.problems), token)
    if previewed is None:  # no preview to hold the file to: the user must see one first
        raise CheckAgain(
            _("The preview of this file is gone; check the file again and apply it."), token
        )
    try:
        result = apply(plan, owner, report, previewed=previewed)
    except Stale as error:
        lines = [_("Nothing was written: the register changed since the preview."), *error.changes]
        raise CheckAgain("\n".join([*lines, check_again()]), token) from error
    except Conflict as error:
        raise CheckAgain(f"{error}\n{check_again()}", token) from error
    # Removed only once the import is committed: a refused one can be checked again.
    transaction.on_commit(lambda: discard(token, upload))
    message = _(
        "Imported %(file)s: %(created)d people added, %(updated)d updated, "
        "%(unchanged)d unchanged; %(documents)d documents added or changed."
    ) % {
        "file": plan.source,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "documents": result.documents,
    }
    return jobs.Outcome(message=message, url=reverse("people:person_list"))


def check_again() -> str:
    return _("Check the file again on the import page and apply the new preview.")


def problems_message(problems: list[Any]) -> str:
    count = len(problems)
    lines = [
        ngettext(
            "The file no longer fits the register: %(count)d problem, nothing was written.",
            "The file no longer fits the register: %(count)d problems, nothing was written.",
            count,
        )
        % {"count": count},
        *(str(problem) for problem in problems[:SHOWN_PROBLEMS]),
    ]
    if count > SHOWN_PROBLEMS:
        hidden = count - SHOWN_PROBLEMS
        lines.append(
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", hidden)
            % {"count": hidden}
        )
    lines.append(_("Correct the file and check it again."))
    return "\n".join(lines)


def discard(token: str, upload: uploads.Upload) -> None:
    upload.discard()
    uploads.forget_basis(token)
