"""Rules of tickets, one module per use case: registration, quotas, day limits, bookings,
scan points, check-in and attendance. Callers use ``ticketing.services.<function>``."""

from .attendance import recount_attendance
from .bookings import book_session, cancel_booking, waitlist_position
from .checkin import ScanAnswer, check_in, place_of
from .day_limits import save_day_limit
from .idempotency import register_once, request_hash
from .offline import check_in_offline
from .order_links import email_order_links
from .quotas import save_ticket_type, sync_quotas
from .registration import Attendee, cancel_ticket, register, stop_sharing_contact
from .releases import follow_release
from .scan_points import save_scan_point

__all__ = [
    "Attendee",
    "ScanAnswer",
    "book_session",
    "cancel_booking",
    "cancel_ticket",
    "check_in",
    "check_in_offline",
    "email_order_links",
    "follow_release",
    "place_of",
    "recount_attendance",
    "register",
    "register_once",
    "request_hash",
    "save_day_limit",
    "save_scan_point",
    "save_ticket_type",
    "stop_sharing_contact",
    "sync_quotas",
    "waitlist_position",
]
