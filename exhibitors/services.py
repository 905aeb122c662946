"""Rules of exhibitors: booths given for days, staff with badges, leads, imports."""

import io
import warnings

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from expo.errors import Conflict, InvalidInput
from ticketing import selectors as ticketing_selectors
from ticketing import services as ticketing
from ticketing.models import Ticket, TicketType

from . import emails
from .models import Booth, BoothDay, Exhibitor, Lead, Member
from .permissions import is_staff_of

LOGO_SIZE = 512  # pixels, the longer side
LOGO_MAX_BYTES = 5 * 2**20


def save_exhibitor(exhibitor, *, themes=None):
    """Create or change an exhibitor after its own checks."""
    try:
        exhibitor.full_clean()
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    _check_days(exhibitor.expo, exhibitor.days)
    with transaction.atomic():
        exhibitor.save()
        if themes is not None:
            foreign = [track for track in themes if track.expo_id != exhibitor.expo_id]
            if foreign:
                raise InvalidInput({"themes": _("Themes must be tracks of the same expo.")})
            exhibitor.themes.set(themes)
    return exhibitor


#: What only the expo's organisers change about an exhibitor; its staff change the rest.
ORGANISER_FIELDS = ("tier", "days", "staff_badge_limit")


def change_exhibitor(exhibitor, changes, *, themes=None, by_organiser):
    """Apply ``changes`` (field name → value) to ``exhibitor`` and save it. The
    exhibitor's own staff may not give ``ORGANISER_FIELDS`` new values: that is refused on
    each such field, and nothing is saved."""
    if not by_organiser:
        refused = {
            name: _("Only the expo's organisers change this.")
            for name in ORGANISER_FIELDS
            if name in changes and changes[name] != getattr(exhibitor, name)
        }
        if refused:
            raise InvalidInput(refused)
    for name, value in changes.items():
        setattr(exhibitor, name, value)
    return save_exhibitor(exhibitor, themes=themes)


def _check_days(expo, days):
    if not isinstance(days, list):
        raise InvalidInput({"days": _("Give the days as a list of YYYY-MM-DD.")})
    for value in days:
        try:
            day = (
                value
                if hasattr(value, "isoformat")
                else __import__("datetime").date.fromisoformat(value)
            )
        except (TypeError, ValueError):
            raise InvalidInput(
                {"days": _("“%(value)s” is not a day.") % {"value": value}}
            ) from None
        if not expo.start_date <= day <= expo.end_date:
            raise InvalidInput({"days": _("%(day)s is not one of the expo's days.") % {"day": day}})


def resized_logo(upload):
    """A logo upload checked to be an image and scaled down to ``LOGO_SIZE`` pixels, as
    PNG. Raises ``InvalidInput`` on the ``logo`` field otherwise.

    A small file can claim a huge canvas (a PNG of 13,000 × 13,000 pixels compresses to
    a few hundred kilobytes and takes gigabytes to decode), so the size is read from the
    header, which ``Image.open`` parses without decoding, and checked against
    ``settings.LOGO_MAX_PIXELS`` before any pixel is loaded."""
    if upload.size > LOGO_MAX_BYTES:
        raise InvalidInput({"logo": _("The logo may be at most 5 MB.")})
    too_large = InvalidInput(
        {
            "logo": _("The logo may have at most %(megapixels)s megapixels.")
            % {"megapixels": settings.LOGO_MAX_PIXELS // 1_000_000}
        }
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
        if image.format not in {"PNG", "JPEG", "WEBP"}:
            raise InvalidInput({"logo": _("Upload a PNG, JPEG or WebP image.")})
        width, height = image.size
        if width * height > settings.LOGO_MAX_PIXELS:
            raise too_large
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError):
        raise InvalidInput({"logo": _("Upload a PNG, JPEG or WebP image.")}) from None
    image.thumbnail((LOGO_SIZE, LOGO_SIZE))
    if image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def save_booth(booth, *, exhibitor=None, days=None):
    """Create or change a booth, and give it to ``exhibitor`` on ``days`` if one is
    named (see ``give_booth``): both or neither."""
    with transaction.atomic():
        _save_booth(booth)
        if exhibitor is not None:
            give_booth(booth, exhibitor, days)
    return booth


def _save_booth(booth):
    try:
        # Uniqueness is left to the database, so that a taken code is a conflict.
        booth.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    if booth.hall.expo_id != booth.expo_id:
        raise InvalidInput({"hall": _("The hall is not in this expo.")})
    try:
        with transaction.atomic():
            booth.save()
    except IntegrityError:
        raise Conflict(
            _("Hall %(hall)s already has a booth %(code)s.")
            % {"hall": booth.hall.name, "code": booth.code},
            code="booth_code_taken",
        ) from None
    return booth


def give_booth(booth, exhibitor, days=None):
    """Give ``booth`` to ``exhibitor`` on ``days`` (every day of the expo when omitted).
    Refused with ``Conflict`` (``booth_taken``) when another exhibitor has it on one of
    them; nothing is written then."""
    if exhibitor.expo_id != booth.expo_id:
        raise InvalidInput({"exhibitor": _("The exhibitor is not in this expo.")})
    expo = booth.expo
    days = sorted(set(days)) if days else list(expo.days)
    _check_days(expo, days)
    try:
        with transaction.atomic():
            Booth.objects.select_for_update().get(pk=booth.pk)
            taken = (
                BoothDay.objects.filter(booth=booth, day__in=days)
                .exclude(exhibitor=exhibitor)
                .select_related("exhibitor")
                .first()
            )
            if taken is not None:
                raise Conflict(
                    _("Booth %(booth)s is given to %(exhibitor)s on %(day)s.")
                    % {"booth": booth.code, "exhibitor": taken.exhibitor.name, "day": taken.day},
                    code="booth_taken",
                )
            have = set(
                BoothDay.objects.filter(booth=booth, exhibitor=exhibitor).values_list(
                    "day", flat=True
                )
            )
            BoothDay.objects.bulk_create(
                BoothDay(booth=booth, exhibitor=exhibitor, day=day)
                for day in days
                if day not in have
            )
    except IntegrityError:  # a concurrent request took a day first
        raise Conflict(
            _("Booth %(booth)s was just given to someone else.") % {"booth": booth.code},
            code="booth_taken",
        ) from None


def take_back_booth_day(booth_day):
    """Take a booth back from its exhibitor for one day."""
    booth_day.delete()


def staff_ticket_type(expo):
    ticket_type, _created = TicketType.objects.get_or_create(
        expo=expo,
        slug="exhibitor-staff",
        defaults={
            "name": _("Exhibitor staff"),
            "kind": TicketType.Kind.EXHIBITOR,
            "max_per_order": 1,
        },
    )
    return ticket_type


def add_member(exhibitor, *, username, name, email="", by_organiser=False, language=None):
    """Add a staff member to the exhibitor, with a staff badge (an exhibitor ticket).

    Staff invite new people only: a new account is made without a usable password, and
    after commit an invitation to set one is e-mailed in ``language`` (the expo's main
    language when not given). An existing account, found by user name or else by e-mail
    address, is added by the expo's organisers only (``by_organiser``); staff are refused
    with ``account_exists``, told nothing about that account. Refused with
    ``staff_badges_used_up`` once the exhibitor's ``staff_badge_limit`` badges are handed
    out. Nothing is written when refused. Returns the member."""
    name = (name or "").strip()
    email = (email or "").strip()
    errors = {}
    if not username or len(username) > 150:
        errors["username"] = _("Give a user name of at most 150 characters.")
    else:
        try:
            get_user_model().username_validator(username)
        except ValidationError as error:
            errors["username"] = error.messages
    if not name:
        errors["name"] = _("Give the staff member's name.")
    if errors:
        raise InvalidInput(errors)
    language = language or exhibitor.expo.languages[0]
    with transaction.atomic():
        # The exhibitor's row is the lock that keeps two additions from both taking the
        # last staff badge.
        exhibitor = (
            Exhibitor.objects.select_for_update().select_related("expo").get(pk=exhibitor.pk)
        )
        user = _existing_account(username, email)
        if user is None:
            user = _new_account(username, email, name)
        elif not by_organiser:
            raise Conflict(
                _(
                    "An account with this user name or e-mail address exists already. "
                    "Invite new people only; the expo's organisers can add an existing "
                    "account to your staff."
                ),
                code="account_exists",
            )
        elif Member.objects.filter(exhibitor=exhibitor, user=user).exists():
            raise Conflict(
                _("%(name)s is already on the staff.") % {"name": user.username},
                code="already_staff",
            )
        _check_staff_badge_left(exhibitor)
        address = email or user.email
        if not address:
            raise InvalidInput(
                {"email": _("Give the staff member's e-mail address: their badge is sent to it.")}
            )
        order = ticketing.register(
            exhibitor.expo,
            staff_ticket_type(exhibitor.expo),
            [ticketing.Attendee(name, address, exhibitor.name)],
            language=language,
            handed_out=True,
        )
        member = Member.objects.create(exhibitor=exhibitor, user=user, ticket=order.sold_tickets[0])
        if not user.has_usable_password():
            emails.queue_staff_invitation(member, language)
    return member


def _existing_account(username, email):
    users = get_user_model().objects
    user = users.filter(username__iexact=username).first()
    if user is None and email:
        user = users.filter(email__iexact=email).order_by("pk").first()
    return user


def _new_account(username, email, name):
    """An account for an invited staff member, without a usable password until they set
    one through the invitation's link."""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            {"email": _("Enter a valid e-mail address: the invitation is sent to it.")}
        ) from None
    first, _space, last = name.partition(" ")
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(
                username, email=email, first_name=first[:150], last_name=last[:150]
            )
    except IntegrityError:  # a concurrent request took the user name first
        raise Conflict(
            _("An account with this user name exists already."), code="account_exists"
        ) from None


def _check_staff_badge_left(exhibitor):
    held = Member.objects.filter(exhibitor=exhibitor, ticket__status=Ticket.Status.VALID).count()
    if held >= exhibitor.staff_badge_limit:
        raise Conflict(
            _(
                "%(exhibitor)s holds all of its %(limit)d staff badges. Remove a staff member "
                "first, or ask the organisers for more badges."
            )
            % {"exhibitor": exhibitor.name, "limit": exhibitor.staff_badge_limit},
            code="staff_badges_used_up",
        )


def remove_member(member):
    """Take a member off the staff; their staff badge is cancelled."""
    with transaction.atomic():
        if member.ticket is not None and member.ticket.is_valid:
            ticketing.cancel_ticket(member.ticket)
        member.delete()


def delete_exhibitor(exhibitor):
    """Delete an exhibitor; its staff lose their badges, as when they are taken off the
    staff one by one."""
    with transaction.atomic():
        for member in exhibitor.members.select_related("ticket"):
            remove_member(member)
        exhibitor.delete()


def capture_lead(exhibitor, code, *, user, note="", rating=None):
    """Record the visitor whose badge ``code`` is, for ``exhibitor``: once per ticket.
    Returns ``(lead, created)``; a second scan of the same badge returns the first lead
    (its note extended). A code that is not a valid ticket of the expo is bad input."""
    ticket = ticketing_selectors.find_ticket_by_code(code or "", exhibitor.expo)
    if ticket is None or not ticket.is_valid:
        raise InvalidInput({"code": _("This is not a valid badge of this expo.")})
    _check_note_and_rating(note, rating)
    with transaction.atomic():
        lead, created = Lead.objects.select_for_update().get_or_create(
            exhibitor=exhibitor,
            ticket=ticket,
            defaults={
                "scanned_by": user,
                "scanned_at": timezone.now(),
                "note": note or "",
                "rating": rating,
            },
        )
        if not created and (note or rating):
            if note:
                lead.note = f"{lead.note}\n{note}".strip()
            if rating:
                lead.rating = rating
            lead.save(update_fields=["note", "rating"])
    return lead, created


def _check_note_and_rating(note, rating):
    """The rules of what staff write about a lead, for every door: a rating from 1 to 5
    (or none), a note of at most 2000 characters (``Lead.note``) without NUL, which
    PostgreSQL cannot store."""
    errors = {}
    if rating is not None and not 1 <= rating <= 5:
        errors["rating"] = _("Rate from 1 to 5.")
    if "\x00" in (note or ""):
        errors["note"] = _("Null characters are not allowed.")
    elif len(note or "") > Lead._meta.get_field("note").max_length:
        errors["note"] = _("At most 2000 characters.")
    if errors:
        raise InvalidInput(errors)


def _check_staff(lead, user):
    """A lead is its exhibitor's own: only its staff change or remove it, not the
    organisers (who see that leads exist, not who) nor another exhibitor's staff."""
    if not is_staff_of(user, lead.exhibitor):
        raise PermissionDenied(_("Only this exhibitor's staff may do this."))


def change_lead(lead, *, by, note, rating):
    """Replace what staff wrote about a lead after the scan: its note and its rating
    (``None`` clears it). ``by`` must be on the staff of the lead's exhibitor.

    The row is locked while it changes, so a second scan of the same badge, which adds
    to the note, waits and adds to the note saved here."""
    _check_staff(lead, by)
    _check_note_and_rating(note, rating)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().filter(pk=lead.pk).first()
        if locked is None:
            raise Conflict(_("This lead was removed meanwhile."), code="lead_removed")
        locked.note, locked.rating = note or "", rating
        locked.save(update_fields=["note", "rating"])
    lead.note, lead.rating = locked.note, locked.rating
    return lead


def remove_lead(lead, *, by):
    """Remove a lead (a badge scanned by mistake, a visitor who asked not to be
    followed up); ``by`` must be on the staff of the lead's exhibitor. Scanning the badge
    again makes a new lead."""
    _check_staff(lead, by)
    Lead.objects.filter(pk=lead.pk).delete()
