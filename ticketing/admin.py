"""Tickets in the back office. Every admin stands on ``events.admin_base`` (organisers
see their own expos only) and writes through ``services``: ticket types, day limits and
scan points are saved by their services, tickets cancelled by ``cancel_ticket``."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import EXPO_FILTER, ExpoPartAdmin
from events.admin_base import (
    ScopedModelAdmin,
    ScopedRelatedFilter,
    ScopedTabularInline,
    in_scope,
)
from events.models import Expo, Session
from events.translations import TranslationsAdminMixin, translations_form
from expo.admin_paging import LargeListMixin
from expo.admin_search import IndexedSearchMixin
from expo.errors import DomainError

from . import services
from .exports import bookings_download
from .models import (
    CheckIn,
    Order,
    Quota,
    ScannerDevice,
    ScanPoint,
    SessionBooking,
    Ticket,
    TicketType,
)
from .views import sheets_response


@admin.register(TicketType)
class TicketTypeAdmin(TranslationsAdminMixin, ExpoPartAdmin):
    form = translations_form(TicketType)
    list_display = ["name", "expo", "kind", "price", "capacity", "day_capacity", "sale_ends"]
    list_filter = [EXPO_FILTER, "kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["halls"]
    autocomplete_fields = ["conference"]

    def save_model(self, request, obj, form, change):
        # Checks the rules and keeps the quota rows in step with the limits; a limit below
        # what is sold is refused on the form. save_related sets the same halls again.
        services.save_ticket_type(obj, halls=form.cleaned_data["halls"])


@admin.register(Quota)
class QuotaAdmin(ExpoPartAdmin):
    """Quotas of a ticket type follow its limits and are only shown here; the expo's own
    day limits ("at most 12,000 visitors on Saturday") are added and changed."""

    list_display = ["__str__", "expo", "ticket_type", "day", "size", "used"]
    list_filter = [EXPO_FILTER, "ticket_type"]
    fields = ["expo", "ticket_type", "day", "size", "used"]
    date_hierarchy = "day"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["ticket_type", "used"]
        return ["expo", "ticket_type", "day", "used"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        is_day_limit = obj is None or obj.ticket_type_id is None
        return is_day_limit and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        is_day_limit = obj is None or obj.ticket_type_id is None
        return is_day_limit and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_day_limit(obj)


class TicketInline(ScopedTabularInline):
    model = Ticket
    fields = ["holder_name", "holder_email", "ticket_type", "day", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


#: The expo filter of the big lists, which reads the user's expos, not the list.
EXPO_OF_LIST = ("expo", ScopedRelatedFilter)


@admin.register(Order)
class OrderAdmin(LargeListMixin, IndexedSearchMixin, ScopedModelAdmin):
    list_display = ["__str__", "expo", "email", "language", "created_at"]
    list_filter = [EXPO_OF_LIST, "language"]
    list_select_related = ["expo"]
    # The secret of an order's private link finds it, for a visitor who sends the link.
    search_fields = ["email", "=secret", "tickets__holder_name", "tickets__holder_email"]
    readonly_fields = ["expo", "email", "language", "created_at"]
    inlines = [TicketInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # Its tickets are cancelled instead, which gives their places back.


@admin.action(description=_("Cancel the selected tickets"))
def cancel_tickets(modeladmin, request, queryset):
    cancelled = 0
    for ticket in queryset.filter(status=Ticket.Status.VALID):
        try:
            services.cancel_ticket(ticket)
            cancelled += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{ticket}: {error.message}", messages.ERROR)
    modeladmin.message_user(
        request,
        ngettext("%(count)d ticket cancelled.", "%(count)d tickets cancelled.", cancelled)
        % {"count": cancelled},
    )


@admin.action(description=_("Print the badges of the selected tickets (A4, four a sheet)"))
def print_badges(modeladmin, request, queryset):
    tickets = queryset.filter(status=Ticket.Status.VALID).select_related(
        "expo", "ticket_type", "order"
    )
    return sheets_response(tickets.order_by("pk").iterator(chunk_size=500))


@admin.register(Ticket)
class TicketAdmin(LargeListMixin, IndexedSearchMixin, ScopedModelAdmin):
    list_display = ["__str__", "expo", "ticket_type", "day", "status", "created_at"]
    list_filter = [EXPO_OF_LIST, "status", ("ticket_type", ScopedRelatedFilter), "day"]
    search_fields = ["holder_name", "holder_email", "organisation", "=id"]
    list_select_related = ["expo", "ticket_type"]
    ordering = ["-created_at", "-id"]  # newest first, through ticket_created / ticket_list_expo
    readonly_fields = [
        "expo",
        "order",
        "ticket_type",
        "day",
        "status",
        "code",
        "created_at",
        "cancelled_at",
    ]
    fields = [
        "holder_name",
        "holder_email",
        "organisation",
        "share_contact_with_exhibitors",
        *readonly_fields,
    ]
    actions = [cancel_tickets, print_badges]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # Cancelled instead (the action above), which gives its places back.


class BookedSessionFilter(admin.RelatedOnlyFieldListFilter):
    """The sessions of the organiser's expos that have bookings, by title and start on
    the expo's clock, so that a workshop held twice shows twice. Each session is looked
    up in the bookings' session index, not the bookings read for their sessions."""

    def field_choices(self, field, request, model_admin):
        booked = SessionBooking.objects.filter(session=OuterRef("pk"))
        sessions = in_scope(Session.objects.all(), request.user, "expo")
        sessions = sessions.filter(Exists(booked)).select_related("expo")
        return [
            (session.pk, self._label(session)) for session in sessions.order_by("start", "title")
        ]

    @staticmethod
    def _label(session):
        if session.start is None:
            return _("%(title)s (not in the programme)") % {"title": session.title}
        return f"{session.title} ({session.start.astimezone(session.expo.tz):%Y-%m-%d %H:%M})"


def download_bookings(sheet_format, description):
    """An action that downloads the selected bookings (of one expo) in ``sheet_format``."""

    def download(modeladmin, request, queryset):
        expo_ids = list(queryset.order_by().values_list("session__expo", flat=True).distinct())
        if len(expo_ids) != 1:
            message = _("Choose the bookings of one expo at a time.")
            modeladmin.message_user(request, message, messages.ERROR)
            return None
        return bookings_download(Expo.objects.get(pk=expo_ids[0]), queryset, sheet_format)

    download.__name__ = f"download_bookings_{sheet_format}"
    return admin.action(description=description)(download)


@admin.register(SessionBooking)
class SessionBookingAdmin(LargeListMixin, IndexedSearchMixin, ScopedModelAdmin):
    list_display = ["ticket", "session", "status", "created_at"]
    list_filter = [
        "status",
        ("session__expo", ScopedRelatedFilter),
        ("session", BookedSessionFilter),
    ]
    actions = [
        download_bookings("xlsx", _("Download the selected bookings (Excel)")),
        download_bookings(
            "semicolon",
            _("Download the selected bookings (CSV with semicolons, for Nordic Excel)"),
        ),
        download_bookings("csv", _("Download the selected bookings (CSV with commas)")),
    ]
    search_fields = ["session__title", "ticket__holder_name"]
    list_select_related = ["ticket", "session"]
    # Newest first, by an index of the bookings: the model's order (by session, whose
    # own order is its start and room) sorts every booking of the season for a page.
    ordering = ["-created_at", "-id"]
    readonly_fields = ["ticket", "session", "status", "created_at", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # The holder cancels a booking, and the waiting list moves up.


@admin.register(ScanPoint)
class ScanPointAdmin(ExpoPartAdmin):
    list_display = ["name", "expo", "kind", "hall", "session", "direction", "scanner_page"]
    list_filter = [EXPO_FILTER, "kind", "direction"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["session"]
    list_select_related = ["expo", "hall", "session"]
    readonly_fields = ["scanner_page"]

    @admin.display(description=_("scanner page"))
    def scanner_page(self, scan_point):
        if scan_point.pk is None:
            return "–"
        url = reverse("ticketing:scanner", args=[scan_point.expo.slug, scan_point.slug])
        return format_html('<a href="{}">{}</a>', url, _("Open the scanner"))

    def save_model(self, request, obj, form, change):
        services.save_scan_point(obj)


@admin.register(ScannerDevice)
class ScannerDeviceAdmin(ExpoPartAdmin):
    list_display = ["name", "expo", "is_active", "created_at"]
    list_filter = [EXPO_FILTER, "is_active"]
    search_fields = ["name"]
    readonly_fields = ["key", "created_at"]


@admin.register(CheckIn)
class CheckInAdmin(LargeListMixin, IndexedSearchMixin, ScopedModelAdmin):
    """The audit trail: read only. Filtered by "server would have answered", it lists the
    visitors an offline scanner let in whom the server would have refused."""

    list_display = [
        "scanned_at",
        "scan_point",
        "ticket",
        "direction",
        "result",
        "offline",
        "conflict",
        "device",
        "user",
    ]
    list_filter = [
        EXPO_OF_LIST,
        "result",
        "conflict",
        "offline",
        "direction",
        ("scan_point", ScopedRelatedFilter),
        "day",
    ]
    search_fields = ["=ticket__id", "ticket__holder_name"]
    list_select_related = ["scan_point", "ticket", "device", "user"]
    date_hierarchy = "scanned_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
