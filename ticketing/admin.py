from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expo.errors import DomainError

from . import services
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
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "expo", "kind", "price", "capacity", "day_capacity", "sale_ends"]
    list_filter = ["expo", "kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["halls"]
    autocomplete_fields = ["conference"]

    def save_model(self, request, obj, form, change):
        # Keeps the quota rows in step with the limits; the halls follow in save_related.
        services.save_ticket_type(obj)


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expo", "ticket_type", "day", "size", "used"]
    list_filter = ["expo", "ticket_type"]
    readonly_fields = ["used"]
    date_hierarchy = "day"


class TicketInline(admin.TabularInline):
    model = Ticket
    fields = ["holder_name", "holder_email", "ticket_type", "day", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expo", "email", "language", "created_at"]
    list_filter = ["expo", "language"]
    search_fields = ["email", "tickets__holder_name", "tickets__holder_email"]
    readonly_fields = ["expo", "email", "language", "created_at"]
    inlines = [TicketInline]

    def has_add_permission(self, request):
        return False


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
    tickets = queryset.filter(status=Ticket.Status.VALID).select_related("expo", "ticket_type")
    return sheets_response(tickets.order_by("pk").iterator(chunk_size=500))


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expo", "ticket_type", "day", "status", "created_at"]
    list_filter = ["expo", "status", "ticket_type", "day"]
    search_fields = ["holder_name", "holder_email", "organisation", "=id"]
    list_select_related = ["expo", "ticket_type"]
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


@admin.register(SessionBooking)
class SessionBookingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "session", "status", "created_at"]
    list_filter = ["status", "session__expo"]
    search_fields = ["session__title", "ticket__holder_name"]
    list_select_related = ["ticket", "session"]
    readonly_fields = ["ticket", "session", "status", "created_at", "changed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ScanPoint)
class ScanPointAdmin(admin.ModelAdmin):
    list_display = ["name", "expo", "kind", "hall", "session", "direction"]
    list_filter = ["expo", "kind", "direction"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["session"]


@admin.register(ScannerDevice)
class ScannerDeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "expo", "is_active", "created_at"]
    list_filter = ["expo", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["key", "created_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """The audit trail: read only."""

    list_display = ["scanned_at", "scan_point", "ticket", "direction", "result", "device", "user"]
    list_filter = ["expo", "result", "direction", "scan_point", "day"]
    search_fields = ["=ticket__id", "ticket__holder_name"]
    list_select_related = ["scan_point", "ticket", "device", "user"]
    date_hierarchy = "scanned_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
