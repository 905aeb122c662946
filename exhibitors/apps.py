from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self):
        from ticketing import extensions

        from . import (
            privacy,  # noqa: F401  (registers the leads' privacy section)
            selectors,
        )

        extensions.exhibitors_who_scanned = selectors.exhibitors_who_scanned
