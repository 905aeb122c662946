"""Tickets: what is on sale (TicketType, Quota), what was bought (Order, Ticket) and the
seats booked in sessions (SessionBooking)."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from events import translations
from events.models import Conference, Expo, Hall, Session, translations_field
from events.selectors import opening_windows
from expo.validation import validate_day

from . import codes


class TicketType(models.Model):
    class Kind(models.TextChoices):
        DAY = "day", _("Day ticket")
        MULTI_DAY = "multi_day", _("Multi-day ticket")
        SEASON = "season", _("Season ticket")
        CONFERENCE = "conference", _("Conference ticket")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        SPEAKER = "speaker", _("Speaker")
        PRESS = "press", _("Press")

    # Kinds handed out by organisers and exhibitors rather than sold to the public.
    STAFF_KINDS = {Kind.EXHIBITOR, Kind.SPEAKER, Kind.PRESS}

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="ticket_types")
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_translations = translations_field(_("name in other languages"))
    description_translations = translations_field(_("description in other languages"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    price = models.DecimalField(
        _("price"), max_digits=9, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    valid_days = models.JSONField(
        _("valid days"),
        default=list,
        blank=True,
        help_text=_(
            "Days as YYYY-MM-DD. A day ticket's buyer picks one of them; empty means every "
            "open day of the expo."
        ),
    )
    halls = models.ManyToManyField(
        Hall, blank=True, related_name="ticket_types", help_text=_("Empty admits every hall.")
    )
    conference = models.ForeignKey(
        Conference, on_delete=models.RESTRICT, null=True, blank=True, related_name="ticket_types"
    )
    capacity = models.PositiveIntegerField(
        _("tickets in total"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    day_capacity = models.PositiveIntegerField(
        _("tickets per day"),
        null=True,
        blank=True,
        help_text=_("The most tickets valid on any one day. Empty for no limit."),
    )
    sale_starts = models.DateTimeField(
        _("on sale from"), null=True, blank=True, validators=[validate_day]
    )
    sale_ends = models.DateTimeField(
        _("on sale until"), null=True, blank=True, validators=[validate_day]
    )
    max_per_order = models.PositiveSmallIntegerField(
        _("most tickets in one order"), default=10, validators=[MinValueValidator(1)]
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["expo", "price", "name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="ticket_type_slug_unique"),
            models.CheckConstraint(
                condition=~Q(kind="conference") | Q(conference__isnull=False),
                name="conference_ticket_names_conference",
            ),
            models.CheckConstraint(
                condition=Q(sale_starts__isnull=True)
                | Q(sale_ends__isnull=True)
                | Q(sale_ends__gt=F("sale_starts")),
                name="ticket_type_sale_window_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """The rules of one ticket type, for every way it is written: its valid days are
        open days of its expo (kept as sorted ``YYYY-MM-DD``), a conference ticket names a
        conference of the same expo, and the sale ends after it starts."""
        errors = {}
        if self.kind == self.Kind.CONFERENCE and self.conference_id is None:
            errors["conference"] = _("Name the conference.")
        elif self.conference_id and self.expo_id and self.conference.expo_id != self.expo_id:
            errors["conference"] = _("The conference belongs to another expo.")
        if self.sale_starts and self.sale_ends and self.sale_ends <= self.sale_starts:
            errors["sale_ends"] = _("The sale must end after it starts.")
        if self.expo_id is not None:
            try:
                self.valid_days = self._checked_valid_days()
            except ValidationError as error:
                errors["valid_days"] = error.messages
        if errors:
            raise ValidationError(errors)

    def _checked_valid_days(self):
        if not isinstance(self.valid_days, list):
            raise ValidationError(_("Give the valid days as a list of days, YYYY-MM-DD."))
        days = set()
        for value in self.valid_days:
            try:
                days.add(value if isinstance(value, dt.date) else dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                raise ValidationError(
                    _("“%(value)s” is not a day written as YYYY-MM-DD.") % {"value": value}
                ) from None
        closed = sorted(days - set(opening_windows(self.expo)))
        if closed:
            raise ValidationError(
                _("Not open days of the expo: %(days)s.")
                % {"days": ", ".join(day.isoformat() for day in closed)}
            )
        return [day.isoformat() for day in sorted(days)]

    @property
    def is_public(self):
        """Sold on the registration page and API to anyone."""
        return self.kind not in self.STAFF_KINDS


# Its name and description are written in each of the expo's languages.
translations.FIELDS["tickettype"] = ("name", "description")


class Quota(models.Model):
    """A limit on tickets and how much of it is used, kept as a counter that registration
    updates under a row lock.

    Three scopes: a ticket type in total (``day`` empty), a ticket type on one day, and
    the whole expo on one day (``ticket_type`` empty). A ticket valid on several days uses
    a place on each of them. The check constraint makes overselling impossible even for a
    write that forgets the lock.
    """

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="quotas")
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.CASCADE, null=True, blank=True, related_name="quotas"
    )
    day = models.DateField(_("day"), null=True, blank=True)
    size = models.PositiveIntegerField(_("places"))
    used = models.PositiveIntegerField(_("used"), default=0)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["expo", "ticket_type", "day"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.CheckConstraint(condition=Q(used__lte=F("size")), name="quota_not_oversold"),
            models.CheckConstraint(
                condition=Q(ticket_type__isnull=False) | Q(day__isnull=False),
                name="quota_has_a_scope",
            ),
            models.UniqueConstraint(
                fields=["ticket_type"],
                condition=Q(day__isnull=True),
                name="one_total_quota_per_ticket_type",
            ),
            models.UniqueConstraint(
                fields=["ticket_type", "day"],
                condition=Q(ticket_type__isnull=False, day__isnull=False),
                name="one_day_quota_per_ticket_type",
            ),
            models.UniqueConstraint(
                fields=["expo", "day"],
                condition=Q(ticket_type__isnull=True),
                name="one_expo_day_quota",
            ),
        ]

    def __str__(self):
        scope = self.ticket_type.name if self.ticket_type_id else self.expo.name
        when = f" {self.day}" if self.day else ""
        return f"{scope}{when}: {self.used}/{self.size}"

    def clean(self):
        errors = {}
        if self.ticket_type_id and self.expo_id and self.ticket_type.expo_id != self.expo_id:
            errors["ticket_type"] = _("The ticket type belongs to another expo.")
        if self.day and self.expo_id and not self.expo.start_date <= self.day <= self.expo.end_date:
            errors["day"] = _("The day is not one of the expo's days.")
        if errors:
            raise ValidationError(errors)

    @property
    def available(self):
        return self.size - self.used


#: The domain of the addresses erased people's rows get (``ticketing/privacy.py``):
#: reserved (RFC 2606), so never delivered.
ERASED_DOMAIN = "erased.invalid"


#: How an erased order's secret begins (``privacy.erased_secret``): a secret presented
#: with it is refused before any lookup, so the stand-in itself opens nothing.
ERASED_SECRET_PREFIX = "erased-"


def new_secret():
    return secrets.token_urlsafe(24)


class Order(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="orders")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    secret = models.CharField(max_length=48, unique=True, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            # "E-mail me my tickets" (in one expo) and the privacy commands (across expos)
            # find orders by address in any letter case (``email__iexact``, which
            # PostgreSQL compares as UPPER()); an address is selective enough alone.
            models.Index(Upper("email"), name="order_email_upper"),
            # The back office lists orders newest first (and by the key among equals).
            models.Index(fields=["created_at", "id"], name="order_created"),
        ]

    def __str__(self):
        return _("Order %(number)s") % {"number": self.pk}


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` for a registration: the same key again answers the
    order it made instead of making another. Keys live a day (``services.idempotency``).

    The row is written before the order, in the same transaction, so a second request
    with the key waits on the unique constraint until the first has finished."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(
        max_length=64, help_text=_("SHA-256 of the request that used the key first.")
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, null=True, blank=True, related_name="idempotency_keys"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["expo", "key"], name="one_idempotency_key_per_expo")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self):
        return self.key


class TicketQuerySet(models.QuerySet):
    def valid_on(self, day):
        """Tickets sold for ``day``: those whose list of days (ISO dates, fixed when sold)
        holds it. A ticket with no list (made without registering) is not among them.

        On PostgreSQL a JSONB containment (``valid_days @> '["2026-06-02"]'``), which the
        GIN index ``ticket_valid_days`` answers and the planner can estimate; SQLite has
        no containment lookup, so there the list is matched as text, quotes included."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(valid_days__contains=[day.isoformat()])
        return self.filter(valid_days__icontains=f'"{day.isoformat()}"')


class Ticket(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="tickets")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"), null=True, blank=True, help_text=_("For day tickets."))
    # Fixed when the ticket is sold, so that changing the opening days later neither
    # moves what it admits nor the quota places it gives back when cancelled.
    valid_days = models.JSONField(
        _("valid days"),
        default=list,
        blank=True,
        help_text=_("The days (YYYY-MM-DD) the ticket admits, as sold."),
    )
    holder_name = models.CharField(_("name"), max_length=200)
    holder_email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    share_contact_with_exhibitors = models.BooleanField(
        _("share contact details with exhibitors"), default=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ScopedManager(TicketQuerySet.as_manager().__class__, expo="expo")

    class Meta:
        ordering = ["id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The organisers' list, newest first, by cursor (``api.TicketListView``):
            # one index per filter, each ending in the list's order. The status one also
            # serves counting an expo's tickets by status.
            models.Index(fields=["expo", "-created_at", "-id"], name="ticket_list_expo"),
            models.Index(
                fields=["expo", "status", "-created_at", "-id"], name="ticket_list_status"
            ),
            models.Index(fields=["ticket_type", "-created_at", "-id"], name="ticket_list_type"),
            # The privacy commands find a holder by address in any letter case.
            models.Index(Upper("holder_email"), name="ticket_holder_email_upper"),
            # The back office's list across expos, newest first (one expo's uses the first).
            models.Index(fields=["created_at", "id"], name="ticket_created"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.holder_name}"

    @property
    def is_valid(self):
        return self.status == self.Status.VALID

    @property
    def is_erased(self):
        """Its holder was erased (``manage.py erase_person``)."""
        return self.holder_email.endswith(f"@{ERASED_DOMAIN}")

    @property
    def code(self) -> str:
        """The signed code on the ticket's badge. Signatures are deterministic, so it is
        computed rather than stored; after a key rotation it is signed with the new key,
        while badges printed earlier stay valid until the old key is retired."""
        return codes.sign(self.pk, self.expo_id)


class SessionBooking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="bookings")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ScopedManager(expo="ticket__expo")

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("session booking")
        verbose_name_plural = _("session bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "session"],
                condition=~Q(status="cancelled"),
                name="one_live_booking_per_ticket_and_session",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="booking_session_status"),
            # The back office lists bookings newest first (and by the key among equals).
            models.Index(fields=["created_at", "id"], name="booking_created"),
        ]

    def __str__(self):
        return f"{self.ticket} → {self.session} ({self.status})"


class ScanPoint(models.Model):
    """Where badges are scanned: an expo gate, a hall's entrance or a session's door."""

    class Kind(models.TextChoices):
        GATE = "gate", _("Expo gate")
        HALL = "hall", _("Hall entrance")
        SESSION = "session", _("Session door")

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")
        BOTH = "both", _("In and out")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="scan_points")
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    hall = models.ForeignKey(
        Hall, on_delete=models.CASCADE, null=True, blank=True, related_name="scan_points"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="scan_points"
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BOTH
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["expo", "kind", "name"]
        verbose_name = _("scan point")
        verbose_name_plural = _("scan points")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="scan_point_slug_unique"),
            models.CheckConstraint(
                condition=(
                    Q(kind="gate", hall__isnull=True, session__isnull=True)
                    | Q(kind="hall", hall__isnull=False, session__isnull=True)
                    | Q(kind="session", hall__isnull=True, session__isnull=False)
                ),
                name="scan_point_place_matches_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """A gate names no place, a hall entrance its hall and a session door its
        session, each of the scan point's expo."""
        errors = {}
        if self.kind == self.Kind.HALL and self.hall_id is None:
            errors["hall"] = _("A hall entrance names its hall.")
        elif self.kind != self.Kind.HALL and self.hall_id is not None:
            errors["hall"] = _("Only a hall entrance names a hall.")
        elif self.hall_id and self.expo_id and self.hall.expo_id != self.expo_id:
            errors["hall"] = _("The hall belongs to another expo.")
        if self.kind == self.Kind.SESSION and self.session_id is None:
            errors["session"] = _("A session door names its session.")
        elif self.kind != self.Kind.SESSION and self.session_id is not None:
            errors["session"] = _("Only a session door names a session.")
        elif self.session_id and self.expo_id and self.session.expo_id != self.expo_id:
            errors["session"] = _("The session belongs to another expo.")
        if errors:
            raise ValidationError(errors)


def new_device_key():
    return secrets.token_hex(20)


class ScannerDevice(models.Model):
    """A scanner (phone, handheld, kiosk) with a token that is good for one expo only."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="scanner_devices")
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=40, unique=True, default=new_device_key, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["expo", "name"]
        verbose_name = _("scanner device")
        verbose_name_plural = _("scanner devices")

    def __str__(self):
        return self.name

    @property
    def is_authenticated(self):
        """Lets DRF treat a device as the authenticated party of a request."""
        return True


class CheckIn(models.Model):
    """One scan, whatever its answer: the audit trail that occupancy is counted from."""

    class Result(models.TextChoices):
        ENTERED = "entered", _("Welcome in")
        EXITED = "exited", _("Goodbye")
        ALREADY_INSIDE = "already_inside", _("Already inside")
        NOT_INSIDE = "not_inside", _("Not inside")
        NOT_VALID_TODAY = "not_valid_today", _("Not valid today")
        NOT_VALID_HERE = "not_valid_here", _("Not valid here")
        CANCELLED = "cancelled", _("Ticket cancelled")
        INVALID_CODE = "invalid_code", _("Not a valid ticket")
        HALL_FULL = "hall_full", _("The hall is full")
        SESSION_FULL = "session_full", _("The session is full")

    # Every scan writes a row, so no index is kept twice: the expo's and the scan point's
    # lead the composite indexes below.
    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="check_ins", db_index=False
    )
    scan_point = models.ForeignKey(
        ScanPoint, on_delete=models.RESTRICT, related_name="check_ins", db_index=False
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="check_ins"
    )
    direction = models.CharField(_("direction"), max_length=8, choices=ScanPoint.Direction.choices)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    day = models.DateField(_("day"), help_text=_("In the expo's time zone."))
    scanned_at = models.DateTimeField(_("scanned"))
    device = models.ForeignKey(
        ScannerDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    # Scanner devices make almost every scan, so only the few rows with a user are
    # indexed by it (the partial index below).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        db_index=False,
    )
    # Chosen by the scanner for each scan and sent again with its retries: the same
    # nonce from the same scanner (the device, or the user scanning without one) is
    # the same scan, answered from its row (``services.checkin``).
    nonce = models.CharField(max_length=100, blank=True, default="")
    # A scan made while the scanner had no network and sent later: ``scanned_at`` is when
    # the device scanned it, and ``result`` is what the gate showed then.
    offline = models.BooleanField(_("made offline"), default=False)
    # For a visitor an offline scanner let in: what the server would have answered
    # instead (``already_inside`` through another gate, ``cancelled`` meanwhile …). The
    # entry counts all the same, since the visitor is inside; the organisers review these.
    conflict = models.CharField(
        _("server would have answered"),
        max_length=16,
        choices=Result.choices,
        blank=True,
        default="",
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "nonce"],
                condition=Q(device__isnull=False) & ~Q(nonce=""),
                name="one_scan_per_device_nonce",
            ),
            models.UniqueConstraint(
                fields=["user", "nonce"],
                condition=Q(device__isnull=True, user__isnull=False) & ~Q(nonce=""),
                name="one_scan_per_user_nonce",
            ),
        ]
        indexes = [
            models.Index(fields=["expo", "day", "result"], name="checkin_expo_day_result"),
            # The organisers' list, newest first, by cursor (``api.CheckInListView``): the
            # expo's (also for ``since``/``until``, and the back office's list of one
            # expo), a scan point's, a day's and a result's.
            models.Index(fields=["expo", "-scanned_at", "-id"], name="checkin_list_expo"),
            models.Index(fields=["scan_point", "-scanned_at", "-id"], name="checkin_list_point"),
            models.Index(fields=["expo", "day", "-scanned_at", "-id"], name="checkin_list_day"),
            models.Index(
                fields=["expo", "result", "-scanned_at", "-id"], name="checkin_list_result"
            ),
            models.Index(
                fields=["expo", "-scanned_at", "-id"],
                condition=Q(offline=True),
                name="checkin_list_offline",
            ),
            models.Index(fields=["scan_point", "day"], name="checkin_point_day"),
            models.Index(fields=["user"], condition=Q(user__isnull=False), name="checkin_user"),
            models.Index(fields=["expo"], condition=~Q(conflict=""), name="checkin_conflicts"),
            # The back office's audit trail, newest first (and by the key among equals);
            # its days and months are ranges of this index too.
            models.Index(fields=["scanned_at", "id"], name="checkin_scanned"),
        ]

    def __str__(self):
        return f"{self.scan_point} {self.scanned_at:%Y-%m-%d %H:%M}: {self.result}"

    @property
    def admitted(self):
        return self.result in {self.Result.ENTERED, self.Result.EXITED}


class Presence(models.Model):
    """Whether a ticket is inside one place (the expo, a hall, a session) on one day.

    ``place`` is ``expo``, ``hall:<id>`` or ``session:<id>``. A new day starts everyone
    outside, so a badge that left without scanning out gets in again the next morning.
    """

    # The ticket leads the unique constraint's index, which serves its lookups too.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="presences", db_index=False
    )
    place = models.CharField(max_length=32)
    day = models.DateField()
    inside = models.BooleanField(default=False)

    objects = ScopedManager(expo="ticket__expo")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "place", "day"], name="one_presence_per_ticket_place_day"
            )
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.place} {self.day}: {'in' if self.inside else 'out'}"


class Occupancy(models.Model):
    """Counters of one place on one day, updated in the transaction of each scan."""

    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="occupancies", db_index=False
    )
    place = models.CharField(max_length=32)
    day = models.DateField()
    inside = models.IntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    objects = ScopedManager(expo="expo")

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        constraints = [
            models.UniqueConstraint(fields=["expo", "place", "day"], name="one_occupancy_per_day"),
            models.CheckConstraint(condition=Q(inside__gte=0), name="occupancy_not_negative"),
        ]

    def __str__(self):
        return f"{self.place} {self.day}: {self.inside} inside, {self.entries} entries"
