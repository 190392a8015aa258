from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import checks  # noqa: F401  (registers the font check)
        from reports.district.jobs import register_jobs as register_district_jobs
        from reports.jobs import register_jobs

        register_jobs()  # the long work the reports offer, run by the worker
        register_district_jobs()
