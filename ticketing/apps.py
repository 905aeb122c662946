from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketingConfig(AppConfig):
    name = "ticketing"
    verbose_name = _("Tickets and check-in")

    def ready(self):
        from events import extensions

        from . import (
            schema,  # noqa: F401  (registers the schema extension)
            selectors,
            views,
        )

        extensions.seats_left = selectors.seats_left
        extensions.hall_crowding = selectors.hall_crowding
        extensions.session_booking = views.session_booking_panel

        from events.signals import organiser_links, schedule_released

        from . import receivers

        organiser_links.connect(receivers.organiser_links, dispatch_uid="ticketing-organiser-links")
        schedule_released.connect(
            receivers.schedule_released, dispatch_uid="ticketing-schedule-released"
        )
