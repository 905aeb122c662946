from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Call for proposals")

    def ready(self):
        from events.signals import organiser_links, visitor_links
        from exhibitors.signals import portal_sections

        from . import (
            privacy,  # noqa: F401  (registers the proposals' privacy sections)
            receivers,
        )

        organiser_links.connect(receivers.organiser_links, dispatch_uid="proposals-organiser-links")
        visitor_links.connect(receivers.visitor_links, dispatch_uid="proposals-visitor-links")
        portal_sections.connect(receivers.portal_sections, dispatch_uid="proposals-portal-sections")
