from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale data: management commands only, no models."""

    name = "demo"
    verbose_name = "Demo data"
