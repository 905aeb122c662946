from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from ticketing import extensions

        # Pillow refuses outright any image past twice this, wherever it is opened.
        Image.MAX_IMAGE_PIXELS = settings.LOGO_MAX_PIXELS

        from . import (
            privacy,  # noqa: F401  (registers the leads' privacy section)
            selectors,
        )

        extensions.exhibitors_who_scanned = selectors.exhibitors_who_scanned

        from events.signals import organiser_links

        from . import receivers

        organiser_links.connect(
            receivers.organiser_links, dispatch_uid="exhibitors-organiser-links"
        )
