"""Rules of the call for proposals. Every write of a call, a proposal or its speakers goes
through here: the public pages, the exhibitor portal and the admin alike.

A refusal is ``InvalidInput`` (field messages) or ``Conflict`` with a code:
``call_not_open`` / ``call_closed`` (the window, the deadline named on the expo's clock),
``proposal_limit_reached`` (an exhibitor's proposals at once), ``proposal_locked`` (it was
withdrawn or the review has decided). Nothing is written when refused: a proposal and its
speakers are saved in one transaction.
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import selectors as programme
from events.models import Session
from exhibitors.models import Exhibitor
from expo import dates
from expo.errors import Conflict, InvalidInput
from expo.validation import has_nul

from .. import emails
from ..models import MOST_SPEAKERS, Proposal, ProposalSpeaker

# What a proposer fills in; the speakers come as a list of {name, email, biography}.
PROPOSAL_FIELDS = (
    "title",
    "abstract",
    "kind",
    "length_minutes",
    "language",
    "track",
    "audience",
    "accessibility_needs",
    "preferred_days",
)
SPEAKER_FIELDS = ("name", "email", "biography")


def save_call(call, *, tracks=None):
    """Check and save an expo's call; ``tracks`` (when given) replaces those offered."""
    try:
        call.full_clean(exclude=["tracks"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    if tracks is not None:
        foreign = [track.name for track in tracks if track.expo_id != call.expo_id]
        if foreign:
            raise InvalidInput(
                {"tracks": _("Not tracks of this expo: %(names)s.") % {"names": ", ".join(foreign)}}
            )
    with transaction.atomic():
        call.save()
        if tracks is not None:
            call.tracks.set(tracks)
    return call


def submit_proposal(call, *, proposer, fields, speakers, exhibitor=None, now=None):
    """Send a new proposal to ``call``: by ``proposer`` for themselves, or for
    ``exhibitor`` by one of its staff (the portal checks who may act for it).

    ``fields`` maps ``PROPOSAL_FIELDS`` to values (``track`` a Track or ``None``,
    ``preferred_days`` a list of dates); ``speakers`` is a list of dicts of
    ``SPEAKER_FIELDS``. Refused when the call is not open, when a field breaks its rules,
    or with ``proposal_limit_reached`` once the exhibitor, or the person proposing for
    themselves, has ``call.proposals_per_partner`` proposals that are not withdrawn.
    Returns the proposal.
    """
    now = now or timezone.now()
    _check_window(call, now)
    proposal = Proposal(expo_id=call.expo_id, call=call, exhibitor=exhibitor, proposer=proposer)
    _assign(proposal, fields)
    rows = _check(proposal, speakers)
    with transaction.atomic():
        if exhibitor is not None:
            # The exhibitor's row is the lock that keeps two proposals sent at once from
            # both taking its last place in the call.
            Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
            _check_partner_limit(call, exhibitor)
        else:
            # A person proposing for themselves is a partner of one: the same limit,
            # locked on their account.
            get_user_model().objects.select_for_update().get(pk=proposer.pk)
            _check_own_limit(call, proposer)
        proposal.save()
        _save_speakers(proposal, rows)
    return proposal


def change_proposal(proposal, *, fields, speakers, now=None):
    """Change a proposal and replace its speakers: while it is submitted (not withdrawn
    nor decided by the review) and the call is open."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked so that a withdrawal or a review at the same moment waits for this one.
        current = (
            Proposal.objects.select_for_update().select_related("call__expo").get(pk=proposal.pk)
        )
        _check_editable(current)
        _check_window(current.call, now)
        _assign(current, fields)
        rows = _check(current, speakers)
        current.save()
        current.speakers.all().delete()
        _save_speakers(current, rows)
    return current


def withdraw_proposal(proposal):
    """Withdraw a submitted proposal, also after the deadline; the review will not see it.
    An exhibitor's withdrawn proposal no longer counts towards its limit."""
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _check_editable(current)
        current.state = Proposal.State.WITHDRAWN
        current.save(update_fields=["state", "updated_at"])
    return current


def request_proposer_account(expo, *, name, email, language):
    """The public call's sign-up: e-mail ``email`` a link to choose a password.

    A new address gets an account without a usable password (user name: the address);
    an existing active account gets the same e-mail with a link for a new password, so
    the page answers the same either way and tells nobody who has an account. An
    inactive (deactivated or erased) account gets nothing. At most one such e-mail an
    account in ``emails.ACCOUNT_MAIL_INTERVAL``."""
    name = (name or "").strip()
    email = (email or "").strip()
    errors = {}
    if not name or len(name) > 150 or has_nul(name):
        errors["name"] = _("Give your name, at most 150 characters.")
    try:
        if len(email) > 254 or has_nul(email):
            raise ValidationError("")
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address: the link is sent to it.")
    if errors:
        raise InvalidInput(errors)
    users = get_user_model().objects
    with transaction.atomic():
        accounts = [
            user for user in users.filter(email__iexact=email) if _same_address(user.email, email)
        ]
        if not accounts:
            accounts = [_new_account(name, email)]
        for user in accounts:
            if user.is_active:
                emails.queue_proposer_account(user, expo, language)


def _same_address(first, second):
    return (
        unicodedata.normalize("NFKC", first).casefold()
        == unicodedata.normalize("NFKC", second).casefold()
    )


def _new_account(name, email):
    users = get_user_model().objects
    base = email.lower()[:140]
    username, number = base, 1
    while users.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    first, _space, last = name.partition(" ")
    try:
        with transaction.atomic():
            return users.create_user(
                username, email=email, first_name=first[:150], last_name=last[:150]
            )
    except IntegrityError:
        # A second request for the same address took the user name first: that account
        # is theirs, and gets the e-mail.
        return users.get(username=username)


def _check_window(call, now):
    tz = call.expo.tz
    if now < call.opens_at:
        raise Conflict(
            _("The call opens on %(opens)s (%(zone)s); proposals are taken from then on.")
            % {"opens": dates.date_and_time(call.opens_at, tz), "zone": call.expo.time_zone},
            code="call_not_open",
        )
    if now >= call.closes_at:
        raise Conflict(
            _(
                "The call closed on %(deadline)s (%(zone)s); proposals are not taken or "
                "changed after the deadline."
            )
            % {"deadline": dates.date_and_time(call.closes_at, tz), "zone": call.expo.time_zone},
            code="call_closed",
        )


def _check_editable(proposal):
    if proposal.state == Proposal.State.WITHDRAWN:
        raise Conflict(_("This proposal was withdrawn."), code="proposal_locked")
    if not proposal.is_editable_state:
        raise Conflict(
            _("The review has decided on this proposal; it cannot be changed now."),
            code="proposal_locked",
        )


def _check_partner_limit(call, exhibitor):
    held = (
        Proposal.objects.filter(call=call, exhibitor=exhibitor)
        .exclude(state=Proposal.State.WITHDRAWN)
        .count()
    )
    if held >= call.proposals_per_partner:
        raise Conflict(
            _(
                "%(exhibitor)s has sent %(count)d proposals already, the most the call "
                "takes from one exhibitor. Withdraw one to send another."
            )
            % {"exhibitor": exhibitor.name, "count": held},
            code="proposal_limit_reached",
        )


def _check_own_limit(call, proposer):
    held = (
        Proposal.objects.filter(call=call, proposer=proposer, exhibitor__isnull=True)
        .exclude(state=Proposal.State.WITHDRAWN)
        .count()
    )
    if held >= call.proposals_per_partner:
        raise Conflict(
            _(
                "You have sent %(count)d proposals already, the most the call takes from "
                "one person. Withdraw one to send another."
            )
            % {"count": held},
            code="proposal_limit_reached",
        )


def _assign(proposal, fields):
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise InvalidInput({name: _("This field is not known.") for name in sorted(unknown)})
    for name in PROPOSAL_FIELDS:
        value = fields.get(name)
        if name == "preferred_days":
            # Dates, or YYYY-MM-DD texts that the model's validator checks.
            value = sorted(
                {day.isoformat() if hasattr(day, "isoformat") else str(day) for day in value or ()}
            )
        elif name == "track":
            proposal.track = value
            continue
        elif isinstance(value, str):
            value = value.strip()
        elif value is None and name in ("title", "abstract", "audience", "accessibility_needs"):
            value = ""
        setattr(proposal, name, value)


def _check(proposal, speakers):
    """Every rule a proposal and its speakers meet on their own and against the call;
    returns the speakers as unsaved rows. Raises ``InvalidInput`` naming the fields."""
    call, expo = proposal.call, proposal.call.expo
    errors = {}
    for name in ("title", "abstract", "audience", "accessibility_needs", "kind", "language"):
        value = getattr(proposal, name)
        if isinstance(value, str) and has_nul(value):
            errors[name] = [_("Null characters are not allowed.")]
    try:
        proposal.full_clean(
            exclude=["expo", "call", "exhibitor", "proposer", "state", *errors],
            validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if "kind" not in errors and proposal.kind not in call.kinds:
        errors["kind"] = [
            _("The call takes these kinds only: %(kinds)s.")
            % {"kinds": ", ".join(str(Session.Kind(kind).label) for kind in call.kinds)}
        ]
    if "language" not in errors and proposal.language not in expo.languages:
        errors["language"] = [
            _("The expo's sessions are in these languages only: %(codes)s.")
            % {"codes": ", ".join(expo.languages)}
        ]
    if proposal.exhibitor is not None and proposal.exhibitor.expo_id != expo.pk:
        errors["exhibitor"] = [_("This exhibitor is not at this expo.")]
    if proposal.track is not None and not call.tracks.filter(pk=proposal.track.pk).exists():
        errors["track"] = [_("The call does not offer this track.")]
    if "preferred_days" not in errors:
        open_days = set(programme.opening_windows(expo))
        closed = [day for day in proposal.preferred_dates if day not in open_days]
        if closed:
            errors["preferred_days"] = [
                _("The expo is not open on %(days)s.")
                % {"days": ", ".join(dates.long_date(day) for day in closed)}
            ]
    rows, speaker_errors = _speaker_rows(proposal, speakers)
    if speaker_errors:
        errors["speakers"] = speaker_errors
    if errors:
        raise InvalidInput(errors)
    return rows


def _speaker_rows(proposal, speakers):
    speakers = list(speakers)
    if not speakers:
        return [], [_("Name at least one speaker.")]
    if len(speakers) > MOST_SPEAKERS:
        return [], [_("Name at most %(count)d speakers.") % {"count": MOST_SPEAKERS}]
    rows, errors = [], []
    for position, speaker in enumerate(speakers, start=1):
        values = {name: str(speaker.get(name) or "").strip() for name in SPEAKER_FIELDS}
        row = ProposalSpeaker(proposal=proposal, position=position, **values)
        problems = (
            [_("Null characters are not allowed.")] if any(map(has_nul, values.values())) else []
        )
        if not problems:
            try:
                row.full_clean(exclude=["proposal"])
            except ValidationError as error:
                problems = [
                    f"{row._meta.get_field(field).verbose_name}: {message}"
                    for field, messages in error.message_dict.items()
                    for message in messages
                ]
        errors.extend(
            _("Speaker %(number)d: %(problem)s") % {"number": position, "problem": problem}
            for problem in problems
        )
        rows.append(row)
    return rows, errors


def _save_speakers(proposal, rows):
    for row in rows:
        row.proposal = proposal
    ProposalSpeaker.objects.bulk_create(rows)
