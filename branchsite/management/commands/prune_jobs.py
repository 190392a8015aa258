"""python manage.py prune_jobs — fail the background jobs whose worker stopped, and delete
the jobs (and files) finished more than JOB_KEEP_DAYS ago.

The same tidying runs whenever someone asks for new work (branchsite.jobs.job_request), so a
site needs no timer for it; this command is for a site where nobody asks for weeks, or to
free the space at once.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from branchsite.jobs import jobs_tidy


class Command(BaseCommand):
    help = (
        "Fail background jobs whose worker stopped and delete jobs finished more than "
        "JOB_KEEP_DAYS ago, with their files."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            failed, deleted = jobs_tidy()
        self.stdout.write(
            _("%(failed)s job(s) had lost their worker; %(deleted)s old job(s) deleted.")
            % {"failed": failed, "deleted": deleted}
        )
