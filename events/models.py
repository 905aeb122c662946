"""The programme: an expo, where it happens (venue, halls, rooms), when it is open, and
what is on (tracks, conferences, sessions, speakers).

Times are stored in UTC. A "day" is always a calendar day in the expo's own time zone.
"""

import calendar
import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from expo.validation import validate_day, validate_no_nul

DEFAULT_OPENS_AT = dt.time(9, 0)
DEFAULT_CLOSES_AT = dt.time(21, 0)
# The longest expo, in days: a year, a leap year's too. Pages and exports walk an expo
# day by day, so an expo of centuries would take them minutes.
MOST_EXPO_DAYS = 366
# The longest session: a whole day's exhibition.
MOST_SESSION_MINUTES = 24 * 60
SHORTEST_SESSION_MINUTES = 5


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(zone)s” is not a known time zone."), params={"zone": value})


def validate_languages(value):
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one language."))
    unknown = [code for code in value if not isinstance(code, str) or code not in known]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s. Choose from %(known)s."),
            params={"codes": ", ".join(map(str, unknown)), "known": ", ".join(sorted(known))},
        )


def validate_translations(value):
    """``{language code: text}`` for the languages the site speaks."""
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict):
        raise ValidationError(_("Give the texts as an object of language code to text."))
    for code, text in value.items():
        if code not in known:
            raise ValidationError(
                _("Unknown language: %(codes)s. Choose from %(known)s."),
                params={"codes": code, "known": ", ".join(sorted(known))},
            )
        if not isinstance(text, str):
            raise ValidationError(_("Each translation is a text."))
        validate_no_nul(text)


def validate_day_list(value):
    """A list of ``YYYY-MM-DD`` days from 2000 to 2099."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the days as a list of YYYY-MM-DD dates."))
    for day in value:
        try:
            validate_day(dt.date.fromisoformat(day))
        except (TypeError, ValueError):
            raise ValidationError(
                _("“%(day)s” is not a YYYY-MM-DD date."), params={"day": str(day)[:20]}
            ) from None


def validate_single_line(value):
    """Expo names and session titles end up in e-mail subjects, where a line break would
    start a header of its own: refuse CR and LF where they are written."""
    if "\r" in value or "\n" in value:
        raise ValidationError(_("Keep this on one line: no line breaks."), code="line_break")


def validate_single_line_translations(value):
    if isinstance(value, dict):
        for text in value.values():
            if isinstance(text, str):
                validate_single_line(text)


def translations_field(verbose_name, *, single_line=False):
    """``{language code: text}`` of a text in the languages other than the expo's main
    one (see ``events/translations.py``); ``single_line`` for texts that go into e-mail
    headers."""
    validators = [validate_translations]
    if single_line:
        validators.append(validate_single_line_translations)
    return models.JSONField(verbose_name, default=dict, blank=True, validators=validators)


def all_languages():
    return [code for code, _name in settings.LANGUAGES]


class Expo(models.Model):
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    name_translations = translations_field(_("name in other languages"), single_line=True)
    description_translations = translations_field(_("description in other languages"))
    start_date = models.DateField(_("first day"), validators=[validate_day])
    end_date = models.DateField(_("last day"), validators=[validate_day])
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    languages = models.JSONField(
        _("languages"), default=all_languages, validators=[validate_languages]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="SEK",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Give a three-letter ISO 4217 code."))],
        help_text=_("The currency of ticket prices, such as SEK, EUR or DKK."),
    )
    opens_at = models.TimeField(
        _("usual opening time"),
        default=DEFAULT_OPENS_AT,
        help_text=_("Used on every day that has no opening hours of its own."),
    )
    closes_at = models.TimeField(_("usual closing time"), default=DEFAULT_CLOSES_AT)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_expos",
        verbose_name=_("organisers"),
    )
    # Shown on the expo's privacy page: who answers for visitors' data, and for how long.
    organiser_name = models.CharField(
        _("organiser"),
        max_length=200,
        blank=True,
        help_text=_("The company or body that runs the expo and answers for visitors' data."),
    )
    privacy_contact = models.EmailField(
        _("privacy contact"),
        blank=True,
        help_text=_("Where visitors write with questions about their data."),
    )
    keeps_visitor_data_months = models.PositiveSmallIntegerField(
        _("keep visitors' data for (months)"),
        default=12,
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "How long after the last day registrations are kept before they are erased. "
            "Empty: the privacy page tells visitors to ask."
        ),
    )

    # Check-ins of the days before this were deleted after the fair (``manage.py
    # prune_check_ins``); the counters of those days are all that is left of them.
    check_ins_pruned_before = models.DateField(
        _("check-ins deleted before"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("expo")
        verbose_name_plural = _("expos")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="expo_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.start_date and self.end_date):
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
        if (self.end_date - self.start_date).days >= MOST_EXPO_DAYS:
            raise ValidationError(
                {"end_date": _("An expo lasts at most %(days)d days.") % {"days": MOST_EXPO_DAYS}}
            )

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def days(self):
        """Every calendar day from the first to the last, open or not."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=offset) for offset in range(count)]

    def local_day(self, moment):
        """The expo-local calendar day a UTC moment falls on."""
        return moment.astimezone(self.tz).date()

    def has_ended(self, moment):
        """Whether the day of ``moment`` in the expo's zone is after its last day."""
        return self.local_day(moment) > self.end_date

    @property
    def keeps_visitor_data_until(self):
        """The last day visitors' data is kept, as the privacy page promises: the same day
        of the month ``keeps_visitor_data_months`` after the last day (or that month's last
        day if it is shorter: 31 January + 1 month is 28 or 29 February). ``None`` when
        the organisers set no time, and then the data is kept."""
        months = self.keeps_visitor_data_months
        if months is None:
            return None
        year, month = divmod(self.end_date.month - 1 + months, 12)
        year, month = self.end_date.year + year, month + 1
        return dt.date(year, month, min(self.end_date.day, calendar.monthrange(year, month)[1]))

    def visitor_data_expired(self, moment):
        """Whether the day of ``moment`` in the expo's zone is past the keeping time."""
        kept_until = self.keeps_visitor_data_until
        return kept_until is not None and self.local_day(moment) > kept_until


class Venue(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name


class Hall(models.Model):
    """A zone of the venue with its own entrance and a fire-safety limit on people inside."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="halls")
    venue = models.ForeignKey(
        Venue, on_delete=models.SET_NULL, null=True, blank=True, related_name="halls"
    )
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    name_translations = translations_field(_("name in other languages"))
    capacity = models.PositiveIntegerField(
        _("safety capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("The most people allowed inside at once."),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["name"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="hall_slug_unique_in_expo"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="hall_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.venue_id and self.expo_id and self.venue.expo_id != self.expo_id:
            raise ValidationError({"venue": _("The venue belongs to another expo.")})


class Room(models.Model):
    # The expo is kept beside the hall so that a room's slug can be unique in its expo.
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="rooms")
    # RESTRICT rather than PROTECT: a hall with rooms cannot be deleted on its own, but
    # deleting the whole expo takes both.
    hall = models.ForeignKey(Hall, on_delete=models.RESTRICT, related_name="rooms")
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    name_translations = translations_field(_("name in other languages"))
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["hall__name", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="room_slug_unique_in_expo"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.hall_id and self.expo_id and self.hall.expo_id != self.expo_id:
            raise ValidationError({"hall": _("The hall belongs to another expo.")})


class Track(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="tracks")
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    name_translations = translations_field(_("name in other languages"))
    description_translations = translations_field(_("description in other languages"))
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f5f8b", help_text=_("A hex colour such as #1f5f8b.")
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="track_slug_unique_in_expo")
        ]

    def __str__(self):
        return self.name


class Conference(models.Model):
    """A named event of several sessions inside the expo, with its own days and audience."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="conferences")
    slug = models.SlugField(_("short name"))
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    name_translations = translations_field(_("name in other languages"), single_line=True)
    description_translations = translations_field(_("description in other languages"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    admits_exhibitor_staff = models.BooleanField(
        _("exhibitor staff badges admit"),
        default=False,
        help_text=_(
            "Its sessions need a ticket to the conference; tick this to let exhibitors' "
            "staff badges in too."
        ),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.UniqueConstraint(fields=["expo", "slug"], name="conference_slug_unique_in_expo"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if self.expo_id and self.start_date and self.end_date:
            expo = self.expo
            if self.start_date < expo.start_date or self.end_date > expo.end_date:
                errors["start_date"] = _(
                    "A conference must lie within the expo's days (%(first)s to %(last)s)."
                ) % {"first": expo.start_date, "last": expo.end_date}
        if errors:
            raise ValidationError(errors)


class Speaker(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    biography = models.TextField(_("biography"), blank=True)
    biography_translations = translations_field(_("biography in other languages"))
    email = models.EmailField(_("e-mail"), blank=True)
    unavailable_days = models.JSONField(
        _("days unavailable"),
        default=list,
        blank=True,
        validators=[validate_day_list],
        help_text=_(
            'Days the speaker cannot come, as ["2026-06-02", …]; the schedule board warns '
            "when they are planned on one."
        ),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name


class OpeningDay(models.Model):
    """Opening hours of one day that differ from the expo's usual hours.

    A closing time at or before the opening time means the expo closes after midnight,
    on the next calendar day: a late evening from 10:00 to 01:00.
    """

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="opening_days")
    date = models.DateField(_("day"))
    is_closed = models.BooleanField(_("closed all day"), default=False)
    opens_at = models.TimeField(_("opens"), default=DEFAULT_OPENS_AT)
    closes_at = models.TimeField(_("closes"), default=DEFAULT_CLOSES_AT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["date"]
        verbose_name = _("opening day")
        verbose_name_plural = _("opening days")
        constraints = [
            models.UniqueConstraint(fields=["expo", "date"], name="one_opening_day_per_date")
        ]

    def __str__(self):
        if self.is_closed:
            return f"{self.date}: " + str(_("closed"))
        return f"{self.date}: {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self):
        if (
            self.expo_id
            and self.date
            and not (self.expo.start_date <= self.date <= self.expo.end_date)
        ):
            raise ValidationError({"date": _("The day is not one of the expo's days.")})
        if self.opens_at == self.closes_at and not self.is_closed:
            raise ValidationError({"closes_at": _("Opening and closing times are the same.")})


class Session(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        WORKSHOP = "workshop", _("Workshop")
        PANEL = "panel", _("Panel")
        TOUR = "tour", _("Guided tour")
        EXHIBITION = "exhibition", _("Exhibition")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=250, validators=[validate_single_line])
    abstract = models.TextField(_("abstract"), blank=True)
    title_translations = translations_field(_("title in other languages"), single_line=True)
    abstract_translations = translations_field(_("abstract in other languages"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TALK)
    # Where and when the session is in the released schedule: what visitors, bookings,
    # check-in, the exports and the public API read. Empty while it is not in a release.
    room = models.ForeignKey(
        Room, on_delete=models.RESTRICT, null=True, blank=True, related_name="sessions"
    )
    start = models.DateTimeField(_("starts"), null=True, blank=True, validators=[validate_day])
    end = models.DateTimeField(_("ends"), null=True, blank=True, validators=[validate_day])
    # Where and when the organisers plan it: the draft that the schedule board, the admin
    # and the organisers' API edit, and the next release publishes. Empty: not planned yet.
    planned_room = models.ForeignKey(
        Room,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="planned_sessions",
        verbose_name=_("room"),
    )
    planned_start = models.DateTimeField(
        _("starts"), null=True, blank=True, validators=[validate_day]
    )
    planned_end = models.DateTimeField(_("ends"), null=True, blank=True, validators=[validate_day])
    minutes = models.PositiveIntegerField(
        _("length (minutes)"),
        default=60,
        validators=[
            MinValueValidator(SHORTEST_SESSION_MINUTES),
            MaxValueValidator(MOST_SESSION_MINUTES),
        ],
        help_text=_("Kept equal to the planned times while the session is planned."),
    )
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("Off the plan; the next release takes it out of the public programme."),
    )
    # Bumped by every change of the plan, so that a move made on a stale view is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Empty for the room's seats.")
    )
    expected_audience = models.PositiveIntegerField(
        _("expected audience"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_(
            "How many people are expected; the schedule board warns when the planned room "
            "seats fewer."
        ),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    conference = models.ForeignKey(
        Conference, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="sessions")

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["start", "room__name"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["expo", "start"], name="session_expo_start"),
            models.Index(fields=["room", "start"], name="session_room_start"),
            models.Index(fields=["expo", "planned_start"], name="session_expo_planned_start"),
            models.Index(fields=["planned_room", "planned_start"], name="session_planned_room"),
        ]
        # On PostgreSQL, migrations add exclusion constraints (``session_room_no_overlap``
        # and ``session_planned_room_no_overlap``) so that two sessions in one room never
        # overlap, in the release or in the plan.
        constraints = [
            models.CheckConstraint(
                condition=Q(room__isnull=True, start__isnull=True, end__isnull=True)
                | Q(room__isnull=False, start__isnull=False, end__gt=F("start")),
                name="session_released_slot_whole",
            ),
            models.CheckConstraint(
                condition=Q(planned_room__isnull=True, planned_start__isnull=True)
                & Q(planned_end__isnull=True)
                | Q(planned_room__isnull=False, planned_start__isnull=False)
                & Q(planned_end__gt=F("planned_start")),
                name="session_planned_slot_whole",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seats(self):
        """Seats on offer: the session's own limit, else the released room's (the planned
        room's before the first release)."""
        if self.capacity is not None:
            return self.capacity
        room = self.room or self.planned_room
        return room.capacity if room is not None else None

    @property
    def is_released(self):
        return self.start is not None

    @property
    def is_planned(self):
        return self.planned_start is not None


class ScheduleRelease(models.Model):
    """A numbered version of an expo's public schedule: what one release copied from the
    plan to the released slots (``events.services.release_schedule``).

    ``changes`` keeps what changed as it was at the release, a list of
    ``{"session", "title", "title_translations", "change", "before", "after"}`` with
    ``change`` one of ``new``, ``moved``, ``cancelled`` and each slot ``None`` or
    ``{"room", "room_translations", "hall", "hall_translations", "start", "end"}``
    (moments in ISO 8601). A release is a record that never changes; sessions do, and
    may be deleted, so the changelog is written out here rather than pointing at them.
    """

    class Change(models.TextChoices):
        NEW = "new", _("new")
        MOVED = "moved", _("moved")
        CANCELLED = "cancelled", _("cancelled")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_no_nul])
    note_translations = translations_field(_("note in other languages"))
    released_at = models.DateTimeField(_("released"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=list, blank=True, editable=False)

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["expo", "-number"]
        verbose_name = _("schedule release")
        verbose_name_plural = _("schedule releases")
        constraints = [
            models.UniqueConstraint(fields=["expo", "number"], name="one_release_per_number"),
        ]

    def __str__(self):
        return _("Version %(number)d") % {"number": self.number}
