"""The call for proposals: an expo's call (when it is open, what it accepts), the
proposals partners and others send to it, and their speakers.

The app stands above ``exhibitors`` (``events`` ← ``ticketing`` ← ``exhibitors`` ←
``proposals``), so a proposal names the exhibitor it is made for with an ordinary
nullable foreign key and ``events`` never learns of proposals. The review adds the
call's reviewers and criteria, a review per proposal and reviewer with a score per
criterion, and links an accepted proposal to the session it became.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from events import translations
from events.models import (
    Expo,
    Session,
    Track,
    translations_field,
    validate_day_list,
    validate_single_line,
)
from exhibitors.models import Exhibitor
from expo.validation import validate_day

SHORTEST_MINUTES = 5
LONGEST_MINUTES = 8 * 60
MOST_SPEAKERS = 5
ABSTRACT_MAX_LENGTH = 5000
TEXT_MAX_LENGTH = 2000
BIOGRAPHY_MAX_LENGTH = 2000
# The widest scale of a review criterion (0 to this).
MOST_POINTS = 100


def all_kinds():
    return list(Session.Kind.values)


def validate_kinds(value):
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Accept at least one kind of session."))
    unknown = [str(kind) for kind in value if kind not in Session.Kind.values]
    if unknown:
        raise ValidationError(
            _("Unknown kind: %(kinds)s. Choose from %(known)s."),
            params={"kinds": ", ".join(unknown), "known": ", ".join(Session.Kind.values)},
        )


# The preferred days are checked as the events' lists of days are; migration 0001 names
# the validator by this name.
validate_days = validate_day_list


class Call(models.Model):
    """An expo's call for proposals: one per expo."""

    expo = models.OneToOneField(Expo, on_delete=models.CASCADE, related_name="call")
    opens_at = models.DateTimeField(
        _("opens"), validators=[validate_day], help_text=_("On the expo's clock.")
    )
    closes_at = models.DateTimeField(
        _("closes (deadline)"), validators=[validate_day], help_text=_("On the expo's clock.")
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        help_text=_("What the expo looks for, shown above the form."),
    )
    introduction_translations = translations_field(_("introduction in other languages"))
    kinds = models.JSONField(
        _("kinds of session accepted"),
        default=all_kinds,
        validators=[validate_kinds],
        help_text=_('A list such as ["talk", "workshop"].'),
    )
    tracks = models.ManyToManyField(
        Track,
        blank=True,
        related_name="calls",
        verbose_name=_("tracks offered"),
        help_text=_("Proposers may pick one of these; none for no choice of track."),
    )
    proposals_per_partner = models.PositiveSmallIntegerField(
        _("proposals per exhibitor or person"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "The most proposals one exhibitor, or one person proposing for themselves, "
            "may have submitted at once."
        ),
    )
    # The review: who scores the proposals besides the expo's organisers, and whether
    # they see each other's scores before giving their own.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_calls",
        verbose_name=_("reviewers"),
    )
    scores_hidden_until_reviewed = models.BooleanField(
        _("reviewers see others' scores only after their own"),
        default=True,
        help_text=_(
            "A reviewer sees the other reviews of a proposal once they have reviewed it "
            "themselves, so that the first scores do not sway the next."
        ),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(proposals_per_partner__gte=1), name="call_partner_limit_positive"
            ),
        ]

    def __str__(self):
        return str(_("Call for proposals of %(expo)s") % {"expo": self.expo.name})

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The call must close after it opens.")})

    def is_open(self, now):
        return self.opens_at <= now < self.closes_at


# Its introduction is written in each of the expo's languages.
translations.FIELDS["call"] = ("introduction",)


class Proposal(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # Set by the review (``proposals/review.py``).
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Not accepted")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="proposals")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="proposals")
    # The partner it is made for; empty for a proposal of anyone else.
    exhibitor = models.ForeignKey(
        Exhibitor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("exhibitor"),
    )
    # Who sent it. A partner's proposal stays with the partner when its author leaves.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("proposer"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    title = models.CharField(_("title"), max_length=250, validators=[validate_single_line])
    abstract = models.TextField(
        _("abstract"),
        max_length=ABSTRACT_MAX_LENGTH,
        validators=[MaxLengthValidator(ABSTRACT_MAX_LENGTH)],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Session.Kind.choices)
    length_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        validators=[MinValueValidator(SHORTEST_MINUTES), MaxValueValidator(LONGEST_MINUTES)],
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("track"),
    )
    audience = models.TextField(
        _("audience"), max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
    )
    preferred_days = models.JSONField(
        _("preferred days"), default=list, blank=True, validators=[validate_day_list]
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The unscheduled session an accepted proposal became; kept apart from the proposal
    # once made, so the programme may change it freely.
    session = models.OneToOneField(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("session"),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["call", "exhibitor", "state"], name="proposal_partner_count"),
            models.Index(fields=["proposer", "expo"], name="proposal_by_proposer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_minutes__gte=SHORTEST_MINUTES)
                & Q(length_minutes__lte=LONGEST_MINUTES),
                name="proposal_length_sane",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable_state(self):
        """Proposals change only until the review has decided on them."""
        return self.state == self.State.SUBMITTED

    @property
    def preferred_dates(self):
        return [dt.date.fromisoformat(day) for day in self.preferred_days]


class ProposalSpeaker(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="speakers")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    biography = models.TextField(
        _("biography"),
        blank=True,
        max_length=BIOGRAPHY_MAX_LENGTH,
        validators=[MaxLengthValidator(BIOGRAPHY_MAX_LENGTH)],
    )

    objects = ScopedManager(expo="proposal__expo")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("speaker of a proposal")
        verbose_name_plural = _("speakers of the proposal")

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """What the reviewers of a call score, from 0 to ``highest``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    name_translations = translations_field(_("name in other languages"), single_line=True)
    highest = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_POINTS)],
        help_text=_("Scores go from 0 to this."),
    )

    objects = ScopedManager(expo="call__expo")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(highest__gte=1) & Q(highest__lte=MOST_POINTS),
                name="criterion_scale_sane",
            )
        ]

    def __str__(self):
        return self.name


translations.FIELDS["criterion"] = ("name",)


class Review(models.Model):
    """One reviewer's scores of one proposal, and their comment."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    # A reviewer's account may go; their scores stay with the proposal, unsigned.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposal_reviews",
        verbose_name=_("reviewer"),
    )
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ScopedManager(expo="proposal__expo")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self):
        return str(_("Review of %(title)s") % {"title": self.proposal.title})


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))

    objects = ScopedManager(expo="review__proposal__expo")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
