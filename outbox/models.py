from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class Mail(models.Model):
    """One e-mail to send: which composer renders it and from which ids.

    The text is rendered when it is sent, in the worker, so a row holds no message and no
    address, only what the composer needs to find them (``arguments``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    expo = models.ForeignKey(
        "events.Expo",
        verbose_name=_("expo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    composer = models.CharField(_("kind"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sending_since = models.DateTimeField(
        _("sending since"),
        null=True,
        blank=True,
        help_text=_("When the attempt under way began; an attempt that never ends was cut off."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def kind(self):
        """The composer's name for a person ("order confirmation")."""
        try:
            return str(import_string(self.composer).mail_kind)
        except (ImportError, AttributeError):
            return self.composer
