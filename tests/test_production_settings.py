"""The deployment's settings (branchsite/settings.py, docs/deploy.md): logs by DEBUG, the
static folder, and uploads on S3 through django-storages, which the product does not install:
it is read only when MEDIA_STORAGE=s3. Each environment runs in a process of its own; the
processes start together, once for the module.

django-storages is stood in for by a package of the same name on PYTHONPATH (its S3Storage
keeps the options it was given), and its absence by hiding it from importlib, so the tests
say the same whether or not it is installed."""

import os
import subprocess

import pytest

from tests.settings_processes import PROJECT, run_in_processes, settings_of

SCRIPT = """
import importlib.util, json, os, sys
if os.environ.get("HIDE_STORAGES"):
    real_find_spec = importlib.util.find_spec
    importlib.util.find_spec = lambda name, *rest: (
        None if name in {"storages", "boto3"} else real_find_spec(name, *rest)
    )
import django
from django.conf import settings
django.setup()
from django.core.files.storage import storages
uploads = storages["default"]
print(json.dumps({
    "default": settings.STORAGES["default"],
    "storage_class": type(uploads).__module__,
    "storage_options": getattr(uploads, "options", None),
    "log_formatter": settings.LOGGING["handlers"]["stderr"]["formatter"],
    "static_root": str(settings.STATIC_ROOT),
}))
"""

FAKE_S3 = """
from django.core.files.storage import Storage


class S3Storage(Storage):
    def __init__(self, **options):
        self.options = options
"""

S3 = {
    "DEBUG": "1",
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "branchsite-uploads",
    "AWS_S3_ENDPOINT_URL": "https://minio.school.example:9000",
    "AWS_S3_ADDRESSING_STYLE": "path",
}
SCENARIOS = {
    "production": {"DEBUG": "0", "SECRET_KEY": "x" * 50, "STATIC_ROOT": "/srv/static"},
    "development": {"DEBUG": "1"},
    "log format mistyped": {"DEBUG": "1", "LOG_FORMAT": "xml"},
    "s3": S3,
    "s3 not installed": {**S3, "HIDE_STORAGES": "1"},
    "s3 without bucket": {**S3, "AWS_STORAGE_BUCKET_NAME": ""},
    "storage mistyped": {"DEBUG": "1", "MEDIA_STORAGE": "ftp"},
}
READ = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "STATIC_ROOT", "MEDIA_ROOT", "LOG_FORMAT"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    fake = tmp_path_factory.mktemp("fake-packages")
    (fake / "storages" / "backends").mkdir(parents=True)
    (fake / "storages" / "__init__.py").write_text("")
    (fake / "storages" / "backends" / "__init__.py").write_text("")
    (fake / "storages" / "backends" / "s3.py").write_text(FAKE_S3)
    (fake / "boto3").mkdir()
    (fake / "boto3" / "__init__.py").write_text("")
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in READ and not name.startswith(("AWS_", "MEDIA_STORAGE"))
    }
    base.update(DJANGO_SETTINGS_MODULE="branchsite.settings", PYTHONPATH=str(fake))
    return run_in_processes(
        SCRIPT, {name: {**base, **changes} for name, changes in SCENARIOS.items()}
    )


def error_of(run: subprocess.CompletedProcess) -> str:
    assert run.returncode != 0
    return run.stderr.strip().splitlines()[-1]


def test_production_logs_json_and_development_readable_lines(runs):
    assert settings_of(runs["production"])["log_formatter"] == "json"
    assert settings_of(runs["development"])["log_formatter"] == "text"


def test_a_log_format_that_is_neither_is_refused(runs):
    assert "LOG_FORMAT='xml' is not one of json, text." in error_of(runs["log format mistyped"])


def test_static_root_comes_from_the_environment(runs):
    assert settings_of(runs["production"])["static_root"] == "/srv/static"
    assert settings_of(runs["development"])["static_root"] == str(PROJECT / "staticfiles")


def test_uploads_stay_on_disk_by_default(runs):
    values = settings_of(runs["development"])
    assert values["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["storage_class"] == "django.core.files.storage.filesystem"


def test_media_storage_s3_stores_uploads_in_the_private_bucket_it_names(runs):
    values = settings_of(runs["s3"])
    assert values["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["storage_class"] == "storages.backends.s3"
    options = values["storage_options"]
    assert (options["bucket_name"], options["endpoint_url"], options["addressing_style"]) == (
        "branchsite-uploads",
        "https://minio.school.example:9000",
        "path",
    )
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None


def test_media_storage_s3_without_django_storages_says_what_to_install(runs):
    error = error_of(runs["s3 not installed"])
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: MEDIA_STORAGE=s3")
    assert 'pip install "django-storages[s3]==1.14.6"' in error


def test_media_storage_s3_needs_a_bucket(runs):
    assert "needs AWS_STORAGE_BUCKET_NAME" in error_of(runs["s3 without bucket"])


def test_a_media_storage_that_is_neither_is_refused(runs):
    assert "MEDIA_STORAGE='ftp' is not one of local, s3." in error_of(runs["storage mistyped"])
