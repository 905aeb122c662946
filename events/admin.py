"""The organisers' back office for the programme.

Thin on purpose: the programme's rules live in ``services``. The session form checks a
session with the same functions the API uses and the admin saves it with
``services.save_session``. Every admin here stands on ``admin_base``: staff who are not
superusers see only the expos they organise, and what belongs to them.
"""

import contextlib

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from expo.errors import Conflict, InvalidInput

from . import services, signals
from .admin_base import ScopedModelAdmin, ScopedTabularInline
from .models import Conference, Expo, Hall, OpeningDay, Room, Session, Speaker, Track, Venue
from .selectors import fellow_organisers, organised_expos
from .signals import Link
from .translations import TranslationsAdminMixin, translations_form


def organiser_links(obj, *, detail=True):
    """The pages and exports an organiser runs for an expo or a session: the programme's
    own, and those the other apps answer ``signals.organiser_links`` with."""
    links = list(_programme_links(obj))
    answers = signals.organiser_links.send(sender=type(obj), obj=obj, detail=detail)
    for _receiver, answer in answers:
        links.extend(answer or ())
    return links


def _programme_links(obj):
    if isinstance(obj, Expo):
        slug = obj.slug
        yield Link(_("Home page"), reverse("events:expo", args=[slug]), short=_("Home page"))
        yield Link(_("Programme"), reverse("events:programme", args=[slug]))
        yield Link(_("Releases of the schedule"), reverse("events:releases", args=[slug]))
        ics = reverse("events:schedule-ics", args=[slug])
        yield Link(_("Programme for calendars (schedule.ics)"), ics)
        json = reverse("events:schedule-json", args=[slug])
        yield Link(_("Programme as data (schedule.json)"), json)
        sessions = reverse("admin:events_session_changelist")
        yield Link(_("Sessions and their attendee lists"), f"{sessions}?expo__id__exact={obj.pk}")
    elif isinstance(obj, Session):
        slug = obj.expo.slug
        yield Link(_("Public page"), reverse("events:session", args=[slug, obj.pk]))
        ics = reverse("events:schedule-ics", args=[slug])
        yield Link(_("For calendars (.ics)"), f"{ics}?session={obj.pk}")


def links_list(links):
    """Links as a list for an object's admin page."""
    items = format_html_join(
        "", '<li><a href="{}">{}</a></li>', ((link.url, link.label) for link in links)
    )
    return format_html("<ul>{}</ul>", items)


def links_column(links):
    """The links that have a short label, side by side for a list's column."""
    shown = [(link.url, link.short) for link in links if link.short]
    return format_html_join(" · ", '<a href="{}">{}</a>', shown) if shown else "–"


class OrganiserLinksMixin:
    """Puts an object's pages and exports (``organiser_links``) on its admin page and, as
    the column ``pages``, in its list."""

    links_fieldset = (_("Pages and exports"), {"fields": ("organiser_pages",)})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, self.links_fieldset] if obj is not None else fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "organiser_pages") if obj is not None else readonly

    @admin.display(description=_("pages and exports"))
    def organiser_pages(self, obj):
        return links_list(organiser_links(obj))

    @admin.display(description=_("pages"))
    def pages(self, obj):
        return links_column(organiser_links(obj, detail=False))


class ExpoPartAdmin(ScopedModelAdmin):
    """An admin for a part of an expo. The expo is chosen on adding and is fixed after."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "expo") if obj is not None else readonly


class OnTheExposClockMixin:
    """An admin whose form shows and reads times on the expo's clock, as its visitors see
    them, whatever the server's zone. The page is rendered inside the expo's zone because
    widgets convert their values when they are rendered."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        expo = self._expo_of_form(request, object_id)
        with timezone.override(expo.tz) if expo else contextlib.nullcontext():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def _expo_of_form(self, request, object_id):
        """The object's expo, or on adding the one picked (or given in the address)."""
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            return obj.expo if obj is not None else None
        expo_id = request.POST.get("expo") or request.GET.get("expo") or ""
        if not (expo_id.isascii() and expo_id.isdigit()):
            return None
        return organised_expos(request.user).filter(pk=expo_id).first()


EXPO_FILTER = ("expo", admin.RelatedOnlyFieldListFilter)


class HallInline(ScopedTabularInline):
    model = Hall
    fields = ("name", "slug", "capacity", "venue")
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True
    extra = 0


class TrackInline(ScopedTabularInline):
    model = Track
    fields = ("name", "slug", "colour", "description")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


class OpeningDayInline(ScopedTabularInline):
    model = OpeningDay
    fields = ("date", "is_closed", "opens_at", "closes_at", "note")
    extra = 0


@admin.register(Expo)
class ExpoAdmin(OrganiserLinksMixin, TranslationsAdminMixin, ScopedModelAdmin):
    form = translations_form(Expo)
    list_display = ("name", "slug", "start_date", "end_date", "time_zone", "pages")
    search_fields = ("name", "slug")
    list_filter = ("time_zone",)
    ordering = ("-start_date", "name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("organisers",)
    inlines = (HallInline, TrackInline, OpeningDayInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "organisers")}),
        (
            _("Days and hours"),
            {"fields": ("start_date", "end_date", "time_zone", "opens_at", "closes_at")},
        ),
        (_("Languages"), {"fields": ("languages",)}),
        (
            _("Privacy"),
            {"fields": ("organiser_name", "privacy_contact", "keeps_visitor_data_months")},
        ),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers" and not request.user.is_superuser:
            kwargs["queryset"] = fellow_organisers(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not request.user.is_superuser:
            # Whoever adds an expo organises it; else it would vanish from their list.
            form.instance.organisers.add(request.user)


@admin.register(Venue)
class VenueAdmin(ExpoPartAdmin):
    list_display = ("name", "expo")
    list_filter = (EXPO_FILTER,)
    search_fields = ("name", "address")
    ordering = ("expo", "name")
    list_select_related = ("expo",)


class RoomFormSet(forms.BaseInlineFormSet):
    """Rooms added in a hall belong to the hall's expo, where their short name is unique.

    The expo is not a field of the inline form, so Django cannot check that uniqueness.
    """

    def clean(self):
        super().clean()
        expo_id = self.instance.expo_id
        if expo_id is None:
            return
        slugs = set()
        for form in self.forms:
            if form.errors or not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            room = form.instance
            room.expo_id = expo_id
            taken = Room.objects.filter(expo_id=expo_id, slug=room.slug).exclude(pk=room.pk)
            if room.slug in slugs or taken.exists():
                form.add_error("slug", _("The expo has another room with this short name."))
            slugs.add(room.slug)


class RoomInline(ScopedTabularInline):
    model = Room
    formset = RoomFormSet
    fields = ("name", "slug", "capacity")
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


@admin.register(Hall)
class HallAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Hall)
    list_display = ("name", "slug", "expo", "venue", "capacity")
    list_filter = (EXPO_FILTER,)
    search_fields = ("name", "slug")
    ordering = ("expo", "name")
    list_select_related = ("expo", "venue")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("expo", "name", "slug", "venue", "capacity")
    inlines = (RoomInline,)


@admin.register(Room)
class RoomAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Room)
    list_display = ("name", "slug", "hall", "expo", "capacity")
    list_filter = (EXPO_FILTER, ("hall", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "slug", "hall__name")
    ordering = ("expo", "hall__name", "name")
    list_select_related = ("expo", "hall")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("expo", "hall", "name", "slug", "capacity")


@admin.register(Track)
class TrackAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Track)
    list_display = ("name", "slug", "expo", "colour")
    list_filter = (EXPO_FILTER,)
    search_fields = ("name", "slug")
    ordering = ("expo", "name")
    list_select_related = ("expo",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Conference)
class ConferenceAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Conference)
    list_display = ("name", "expo", "start_date", "end_date", "capacity")
    list_filter = (EXPO_FILTER,)
    search_fields = ("name", "slug")
    ordering = ("expo", "start_date", "name")
    list_select_related = ("expo",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Speaker)
class SpeakerAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(Speaker)
    list_display = ("name", "organisation", "email", "expo")
    list_filter = (EXPO_FILTER,)
    search_fields = ("name", "organisation", "email")
    ordering = ("expo", "name")
    list_select_related = ("expo",)


@admin.register(OpeningDay)
class OpeningDayAdmin(ExpoPartAdmin):
    list_display = ("date", "expo", "is_closed", "opens_at", "closes_at", "note")
    list_filter = (EXPO_FILTER, "is_closed")
    search_fields = ("note",)
    ordering = ("expo", "date")
    list_select_related = ("expo",)


# The names the programme's rules give the planned slot, and the form's fields for it.
FORM_FIELD_OF = {shown: field for field, shown in services.SHOWN_AS.items()}


class SessionAdminForm(translations_form(Session)):
    """Checks a session against the programme's rules and shows a refusal as form errors."""

    class Meta:
        model = Session
        fields = (
            "expo",
            "title",
            "kind",
            "language",
            "abstract",
            "planned_room",
            "planned_start",
            "planned_end",
            "minutes",
            "capacity",
            "expected_audience",
            "track",
            "conference",
            "speakers",
        )
        help_texts = {
            "planned_room": _("Empty to keep the session unscheduled, in the board's tray."),
            "planned_start": _("On the expo's clock."),
            "planned_end": _("On the expo's clock."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A planned session's length is its planned times'; only the tray's needs giving.
        self.fields["minutes"].required = False

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        return self.instance.minutes if minutes is None else minutes

    def clean(self):
        cleaned_data = super().clean()
        if any(
            self.has_error(name)
            for name in ("expo", "planned_room", "planned_start", "planned_end")
        ):
            return cleaned_data  # The rules need these; their own errors come first.
        session = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        speakers = list(cleaned_data.get("speakers") or [])
        try:
            services.check_session_fields(session, speakers)
        except InvalidInput as invalid:
            for shown, messages in invalid.errors.items():
                field = FORM_FIELD_OF.get(shown, shown)
                if field not in self.fields:
                    self.add_error(None, messages)
                elif not self.has_error(field):  # Not the same complaint twice.
                    self.add_error(field, messages)
            return cleaned_data
        for check in (
            lambda: services.check_room_free(session),
            lambda: services.check_speakers_free(session, speakers),
        ):
            try:
                check()
            except Conflict as conflict:
                self.add_error(None, ValidationError(conflict.message, code=conflict.code))
        return cleaned_data


@admin.register(Session)
class SessionAdmin(
    OrganiserLinksMixin, OnTheExposClockMixin, TranslationsAdminMixin, ExpoPartAdmin
):
    form = SessionAdminForm
    list_display = (
        "title",
        "kind",
        "planned_room",
        "hall",
        "local_start",
        "local_end",
        "released",
        "track",
        "conference",
        "pages",
    )
    list_filter = (
        EXPO_FILTER,
        "kind",
        ("track", admin.RelatedOnlyFieldListFilter),
        ("conference", admin.RelatedOnlyFieldListFilter),
        "language",
        ("planned_room__hall", admin.RelatedOnlyFieldListFilter),
        "cancelled",
    )
    search_fields = ("title", "abstract", "speakers__name")
    search_help_text = _("Search by title, abstract or speaker.")
    date_hierarchy = "planned_start"
    ordering = ("planned_start", "planned_room__name")
    list_select_related = ("expo", "planned_room__hall", "room", "track", "conference")
    autocomplete_fields = ("planned_room", "track", "conference", "speakers")
    readonly_fields = ("released_slot",)
    fieldsets = (
        (None, {"fields": ("expo", "title", "kind", "language", "abstract")}),
        (
            _("Time and place in the plan"),
            {
                "fields": (
                    "planned_room",
                    "planned_start",
                    "planned_end",
                    "minutes",
                    "capacity",
                    "expected_audience",
                    "released_slot",
                ),
                "description": _(
                    "Changes here are planned: visitors see them once the schedule is released."
                ),
            },
        ),
        (_("Programme"), {"fields": ("track", "conference", "speakers")}),
    )

    @admin.display(description=_("hall"), ordering="planned_room__hall__name")
    def hall(self, session):
        return session.planned_room.hall if session.planned_room else None

    @admin.display(description=_("released"), boolean=True, ordering="start")
    def released(self, session):
        return session.start is not None

    @admin.display(description=_("in the released schedule"))
    def released_slot(self, session):
        if session.start is None:
            return _("Not released")
        tz = session.expo.tz
        return f"{session.room}, {session.start.astimezone(tz):%Y-%m-%d %H:%M}–" + (
            f"{session.end.astimezone(tz):%H:%M}"
        )

    @admin.display(description=_("starts (expo time)"), ordering="planned_start")
    def local_start(self, session):
        if session.planned_start is None:
            return _("Cancelled") if session.cancelled else _("Unscheduled")
        return f"{session.planned_start.astimezone(session.expo.tz):%Y-%m-%d %H:%M}"

    @admin.display(description=_("ends"), ordering="planned_end")
    def local_end(self, session):
        if session.planned_start is None:
            return "–"
        tz = session.expo.tz
        start, end = session.planned_start.astimezone(tz), session.planned_end.astimezone(tz)
        return f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"

    def save_model(self, request, obj, form, change):
        # The form has run the checks; the service runs them again under lock and saves
        # the speakers. save_related() then sets the same speakers again, which is a no-op.
        services.save_session(obj, speakers=form.cleaned_data["speakers"])

    def delete_model(self, request, obj):
        services.delete_session(obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            services.delete_session(session)
