from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("Live attendance")

    def ready(self):
        from ticketing import signals

        from . import broadcast

        signals.attendance_changed.connect(
            broadcast.attendance_changed, dispatch_uid="realtime-broadcast"
        )

        from events.signals import organiser_links

        from . import receivers

        organiser_links.connect(receivers.organiser_links, dispatch_uid="realtime-organiser-links")
