from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demo import school as demo
from demo.ledgers import seed_demo_ledgers
from demo.meetings import seed_demo_meetings
from demo.plans import seed_demo_plans
from demo.suggestions import seed_demo_suggestions
from demo.work import seed_demo_work
from demo.yearly import seed_demo_dues, seed_demo_evaluations


class Command(BaseCommand):
    help = (
        "Create the demo school (seed document 000) with its accounts. "
        "Does nothing if the demo school already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=(
                f"Password of the demo accounts (default: {demo.DEFAULT_PASSWORD}). Applies "
                "only when the demo school is created."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off, that is on a production server.",
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off, so this looks like a production server: demo accounts with "
                    "a known password do not belong there. Add --force if you really want them."
                )
            )
        if demo.demo_exists():
            self.stdout.write(_("The demo school already exists; nothing was changed."))
            if password is not None:
                self.stdout.write(
                    _(
                        "Its accounts keep their passwords: --password applies only when the "
                        "demo school is created (make clean-db, then make setup, starts again)."
                    )
                )
            return
        password = password or demo.DEFAULT_PASSWORD
        today = timezone.localdate()
        # One transaction: a school without its meetings would count as "already exists".
        with transaction.atomic():
            branch = demo.create_demo_school(password=password, today=today)
            meetings = seed_demo_meetings(branch, today=today)
            seed_demo_evaluations(branch, today=today)
            seed_demo_dues(branch, today=today)
            seed_demo_work(branch, today=today)
            seed_demo_suggestions(branch, today=today)
            seed_demo_ledgers(branch, today=today)
            seed_demo_plans(branch, today=today)
        accounts = sorted({p.username for p in demo.PEOPLE if p.username} | {demo.VIEWER_USERNAME})
        message = _(
            "Created %(branch)s: %(members)s members in %(groups)s groups, %(meetings)s meeting "
            "records. Accounts: %(accounts)s"
        ) % {
            "branch": branch.name,
            "members": branch.members.on_roll().count(),
            "groups": branch.party_groups.count(),
            "meetings": len(meetings),
            "accounts": ", ".join(accounts),
        }
        self.stdout.write(self.style.SUCCESS(message))
