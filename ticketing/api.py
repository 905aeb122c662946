"""Tickets part of the v1 API: ticket types, registration, tickets, session bookings and
the public keys that verify ticket codes."""

from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api import ExpoInURLMixin, ExpoScopedViewSet
from events.models import Expo, Session
from events.permissions import is_organiser
from events.selectors import organised_expos
from expo.api import CountedCursorPagination
from expo.errors import Conflict, InvalidInput
from expo.throttling import ScanThrottle
from expo.validation import has_nul

from . import access, admission, badges, codes, lookups, selectors, services
from .models import ScannerDevice, ScanPoint, Ticket
from .schema import NOT_YOURS, ORDER_SECRET
from .serializers import (
    AttendanceSerializer,
    BadgeFilterSerializer,
    BookingRequestSerializer,
    BookingSerializer,
    CheckInAnswerSerializer,
    CheckInFilterSerializer,
    CheckInRequestSerializer,
    CheckInSerializer,
    CrowdingSerializer,
    OfflineBatchAnswerSerializer,
    OfflineBatchSerializer,
    OfflineScanSerializer,
    OrderSerializer,
    PublicKeySerializer,
    RegistrationSerializer,
    ScanPointSerializer,
    TicketFilterSerializer,
    TicketSerializer,
    TicketTypeSerializer,
)
from .views import badge_response, sheets_response

IDEMPOTENCY_KEY = "Idempotency-Key"


class TicketTypeViewSet(ExpoScopedViewSet):
    serializer_class = TicketTypeSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("halls").select_related("conference")


class IsExpoOrganiser(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_organiser(request.user, view.get_expo())


class TicketPagination(CountedCursorPagination):
    ordering = ("-created_at", "-id")


class CheckInPagination(CountedCursorPagination):
    ordering = ("-scanned_at", "-id")


@extend_schema_view(
    get=extend_schema(
        summary="All tickets of the expo, newest first (organisers)",
        parameters=[
            OpenApiParameter("ticket_type", str, description="ticket type slug"),
            OpenApiParameter("day", str, description="valid on this day, YYYY-MM-DD"),
            OpenApiParameter("status", str, enum=[choice for choice, _l in Ticket.Status.choices]),
        ],
    )
)
class TicketListView(ExpoInURLMixin, generics.ListAPIView):
    serializer_class = TicketSerializer
    permission_classes = [IsExpoOrganiser]
    pagination_class = TicketPagination

    def get_queryset(self):
        filters = TicketFilterSerializer(
            data=self.request.query_params, context={"expo": self.expo}
        )
        filters.is_valid(raise_exception=True)
        return selectors.expo_tickets(self.expo, **filters.validated_data)


@extend_schema_view(
    get=extend_schema(
        summary="The expo's scans, newest first (organisers)",
        parameters=[CheckInFilterSerializer],
    )
)
class CheckInListView(ExpoInURLMixin, generics.ListAPIView):
    """Every scan at the expo's scan points, whatever its result: the audit trail."""

    serializer_class = CheckInSerializer
    permission_classes = [IsExpoOrganiser]
    pagination_class = CheckInPagination

    def get_queryset(self):
        filters = CheckInFilterSerializer(
            data=self.request.query_params, context={"expo": self.expo}
        )
        filters.is_valid(raise_exception=True)
        return selectors.expo_check_ins(self.expo, **filters.validated_data)


@extend_schema(
    request=RegistrationSerializer,
    responses={201: OrderSerializer},
    summary="Register one or more attendees",
    parameters=[
        OpenApiParameter(
            IDEMPOTENCY_KEY,
            str,
            OpenApiParameter.HEADER,
            description="Makes a retry safe: the same key with the same body again answers "
            "the first order and makes no new one, for a day. The same key with another "
            "body is 409 idempotency_key_reused.",
        )
    ],
)
class RegistrationView(ExpoInURLMixin, APIView):
    """Anyone may register; a sold-out ticket type or day answers ``409 sold_out``."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "registrations"

    def post(self, request, expo_slug):
        serializer = RegistrationSerializer(
            data=request.data,
            context={
                "expo": self.expo,
                "language": getattr(request, "LANGUAGE_CODE", "en"),
                "idempotency_key": self.idempotency_key(request),
            },
        )
        serializer.is_valid(raise_exception=True)
        order = serializer.save()
        answer = OrderSerializer(
            order,
            context={
                "tickets": order.sold_tickets,
                "open_days": admission.open_days(self.expo),
                "request": request,
            },
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def idempotency_key(self, request):
        key = request.headers.get(IDEMPOTENCY_KEY)
        if key is not None and (not 1 <= len(key.strip()) <= 200 or has_nul(key)):
            raise ValidationError(
                {IDEMPOTENCY_KEY: [_("An Idempotency-Key has 1 to 200 characters.")]}
            )
        return key.strip() if key is not None else None


class TicketView(generics.GenericAPIView):
    """One ticket, for an organiser of its expo or its holder (see ``access``)."""

    serializer_class = TicketSerializer
    permission_classes = [permissions.AllowAny]
    throttle_scope = "holder"
    expo_of = (Ticket, "pk")

    def get_ticket(self):
        return access.ticket_or_404(self.request, self.kwargs["pk"])


@extend_schema(
    summary="One ticket (organiser or holder)",
    parameters=[ORDER_SECRET],
    responses={200: TicketSerializer, 404: NOT_YOURS},
)
class TicketDetailView(TicketView):
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_ticket()).data)


@extend_schema(
    summary="Badges of the expo's valid tickets in one PDF (organisers)",
    parameters=[
        OpenApiParameter("ticket_type", str, description="ticket type slug"),
        OpenApiParameter("day", str, description="valid on this day, YYYY-MM-DD"),
        OpenApiParameter("layout", str, enum=list(badges.LAYOUTS), default="a4x4"),
    ],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY},
)
class ExpoBadgesView(ExpoInURLMixin, APIView):
    permission_classes = [IsExpoOrganiser]

    def get(self, request, expo_slug):
        filters = BadgeFilterSerializer(data=request.query_params, context={"expo": self.expo})
        filters.is_valid(raise_exception=True)
        options = dict(filters.validated_data)
        layout = options.pop("layout")
        tickets = selectors.expo_tickets(self.expo, status="valid", **options)
        return sheets_response(
            tickets.iterator(chunk_size=500), layout=layout, filename=f"badges-{self.expo.slug}.pdf"
        )


@extend_schema(
    summary="The ticket's badge, A6 PDF (organiser or holder)",
    parameters=[ORDER_SECRET],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_YOURS},
)
class TicketBadgeView(TicketView):
    def get(self, request, pk):
        ticket = self.get_ticket()
        if not ticket.is_valid:
            raise ValidationError({"ticket": [_("A cancelled ticket has no badge.")]})
        return badge_response(ticket)


@extend_schema(
    request=None,
    parameters=[ORDER_SECRET],
    responses={200: TicketSerializer, 404: NOT_YOURS},
    summary="Cancel a ticket; its place is freed (organiser or holder)",
)
class TicketCancelView(TicketView):
    def post(self, request, pk):
        ticket = services.cancel_ticket(self.get_ticket())
        return Response(self.get_serializer(ticket).data)


class SessionBookingsView(generics.GenericAPIView):
    serializer_class = BookingSerializer
    permission_classes = [permissions.AllowAny]
    throttle_scope = "holder"
    expo_of = (Session, "pk")

    @extend_schema(
        request=BookingRequestSerializer,
        parameters=[ORDER_SECRET],
        responses={201: BookingSerializer, 404: NOT_YOURS},
        summary="Book a seat, or a place on the waiting list when full (holder or organiser)",
    )
    def post(self, request, pk):
        session = get_object_or_404(Session.objects.select_related("expo"), pk=pk)
        body = BookingRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = access.ticket_to_book_or_404(request, session, body.validated_data.get("ticket"))
        booking = services.book_session(ticket, session)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[ORDER_SECRET])
class SessionBookingView(generics.GenericAPIView):
    serializer_class = BookingSerializer
    permission_classes = [permissions.AllowAny]
    throttle_scope = "holder"
    expo_of = (Session, "pk")

    def get_booking(self):
        return access.booking_or_404(self.request, self.kwargs["pk"], self.kwargs["booking_id"])

    @extend_schema(
        responses={200: BookingSerializer, 404: NOT_YOURS},
        summary="One booking (holder or organiser)",
    )
    def get(self, request, pk, booking_id):
        return Response(self.get_serializer(self.get_booking()).data)

    @extend_schema(
        responses={204: None, 404: NOT_YOURS},
        summary="Give up a seat; the first on the waiting list moves up (holder or organiser)",
    )
    def delete(self, request, pk, booking_id):
        services.cancel_booking(self.get_booking())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses=PublicKeySerializer(many=True), summary="Keys that verify ticket codes")
class PublicKeysView(APIView):
    """Scanners verify codes offline with these Ed25519 public keys (see docs/codes.md)."""

    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get(self, request, expo_slug):
        get_object_or_404(Expo, slug=expo_slug)
        return Response(PublicKeySerializer(codes.public_keys(), many=True).data)


class ScanPointViewSet(ExpoScopedViewSet):
    serializer_class = ScanPointSerializer
    permission_classes = [IsExpoOrganiser]

    def get_queryset(self):
        return selectors.scan_points(self.expo)


@extend_schema(
    request=CheckInRequestSerializer,
    responses={200: CheckInAnswerSerializer},
    summary="Scan a badge",
    description="Every well-formed scan answers 200 with a result word; refused scans too.",
)
class CheckInView(APIView):
    """A scanner device's token scans at its own expo's scan points; an organiser's token
    scans anywhere in the expos they organise."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScanThrottle]  # its own generous limit, not the general ones

    def post(self, request):
        scanner = _scanner(request)
        body = CheckInRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scan_point = _scan_point(request, body.validated_data)
        answer = services.check_in(
            body.validated_data["code"],
            scan_point,
            body.validated_data["direction"],
            **scanner,
            nonce=body.validated_data.get("nonce"),
            **_offline(body.validated_data),
        )
        return Response(CheckInAnswerSerializer(answer).data)


@extend_schema(
    responses={200: OpenApiTypes.OBJECT},
    summary="What a scanner keeps to decide offline at a scan point (scanner or organiser)",
    description="`fetched_at`; `expo` {`id`, `slug`, `time_zone`}; `scan_point` {`slug`, "
    "`kind`, `direction`, `day` (a session's day)}; `keys` [{`key_id`, `public_key`}] not "
    "retired; `ticket_types` [{`id`, `name`, `days`, `admits_here`}]; `tickets` "
    "[[id, ticket type id] or [id, ticket type id, days]] (valid ones); `cancelled` [id]. "
    "See docs/codes.md, Scanning offline.",
)
class OfflineScanDataView(APIView):
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get(self, request, expo_slug, scan_point_slug):
        _scanner(request)
        scan_point = _scan_point(request, {"expo": expo_slug, "scan_point": scan_point_slug})
        response = Response(selectors.offline_scan_data(scan_point))
        patch_cache_control(response, private=True, no_store=True)
        return response


@extend_schema(
    request=OfflineBatchSerializer,
    responses={200: OfflineBatchAnswerSerializer},
    summary="Send the scans a scanner made offline",
    description="Each scan is stored once (its nonce) and answered in order: the result "
    "stored, and for a visitor let in offline what the server would have answered "
    "instead (`conflict`), or `errors` for a malformed scan, which is not stored.",
)
class OfflineCheckInsView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScanThrottle]

    def post(self, request):
        scanner = _scanner(request)
        body = OfflineBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scan_point = _scan_point(request, body.validated_data)
        answers = [None] * len(body.validated_data["scans"])
        valid = []
        # One serializer for every scan: building its fields for each cost more than
        # validating the scan.
        checker = OfflineScanSerializer()
        for index, scan in enumerate(body.validated_data["scans"]):
            nonce = scan.get("nonce")
            answers[index] = {"nonce": nonce[:100] if isinstance(nonce, str) else ""}
            try:
                valid.append((index, checker.run_validation(scan)))
            except ValidationError as error:
                answers[index]["errors"] = error.detail
        stored = services.check_in_offline([scan for _, scan in valid], scan_point, **scanner)
        for (index, _scan), outcome in zip(valid, stored, strict=True):
            answers[index].update(_stored_answer(outcome))
        return Response({"results": answers})


def _stored_answer(outcome):
    """A stored scan's result and conflict, or the errors of one that was refused."""
    if isinstance(outcome, InvalidInput):
        return {"errors": outcome.errors}
    if isinstance(outcome, Conflict):
        return {"errors": {"nonce": [outcome.message]}}
    return {"result": outcome.result, "conflict": outcome.conflict or None}


def _offline(data):
    if "offline_result" not in data:
        return {}
    return {"scanned_at": data["scanned_at"], "offline_result": data["offline_result"]}


def _scanner(request):
    """Who scans, as ``check_in`` takes it: a scanner device, or a signed-in user."""
    device = request.auth if isinstance(request.auth, ScannerDevice) else None
    if device is None and not request.user.is_authenticated:
        raise NotAuthenticated()
    return {"device": device, "user": request.user if request.user.is_authenticated else None}


def _scan_point(request, data):
    """The scan point named in ``data``: a scanner device's in its own expo, an
    organiser's in the expos they organise."""
    if isinstance(request.auth, ScannerDevice):
        if data.get("expo", request.auth.expo.slug) != request.auth.expo.slug:
            raise ValidationError({"expo": [_("This scanner belongs to another expo.")]})
        candidates = [lookups.scan_point(request.auth.expo_id, data["scan_point"])]
    else:
        expos = organised_expos(request.user)
        if not expos.exists():
            raise PermissionDenied(_("Only organisers and scanner devices scan badges."))
        if "expo" in data:
            expos = expos.filter(slug=data["expo"])
        candidates = list(
            ScanPoint.objects.filter(expo__in=expos, slug=data["scan_point"]).select_related(
                "expo", "hall", "session__room"
            )[:2]
        )
    if not any(candidates):
        raise ValidationError({"scan_point": [_("No such scan point in your expo.")]})
    if len(candidates) > 1:
        raise ValidationError(
            {"expo": [_("Several of your expos have this scan point; name the expo.")]}
        )
    return candidates[0]


@extend_schema(
    responses=CrowdingSerializer,
    summary="How busy each hall is now: quiet, busy or full (anyone)",
)
class CrowdingView(ExpoInURLMixin, APIView):
    """Coarse and anonymous on purpose: no counts, so it can be shown on public pages and
    cached by browsers and proxies for half a minute."""

    permission_classes = [permissions.AllowAny]

    def get(self, request, expo_slug):
        response = Response(CrowdingSerializer(selectors.crowding(self.expo)).data)
        patch_cache_control(response, public=True, max_age=30)
        return response


@extend_schema(responses=AttendanceSerializer, summary="Who is where today (organisers)")
class AttendanceView(ExpoInURLMixin, APIView):
    permission_classes = [IsExpoOrganiser]

    def get(self, request, expo_slug):
        return Response(AttendanceSerializer(selectors.attendance(self.expo)).data)
