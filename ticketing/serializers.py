import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from events.models import Conference, Hall, Session
from events.serializers import ExpoSlugField, UniqueSlugInExpoMixin
from events.translations import translated
from expo.validation import DayField, MomentField

from . import admission, emails, services
from .models import CheckIn, ScanPoint, SessionBooking, Ticket, TicketType


class TicketTypeSerializer(UniqueSlugInExpoMixin, serializers.ModelSerializer):
    valid_days = serializers.ListField(
        child=DayField(),
        required=False,
        help_text="Days it is valid on; empty means every open day (a season ticket).",
    )
    sale_starts = MomentField(required=False, allow_null=True)
    sale_ends = MomentField(required=False, allow_null=True)
    halls = ExpoSlugField(
        queryset=Hall.objects, many=True, required=False, help_text="Empty admits all."
    )
    conference = ExpoSlugField(queryset=Conference.objects, required=False, allow_null=True)

    class Meta:
        model = TicketType
        fields = [
            "slug",
            "name",
            "description",
            "name_translations",
            "description_translations",
            "kind",
            "price",
            "valid_days",
            "halls",
            "conference",
            "capacity",
            "day_capacity",
            "sale_starts",
            "sale_ends",
            "max_per_order",
        ]

    def validate_valid_days(self, days):
        # Whether they are open days of the expo is the model's rule (TicketType.clean),
        # checked by the service for every way a ticket type is saved.
        return [day.isoformat() for day in days]

    def create(self, validated_data):
        halls = validated_data.pop("halls", [])
        validated_data.setdefault("expo", self.context["expo"])
        ticket_type = TicketType(**validated_data)
        return services.save_ticket_type(ticket_type, halls=halls)

    def update(self, ticket_type, validated_data):
        halls = validated_data.pop("halls", None)
        for name, value in validated_data.items():
            setattr(ticket_type, name, value)
        return services.save_ticket_type(ticket_type, halls=halls)


class ValidDaysMixin:
    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_valid_days(self, ticket):
        open_days = self.context.get("open_days")
        if open_days is None:
            open_days = self.context["open_days"] = admission.open_days(ticket.expo)
        return [day.isoformat() for day in admission.ticket_days(ticket, open_days)]


class TicketSerializer(ValidDaysMixin, serializers.ModelSerializer):
    ticket_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    valid_days = serializers.SerializerMethodField()
    expo = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "expo",
            "ticket_type",
            "day",
            "valid_days",
            "holder_name",
            "holder_email",
            "organisation",
            "share_contact_with_exhibitors",
            "status",
            "code",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class TicketFilterSerializer(serializers.Serializer):
    ticket_type = ExpoSlugField(queryset=TicketType.objects, required=False)
    day = DayField(required=False)
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)


class CheckInSerializer(serializers.ModelSerializer):
    """One scan in the organisers' list of check-ins."""

    scan_point = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    device = serializers.CharField(
        source="device.name", allow_null=True, help_text="The scanner device's name."
    )
    scanned_by = serializers.CharField(
        source="user.username",
        allow_null=True,
        help_text="The account that scanned without a scanner device.",
    )
    conflict = serializers.SerializerMethodField(
        help_text="For a visitor let in offline: what the server would have answered instead."
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "ticket",
            "scan_point",
            "direction",
            "result",
            "day",
            "scanned_at",
            "device",
            "scanned_by",
            "offline",
            "conflict",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=CheckIn.Result.choices, allow_null=True))
    def get_conflict(self, check_in):
        return check_in.conflict or None


class QueryBooleanField(serializers.BooleanField):
    """A yes/no filter in a query string: left out, it filters nothing (DRF takes a
    boolean missing from form data as ``false``)."""

    default_empty_html = empty


class CheckInFilterSerializer(serializers.Serializer):
    """The query parameters of the organisers' list of check-ins."""

    scan_point = ExpoSlugField(queryset=ScanPoint.objects, required=False)
    day = DayField(required=False, help_text="YYYY-MM-DD in the expo's time zone.")
    result = serializers.ChoiceField(choices=CheckIn.Result.choices, required=False)
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    since = MomentField(required=False, help_text="Scanned at or after this moment.")
    until = MomentField(required=False, help_text="Scanned before this moment.")
    offline = QueryBooleanField(required=False, help_text="Made offline and sent later.")
    conflict = QueryBooleanField(
        required=False, help_text="The server would have answered otherwise (offline scans)."
    )

    def validate(self, data):
        if "since" in data and "until" in data and data["until"] <= data["since"]:
            raise serializers.ValidationError({"until": [_("This must be after “since”.")]})
        return data


class BadgeFilterSerializer(serializers.Serializer):
    ticket_type = ExpoSlugField(queryset=TicketType.objects, required=False)
    day = DayField(required=False)
    layout = serializers.ChoiceField(choices=["a6", "a4x4"], default="a4x4")


class AttendeeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    share_contact_with_exhibitors = serializers.BooleanField(required=False, default=False)


class RegistrationSerializer(serializers.Serializer):
    ticket_type = ExpoSlugField(queryset=TicketType.objects)
    day = DayField(required=False, allow_null=True)
    attendees = AttendeeSerializer(many=True, allow_empty=False)
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language of the confirmation e-mail; the request's language if omitted.",
    )

    def create(self, validated_data):
        """Register; with an ``idempotency_key`` in the context, once per key."""
        arguments = {
            "expo": self.context["expo"],
            "ticket_type": validated_data["ticket_type"],
            "attendees": [
                services.Attendee(**attendee) for attendee in validated_data["attendees"]
            ],
            "day": validated_data.get("day"),
            "language": validated_data.get("language") or self.context["language"],
        }
        key = self.context.get("idempotency_key")
        if key is None:
            return services.register(**arguments)
        return services.register_once(key, services.request_hash(self.initial_data), **arguments)


class RegisteredTicketSerializer(ValidDaysMixin, serializers.ModelSerializer):
    valid_days = serializers.SerializerMethodField()
    badge_url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "code", "badge_url", "holder_name", "valid_days"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_badge_url(self, ticket):
        return emails.badge_url(ticket, self.context.get("request"))


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    secret = serializers.CharField(
        help_text="Proves the holder: send it as the X-Order-Secret header. Keep it private."
    )
    tickets = serializers.SerializerMethodField()
    manage_url = serializers.SerializerMethodField()

    @extend_schema_field(RegisteredTicketSerializer(many=True))
    def get_tickets(self, order):
        tickets = self.context.get("tickets", order.tickets.order_by("pk"))
        return RegisteredTicketSerializer(tickets, many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_manage_url(self, order):
        return emails.manage_url(order, self.context.get("request"))


class BookingRequestSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The id of the ticket to book with; optional when the order has one ticket.",
    )


class BookingSerializer(serializers.ModelSerializer):
    position = serializers.SerializerMethodField()
    session = serializers.PrimaryKeyRelatedField(read_only=True)
    ticket = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SessionBooking
        fields = ["id", "session", "ticket", "status", "position"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_position(self, booking):
        return services.waitlist_position(booking)


class PublicKeySerializer(serializers.Serializer):
    key_id = serializers.IntegerField()
    algorithm = serializers.CharField()
    public_key = serializers.CharField()
    active = serializers.BooleanField()
    retired = serializers.BooleanField()


class ExpoSessionField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Session.objects.filter(expo=self.context["expo"])


class ScanPointSerializer(UniqueSlugInExpoMixin, serializers.ModelSerializer):
    hall = ExpoSlugField(queryset=Hall.objects, required=False, allow_null=True)
    session = ExpoSessionField(required=False, allow_null=True)

    class Meta:
        model = ScanPoint
        fields = ["slug", "name", "kind", "hall", "session", "direction"]

    def create(self, validated_data):
        # Its rules are the model's (ScanPoint.clean), checked by the service.
        return services.save_scan_point(ScanPoint(**validated_data))

    def update(self, scan_point, validated_data):
        for name, value in validated_data.items():
            setattr(scan_point, name, value)
        return services.save_scan_point(scan_point)


#: What an offline device may have shown at the gate: it cannot tell fullness, and lets
#: every genuine badge out.
OFFLINE_ENTRY_RESULTS = [
    CheckIn.Result.ENTERED,
    CheckIn.Result.ALREADY_INSIDE,
    CheckIn.Result.NOT_VALID_TODAY,
    CheckIn.Result.NOT_VALID_HERE,
    CheckIn.Result.CANCELLED,
    CheckIn.Result.INVALID_CODE,
]
OFFLINE_EXIT_RESULTS = [CheckIn.Result.EXITED, CheckIn.Result.INVALID_CODE]
OFFLINE_RESULTS = [*OFFLINE_ENTRY_RESULTS, CheckIn.Result.EXITED]
OFFLINE_CLOCK_SKEW = dt.timedelta(minutes=5)
OFFLINE_MAX_AGE = dt.timedelta(days=30)
OFFLINE_BATCH_SIZE = 500


class CheckInRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=500, trim_whitespace=True)
    scan_point = serializers.SlugField()
    direction = serializers.ChoiceField(choices=["in", "out"], default="in")
    expo = serializers.SlugField(
        required=False,
        help_text="The expo of the scan point; needed only when an organiser's scan point "
        "short name is used in several of their expos.",
    )
    nonce = serializers.CharField(
        max_length=100,
        required=False,
        help_text="A new value for each scan (a UUID), sent again when the scan is retried: "
        "the same nonce from the same scanner answers the first result and stores nothing.",
    )
    scanned_at = MomentField(
        required=False,
        help_text="When an offline scanner scanned the badge. Used with `offline_result`: "
        "the scan then counts on the day it was made; alone it is accepted and not used.",
    )
    offline_result = serializers.ChoiceField(
        choices=OFFLINE_RESULTS,
        required=False,
        help_text="For a scan made offline and sent later (with `nonce` and `scanned_at`): "
        "the result the device showed at the gate. A visitor it let in is counted in "
        "whatever the server would have answered; that answer comes back as `conflict`.",
    )

    def validate(self, data):
        if "offline_result" in data:
            validate_offline_scan(data)
        return data


def validate_offline_scan(data):
    """An offline scan names its nonce and its moment, which is not in the future (a
    device's clock may run a little fast) nor older than the server keeps scans for."""
    errors = {}
    leaving = data["direction"] == ScanPoint.Direction.OUT
    if data["offline_result"] not in (OFFLINE_EXIT_RESULTS if leaving else OFFLINE_ENTRY_RESULTS):
        errors["offline_result"] = [_("This is not an answer to a scan in this direction.")]
    if not data.get("nonce"):
        errors["nonce"] = [_("An offline scan needs its nonce.")]
    scanned_at = data.get("scanned_at")
    now = timezone.now()
    if scanned_at is None:
        errors["scanned_at"] = [_("An offline scan needs the time it was made.")]
    elif scanned_at > now + OFFLINE_CLOCK_SKEW:
        errors["scanned_at"] = [_("This time is in the future.")]
    elif scanned_at < now - OFFLINE_MAX_AGE:
        errors["scanned_at"] = [_("This scan is too old to be counted.")]
    if errors:
        raise serializers.ValidationError(errors)


class OfflineScanSerializer(CheckInRequestSerializer):
    """One scan of an offline batch: the scan point is the batch's."""

    scan_point = None
    expo = None
    nonce = serializers.CharField(max_length=100)
    scanned_at = MomentField()
    offline_result = serializers.ChoiceField(choices=OFFLINE_RESULTS)


class OfflineBatchSerializer(serializers.Serializer):
    scan_point = serializers.SlugField()
    expo = serializers.SlugField(required=False)
    scans = serializers.ListField(
        child=serializers.DictField(),
        max_length=OFFLINE_BATCH_SIZE,
        allow_empty=True,
        help_text="Oldest first, each as a scan of `POST /api/v1/checkins/` with `nonce`, "
        "`scanned_at` and `offline_result` required.",
    )


class OfflineScanAnswerSerializer(serializers.Serializer):
    nonce = serializers.CharField()
    result = serializers.ChoiceField(choices=CheckIn.Result.choices, required=False)
    conflict = serializers.ChoiceField(choices=CheckIn.Result.choices, allow_null=True)
    errors = serializers.DictField(required=False, help_text="This scan was malformed.")


class OfflineBatchAnswerSerializer(serializers.Serializer):
    results = OfflineScanAnswerSerializer(many=True)


class ScannedTicketSerializer(serializers.ModelSerializer):
    ticket_type = serializers.SlugField(source="ticket_type.slug")
    ticket_type_name = serializers.SerializerMethodField(
        help_text="In the language of the request, else the expo's main language."
    )

    class Meta:
        model = Ticket
        fields = ["id", "holder_name", "ticket_type", "ticket_type_name"]

    def get_ticket_type_name(self, ticket) -> str:
        return translated(ticket.ticket_type, "name")


class CheckInAnswerSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CheckIn.Result.choices, source="check_in.result")
    message = serializers.CharField(source="check_in.get_result_display")
    ticket = ScannedTicketSerializer(allow_null=True)
    occupancy = serializers.DictField()
    offline = serializers.BooleanField(help_text="The scan was made offline and sent later.")
    conflict = serializers.ChoiceField(
        choices=CheckIn.Result.choices,
        allow_null=True,
        help_text="For a visitor let in offline: what the server would have answered instead.",
    )

    def to_representation(self, answer):
        """The fields above, written out: building the nested serializer's fields cost a
        scan more than the rest of its answer (bench/checkin.py)."""
        ticket = answer.ticket
        if ticket is not None:
            ticket = {
                "id": ticket.pk,
                "holder_name": ticket.holder_name,
                "ticket_type": ticket.ticket_type.slug,
                "ticket_type_name": translated(ticket.ticket_type, "name"),
            }
        return {
            "result": answer.check_in.result,
            "message": str(CheckIn.Result(answer.check_in.result).label),
            "ticket": ticket,
            "occupancy": answer.occupancy,
            "offline": answer.check_in.offline,
            "conflict": answer.check_in.conflict or None,
        }


class HourlyEntriesSerializer(serializers.Serializer):
    hour = serializers.CharField(help_text="Local time the hour starts, HH:00.")
    entries = serializers.IntegerField()


class AttendanceSerializer(serializers.Serializer):
    day = serializers.DateField()
    on_site = serializers.IntegerField()
    entries_today = serializers.IntegerField()
    entries_by_hour = HourlyEntriesSerializer(many=True)
    halls = serializers.ListField(child=serializers.DictField())
    sessions = serializers.ListField(child=serializers.DictField())


class HallCrowdingSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=["quiet", "busy", "full"])


class CrowdingSerializer(serializers.Serializer):
    day = serializers.DateField()
    halls = HallCrowdingSerializer(many=True)
