from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo school (`manage.py seed_demo`): data built through every app's services, on
    top of them all; nothing imports it."""

    name = "demo"
