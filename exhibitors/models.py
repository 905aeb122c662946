"""Exhibitors: the expo's partners, their booths on the halls' floor plans, their staff
and the leads those staff scan."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from events import translations
from events.models import Expo, Hall, Track, translations_field
from ticketing.models import Ticket


class Exhibitor(models.Model):
    class Tier(models.TextChoices):
        MAIN_PARTNER = "main_partner", _("Main partner")
        PARTNER = "partner", _("Partner")
        EXHIBITOR = "exhibitor", _("Exhibitor")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="exhibitors")
    name = models.CharField(_("name"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    name_translations = translations_field(_("name in other languages"))
    tagline_translations = translations_field(_("tagline in other languages"))
    description_translations = translations_field(_("description in other languages"))
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    themes = models.ManyToManyField(
        Track, blank=True, related_name="exhibitors", verbose_name=_("themes")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.EXHIBITOR)
    days = models.JSONField(
        _("days"),
        default=list,
        blank=True,
        help_text=_("The days they exhibit, YYYY-MM-DD; empty for every day of the expo."),
    )
    staff_badge_limit = models.PositiveSmallIntegerField(
        _("staff badges"),
        default=10,
        help_text=_("The most staff badges its staff may hold at once; set by the organisers."),
    )
    sessions = models.ManyToManyField(
        "events.Session",
        blank=True,
        related_name="exhibitors",
        verbose_name=_("sessions they take part in"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Member",
        related_name="exhibitors",
        verbose_name=_("staff"),
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["name"]
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        constraints = [
            models.UniqueConstraint(fields=["expo", "name"], name="exhibitor_name_unique_in_expo")
        ]

    def __str__(self):
        return self.name


# Its name, tagline and description are written in each of the expo's languages.
translations.FIELDS["exhibitor"] = ("name", "tagline", "description")


class Member(models.Model):
    """A staff member of an exhibitor: a user account, and the exhibitor ticket of their
    staff badge."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="members")
    # An account on a stand is not deleted around ``remove_member``, which cancels its
    # badge: take it off the staff, or erase the person (``erase_person``), first.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exhibitor_memberships"
    )
    ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="exhibitor_member"
    )

    objects = ScopedManager(expo="exhibitor__expo")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "user"], name="one_membership_each")
        ]

    def __str__(self):
        return f"{self.user} @ {self.exhibitor}"


SMALLEST_SIDE = Decimal("0.5")  # metres


class Booth(models.Model):
    """A rectangle on a hall's floor plan, in metres from the plan's top left corner."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="booths")
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="booths")
    code = models.CharField(_("code"), max_length=20)
    x = models.DecimalField(_("x (m)"), max_digits=7, decimal_places=2)
    y = models.DecimalField(_("y (m)"), max_digits=7, decimal_places=2)
    width = models.DecimalField(
        _("width (m)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    depth = models.DecimalField(
        _("depth (m)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    objects = ScopedManager(expo="expo")

    class Meta:
        ordering = ["hall__name", "code"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="booth_code_unique_in_hall"),
            models.CheckConstraint(
                condition=Q(x__gte=0, y__gte=0, width__gt=0, depth__gt=0),
                name="booth_geometry_positive",
            ),
        ]

    def __str__(self):
        return f"{self.hall.name} {self.code}"


class BoothDay(models.Model):
    """One day of a booth given to an exhibitor. A booth belongs to one exhibitor on a
    given day; the database refuses a second."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="booth_days")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="booth_days")
    day = models.DateField(_("day"))

    objects = ScopedManager(expo="booth__expo")

    class Meta:
        ordering = ["day"]
        verbose_name = _("booth day")
        verbose_name_plural = _("booth days")
        constraints = [models.UniqueConstraint(fields=["booth", "day"], name="one_exhibitor_a_day")]
        indexes = [models.Index(fields=["exhibitor", "day"], name="boothday_exhibitor_day")]

    def __str__(self):
        return f"{self.booth} {self.day}: {self.exhibitor}"


class Lead(models.Model):
    """A visitor whose badge an exhibitor's staff scanned: once per exhibitor and ticket.
    Who the visitor is shows only while they consent
    (``Ticket.share_contact_with_exhibitors``)."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="leads")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="leads")
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    objects = ScopedManager(expo="exhibitor__expo")

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "ticket"], name="one_lead_per_ticket"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="lead_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.exhibitor}: #{self.ticket_id}"

    class Contact(models.TextChoices):
        SHARED = "shared", _("Shared")
        NOT_SHARED = "not_shared", _("Did not share")
        ERASED = "erased", _("Erased")

    @property
    def consented(self):
        return self.ticket.share_contact_with_exhibitors and self.ticket.is_valid

    @property
    def contact(self):
        """Whether the visitor's contact details show: an erased visitor is told apart
        from one who did not share them."""
        if self.ticket.is_erased:
            return self.Contact.ERASED
        return self.Contact.SHARED if self.consented else self.Contact.NOT_SHARED
