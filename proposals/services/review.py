"""Rules of the review: who reviews a call, what they score, their scores, and accepting
or rejecting proposals.

Refusals: ``InvalidInput`` for a score or comment that breaks its rules (``scores``,
``comment``, ``reviewers``, ``highest``), ``Conflict`` with ``proposal_locked`` (withdrawn
or decided: nothing to score), ``no_criteria`` (the call names none yet),
``not_a_reviewer`` / ``not_an_organiser`` (the pages check first; the services refuse
too). Deciding is final and idempotent: a proposal already decided, or withdrawn, is left
as it is and reported as skipped, so a retried or doubled request e-mails nobody twice and
makes no second session.
"""

import unicodedata
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import services as programme
from events.models import Expo, Session, Speaker
from expo.errors import Conflict, InvalidInput
from expo.validation import has_nul

from .. import emails
from ..models import TEXT_MAX_LENGTH, Proposal, Review, Score
from ..permissions import may_decide, may_review
from .proposing import _new_account, _same_address

# More reviewers than this on one call is a typing accident, not a programme team.
MOST_REVIEWERS = 50


class Decision(NamedTuple):
    """What a decision did: the proposals it decided, and those it left as they were
    (decided before, or withdrawn)."""

    decided: list
    skipped: list


def set_reviewers(call, addresses, *, language):
    """Make the accounts with these e-mail addresses the call's reviewers, in place of
    those it had. An address without an account gets one without a usable password;
    each reviewer named anew is e-mailed the review's address in ``language`` (with a
    link to choose a password where the account has none). Returns the reviewers."""
    wanted, errors = [], []
    for address in addresses:
        address = (address or "").strip()
        if not address:
            continue
        try:
            if len(address) > 254 or has_nul(address):
                raise ValidationError("")
            validate_email(address)
        except ValidationError:
            errors.append(_("“%(address)s” is not an e-mail address.") % {"address": address[:60]})
            continue
        if not any(_same_address(address, other) for other in wanted):
            wanted.append(address)
    if len(wanted) > MOST_REVIEWERS:
        errors.append(_("Name at most %(count)d reviewers.") % {"count": MOST_REVIEWERS})
    if errors:
        raise InvalidInput({"reviewers": errors})
    users = get_user_model().objects
    with transaction.atomic():
        before = set(call.reviewers.values_list("pk", flat=True))
        reviewers = []
        for address in wanted:
            accounts = [
                user
                for user in users.filter(email__iexact=address).order_by("pk")
                if _same_address(user.email, address)
            ]
            active = [user for user in accounts if user.is_active]
            if accounts and not active:
                errors.append(
                    _("The account of %(address)s is closed; it cannot review.")
                    % {"address": address}
                )
                continue
            reviewers.append(active[0] if active else _new_account(address, address))
        if errors:
            raise InvalidInput({"reviewers": errors})
        call.reviewers.set(reviewers)
        for user in reviewers:
            if user.pk not in before:
                emails.queue_reviewer_invitation(user, call.expo, language)
    return reviewers


def save_criterion(criterion):
    """Check and save a review criterion; its scale cannot shrink below a score given."""
    try:
        criterion.full_clean(exclude=["call"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    if criterion.pk and Score.objects.filter(criterion=criterion, value__gt=criterion.highest):
        raise InvalidInput(
            {"highest": _("Reviewers gave higher scores already; keep the scale at least as wide.")}
        )
    criterion.save()
    return criterion


def review_proposal(proposal, *, reviewer, scores, comment=""):
    """Save ``reviewer``'s review of ``proposal``: ``scores`` maps each of the call's
    criteria (by id) to a whole number from 0 to its highest score; the comment is
    optional. A second review by the same reviewer replaces the first."""
    comment = (comment or "").strip()
    criteria = list(proposal.call.criteria.all())
    if not criteria:
        raise Conflict(_("The call has no criteria to score yet."), code="no_criteria")
    errors = {}
    values, score_errors = _score_values(criteria, scores)
    if score_errors:
        errors["scores"] = score_errors
    if has_nul(comment):
        errors["comment"] = [_("Null characters are not allowed.")]
    elif len(comment) > TEXT_MAX_LENGTH:
        errors["comment"] = [
            _("Keep the comment to %(count)d characters.") % {"count": TEXT_MAX_LENGTH}
        ]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        # The proposal's row: a decision and a review of it at once go one after the
        # other, and one reviewer's two submissions make one review.
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not may_review(reviewer, current.expo):
            raise Conflict(
                _("Only the expo's organisers and reviewers review its proposals."),
                code="not_a_reviewer",
            )
        if current.state != Proposal.State.SUBMITTED:
            raise Conflict(
                _("This proposal is %(state)s; there is nothing to review.")
                % {"state": current.get_state_display().lower()},
                code="proposal_locked",
            )
        review, _created = Review.objects.get_or_create(proposal=current, reviewer=reviewer)
        review.comment = comment
        review.save()
        review.scores.all().delete()
        Score.objects.bulk_create(
            Score(review=review, criterion=criterion, value=values[criterion.pk])
            for criterion in criteria
        )
    return review


def _score_values(criteria, scores):
    """``({criterion id: value}, [messages])`` from what a reviewer gave."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    values, errors, wrong = {}, [], set()
    for key, value in dict(scores).items():
        criterion = by_id.get(_whole_number(key))
        if criterion is None:
            errors.append(_("A score is for a criterion this call does not have."))
            continue
        number = _whole_number(value)
        if number is None or not 0 <= number <= criterion.highest:
            wrong.add(criterion.pk)
            errors.append(
                _("%(criterion)s: give a whole number from 0 to %(highest)d.")
                % {"criterion": criterion.name, "highest": criterion.highest}
            )
            continue
        values[criterion.pk] = number
    errors.extend(
        _("%(criterion)s: give a score.") % {"criterion": criterion.name}
        for criterion in criteria
        if criterion.pk not in values and criterion.pk not in wrong
    )
    return values, errors


def _whole_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return int(text)
    return None


def accept_proposals(expo, proposals, *, by):
    return decide_proposals(expo, proposals, accept=True, by=by)


def reject_proposals(expo, proposals, *, by):
    return decide_proposals(expo, proposals, accept=False, by=by)


def decide_proposals(expo, proposals, *, accept, by):
    """Accept (or reject) the submitted ones of ``proposals`` (rows or ids) of ``expo``,
    by one of its organisers. An accepted proposal becomes an unscheduled session with
    its speakers; each proposer is e-mailed the decision in the proposal's language.
    Proposals of another expo are not looked at. Returns a ``Decision``."""
    if not may_decide(by, expo):
        raise Conflict(
            _("Only the expo's organisers accept and reject proposals."), code="not_an_organiser"
        )
    ids = sorted({getattr(proposal, "pk", proposal) for proposal in proposals})
    decided, skipped = [], []
    now = timezone.now()
    with transaction.atomic():
        # The expo's row first: speakers are found by their address or made, one
        # decision at a time, so one person does not become two speakers.
        Expo.objects.select_for_update().get(pk=expo.pk)
        rows = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("call", "track", "exhibitor", "proposer")
            .filter(expo=expo, pk__in=ids)
            .order_by("pk")
        )
        for proposal in rows:
            if proposal.state != Proposal.State.SUBMITTED:
                skipped.append(proposal)
                continue
            proposal.state = Proposal.State.ACCEPTED if accept else Proposal.State.REJECTED
            proposal.decided_at = now
            if accept:
                proposal.session = _session_of(proposal)
            proposal.save(update_fields=["state", "decided_at", "session", "updated_at"])
            if proposal.proposer is not None and proposal.proposer.email:
                emails.queue_decision(proposal)
            decided.append(proposal)
    return Decision(decided, skipped)


def _session_of(proposal):
    """The accepted proposal as a session outside the plan (in the schedule's tray), in
    the proposal's language and with its speakers."""
    speakers = [_speaker_for(proposal, row) for row in proposal.speakers.all()]
    session = Session(
        expo_id=proposal.expo_id,
        title=proposal.title,
        abstract=proposal.abstract,
        kind=proposal.kind,
        language=proposal.language,
        track=proposal.track,
        minutes=proposal.length_minutes,
    )
    return programme.save_session(session, speakers=speakers)


def _speaker_for(proposal, row):
    """The expo's speaker with the row's address, else a new one from the row."""
    email = unicodedata.normalize("NFKC", row.email or "")
    if email:
        known = [
            speaker
            for speaker in Speaker.objects.filter(expo_id=proposal.expo_id, email__iexact=email)
            .order_by("pk")
            .only("pk", "email", "expo_id", "name")
            if _same_address(speaker.email, email)
        ]
        if known:
            return known[0]
    return Speaker.objects.create(
        expo_id=proposal.expo_id,
        name=row.name,
        email=row.email,
        biography=row.biography,
        organisation=proposal.exhibitor.name if proposal.exhibitor else "",
    )
