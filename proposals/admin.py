"""The organisers' back office for the call for proposals: the call of each expo with its
reviewers and review criteria, and the proposals read only (they are reviewed, accepted
and rejected on the review's pages, ``/manage/<expo>/proposals/``). Both stand on
``events/admin_base.py``, so an organiser sees their expos' calls and proposals only."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.admin import EXPO_FILTER, ExpoPartAdmin, OnTheExposClockMixin
from events.admin_base import ScopedTabularInline
from events.models import Session
from events.translations import TranslationsAdminMixin, translations_form

from . import services
from .models import Call, Criterion, Proposal, ProposalSpeaker


class CallAdminForm(translations_form(Call)):
    kinds = forms.MultipleChoiceField(
        label=_("kinds of session accepted"),
        choices=Session.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Named by address, not picked from a list: an organiser sees no other accounts.
    reviewer_addresses = forms.CharField(
        label=_("reviewers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Their e-mail addresses, one a line. They score and comment on the proposals "
            "at /manage/<expo>/proposals/ and need no other rights; an address without an "
            "account gets one, and each new reviewer is e-mailed the address. The expo's "
            "organisers review too, and alone accept and reject."
        ),
    )

    class Meta:
        model = Call
        fields = (
            "expo",
            "opens_at",
            "closes_at",
            "introduction",
            "kinds",
            "tracks",
            "proposals_per_partner",
            "scores_hidden_until_reviewed",
        )
        widgets = {"tracks": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reviewer_addresses"].initial = "\n".join(
                self.instance.reviewers.order_by("email").values_list("email", flat=True)
            )

    def clean(self):
        cleaned_data = super().clean()
        expo = cleaned_data.get("expo") or getattr(self.instance, "expo", None)
        tracks = cleaned_data.get("tracks") or []
        if expo is not None and any(track.expo_id != expo.pk for track in tracks):
            self.add_error("tracks", _("Pick tracks of the call's expo only."))
        return cleaned_data


class CriterionInline(ScopedTabularInline):
    """What the reviewers score: a name in each language and a scale from 0."""

    model = Criterion
    form = translations_form(Criterion)
    fields = (
        "position",
        "name",
        "highest",
        *(f"name_{code}" for code, _language in settings.LANGUAGES),
    )
    extra = 0


@admin.register(Call)
class CallAdmin(OnTheExposClockMixin, TranslationsAdminMixin, ExpoPartAdmin):
    form = CallAdminForm
    inlines = (CriterionInline,)
    list_display = ("expo", "local_opens", "local_closes", "proposals_per_partner")
    list_filter = (EXPO_FILTER,)
    list_select_related = ("expo",)
    ordering = ("-closes_at",)

    @admin.display(description=_("opens (expo time)"), ordering="opens_at")
    def local_opens(self, call):
        return f"{call.opens_at.astimezone(call.expo.tz):%Y-%m-%d %H:%M}"

    @admin.display(description=_("closes (expo time)"), ordering="closes_at")
    def local_closes(self, call):
        return f"{call.closes_at.astimezone(call.expo.tz):%Y-%m-%d %H:%M}"

    def save_model(self, request, obj, form, change):
        services.save_call(obj, tracks=form.cleaned_data["tracks"])
        addresses = form.cleaned_data.get("reviewer_addresses", "").splitlines()
        services.set_reviewers(obj, addresses, language=get_language())

    def save_formset(self, request, form, formset, change):
        """Criteria are saved by the review's service, which guards their scales."""
        if formset.model is not Criterion:
            return super().save_formset(request, form, formset, change)
        for criterion in formset.save(commit=False):
            criterion.call = form.instance
            services.save_criterion(criterion)
        for criterion in formset.deleted_objects:
            criterion.delete()
        return None


class ProposalSpeakerInline(ScopedTabularInline):
    model = ProposalSpeaker
    fields = ("name", "email", "biography")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ExpoPartAdmin):
    """Read only: organisers see what was proposed, and by whom; the review's pages
    score, accept and reject."""

    list_display = (
        "title",
        "kind",
        "state",
        "exhibitor",
        "language",
        "track",
        "length_minutes",
        "submitted_at",
    )
    list_filter = (
        EXPO_FILTER,
        "state",
        "kind",
        ("track", admin.RelatedOnlyFieldListFilter),
        ("exhibitor", admin.RelatedOnlyFieldListFilter),
        "language",
    )
    search_fields = ("title", "abstract", "speakers__name", "exhibitor__name")
    search_help_text = _("Search by title, abstract, speaker or exhibitor.")
    list_select_related = ("expo", "exhibitor", "track")
    inlines = [ProposalSpeakerInline]
    fields = (
        "expo",
        "exhibitor",
        "proposer",
        "state",
        "title",
        "abstract",
        "kind",
        "length_minutes",
        "language",
        "track",
        "audience",
        "accessibility_needs",
        "preferred_days",
        "submitted_at",
        "updated_at",
        "decided_at",
        "session",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
