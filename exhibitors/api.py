"""The exhibitors part of the v1 API: exhibitors, booths, staff and leads."""

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response

from events.api import ExpoInURLMixin
from events.permissions import IsOrganiserOrReadOnly, is_organiser
from expo.scoping import expo_or_404
from expo.validation import query_day

from . import selectors, services
from .csv_export import leads_download
from .models import Booth, Exhibitor, Lead, Member
from .permissions import MayManageOrReadOnly, is_staff_of
from .serializers import (
    BoothSerializer,
    ExhibitorSerializer,
    LeadChangeSerializer,
    LeadRequestSerializer,
    LeadSerializer,
    MemberRequestSerializer,
    MemberSerializer,
)


def _refuse(request, message):
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    raise PermissionDenied(message)


@extend_schema(
    parameters=[
        OpenApiParameter("search", str, description="in name, tagline and description"),
        OpenApiParameter("theme", str, description="track slug"),
        OpenApiParameter("hall", str, description="hall slug"),
        OpenApiParameter("day", str, description="exhibiting on this day, YYYY-MM-DD"),
    ]
)
class ExhibitorListView(ExpoInURLMixin, generics.ListCreateAPIView):
    """Anyone lists; organisers add exhibitors."""

    serializer_class = ExhibitorSerializer
    permission_classes = [IsOrganiserOrReadOnly]

    def get_queryset(self):
        query = self.request.query_params
        return selectors.directory(
            self.expo,
            search=query.get("search", "").strip(),
            theme=query.get("theme"),
            hall=query.get("hall"),
            day=query_day(query, "day"),
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "expo": self.expo}

    def perform_create(self, serializer):
        themes = serializer.validated_data.pop("themes", None)
        serializer.instance = services.save_exhibitor(
            Exhibitor(expo=self.expo, **serializer.validated_data), themes=themes
        )


class ExhibitorDetailView(generics.RetrieveUpdateAPIView):
    """Anyone reads; organisers and the exhibitor's own staff change it."""

    serializer_class = ExhibitorSerializer
    permission_classes = [MayManageOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]
    expo_of = (Exhibitor, "pk")

    def get_queryset(self):
        return Exhibitor.objects.select_related("expo").prefetch_related(
            "themes", "booth_days__booth__hall"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.expo is not None:
            context["expo"] = self.request.expo
        return context

    def perform_update(self, serializer):
        exhibitor = serializer.instance
        themes = serializer.validated_data.pop("themes", None)
        services.change_exhibitor(
            exhibitor,
            serializer.validated_data,
            themes=themes,
            by_organiser=is_organiser(self.request.user, exhibitor.expo),
        )


class BoothListView(ExpoInURLMixin, generics.ListCreateAPIView):
    """Anyone lists the booths; organisers add them, given to an exhibitor on days (every
    day when ``days`` is omitted)."""

    serializer_class = BoothSerializer
    permission_classes = [IsOrganiserOrReadOnly]

    def get_queryset(self):
        return (
            Booth.objects.filter(expo=self.expo)
            .select_related("hall")
            .prefetch_related("booth_days")
            .order_by("hall__name", "code")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "expo": self.expo}

    def perform_create(self, serializer):
        data = serializer.validated_data
        exhibitor, days = data.pop("exhibitor", None), data.pop("days", None)
        serializer.instance = services.save_booth(
            Booth(expo=self.expo, **data), exhibitor=exhibitor, days=days
        )


class BoothDetailView(generics.RetrieveUpdateAPIView):
    """Organisers move a booth or give it to an exhibitor (``exhibitor`` and ``days``)."""

    serializer_class = BoothSerializer
    http_method_names = ["get", "patch", "head", "options"]
    expo_of = (Booth, "pk")

    def get_queryset(self):
        return Booth.objects.select_related("hall", "expo").prefetch_related("booth_days")

    def get_expo(self):
        return expo_or_404(self.request)

    permission_classes = [IsOrganiserOrReadOnly]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "expo": self.get_expo()}

    def perform_update(self, serializer):
        booth = serializer.instance
        data = serializer.validated_data
        exhibitor, days = data.pop("exhibitor", None), data.pop("days", None)
        for name, value in data.items():
            setattr(booth, name, value)
        services.save_booth(booth, exhibitor=exhibitor, days=days)


class ExhibitorScopedView(generics.GenericAPIView):
    """Views under ``/api/v1/exhibitors/{id}/`` for its staff (and, where said, the
    organisers)."""

    organisers_too = True
    expo_of = (Exhibitor, "pk")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.exhibitor = get_object_or_404(
            Exhibitor.objects.select_related("expo"), pk=kwargs["pk"]
        )
        allowed = is_staff_of(request.user, self.exhibitor) or (
            self.organisers_too and is_organiser(request.user, self.exhibitor.expo)
        )
        if not allowed:
            _refuse(request, _("Only this exhibitor's staff may do this."))


class MembersView(mixins.ListModelMixin, ExhibitorScopedView):
    serializer_class = MemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema has no exhibitor
            return Member.objects.none()
        return selectors.members(self.exhibitor)

    @extend_schema(summary="The exhibitor's staff")
    def get(self, request, pk):
        return self.list(request)

    @extend_schema(
        request=MemberRequestSerializer,
        responses={201: MemberSerializer},
        summary="Add a staff member with a staff badge",
        description=(
            "Staff invite new people only: a new account is made and an invitation to set "
            "its password is e-mailed. An existing account (same user name or e-mail) is "
            "added by the expo's organisers only; staff get `409` `account_exists`. When "
            "the exhibitor's staff badges are all handed out: `409` `staff_badges_used_up`."
        ),
    )
    def post(self, request, pk):
        body = MemberRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.add_member(
            self.exhibitor,
            **body.validated_data,
            by_organiser=is_organiser(request.user, self.exhibitor.expo),
            language=get_language(),
        )
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberDetailView(ExhibitorScopedView):
    @extend_schema(responses={204: None}, summary="Take a member off the staff")
    def delete(self, request, pk, member_id):
        member = get_object_or_404(Member, pk=member_id, exhibitor=self.exhibitor)
        services.remove_member(member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadsView(mixins.ListModelMixin, ExhibitorScopedView):
    organisers_too = False  # leads are the exhibitor's own
    serializer_class = LeadSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema has no exhibitor
            return Lead.objects.none()
        return selectors.leads(self.exhibitor)

    @extend_schema(summary="The exhibitor's leads")
    def get(self, request, pk):
        return self.list(request)

    @extend_schema(
        request=LeadRequestSerializer,
        responses={201: LeadSerializer, 200: LeadSerializer},
        summary="Scan a visitor's badge at the booth",
    )
    def post(self, request, pk):
        body = LeadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead, created = services.capture_lead(
            self.exhibitor,
            body.validated_data["code"],
            user=request.user,
            note=body.validated_data.get("note", ""),
            rating=body.validated_data.get("rating"),
        )
        return Response(
            LeadSerializer(lead).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class LeadDetailView(ExhibitorScopedView):
    """One lead, for the exhibitor's staff only; another exhibitor's lead is a ``404``."""

    organisers_too = False

    def lead(self, lead_id):
        return get_object_or_404(
            Lead.objects.select_related("ticket", "scanned_by"),
            pk=lead_id,
            exhibitor=self.exhibitor,
        )

    @extend_schema(
        request=LeadChangeSerializer,
        responses={200: LeadSerializer},
        summary="Change a lead's note and rating",
        description=(
            "Replaces the note, the rating, or both; a field left out keeps its value and "
            "a `null` rating clears it. A lead removed meanwhile: `409` `lead_removed`."
        ),
    )
    def patch(self, request, pk, lead_id):
        lead = self.lead(lead_id)
        body = LeadChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = body.validated_data
        services.change_lead(
            lead,
            by=request.user,
            note=changes.get("note", lead.note),
            rating=changes.get("rating", lead.rating),
        )
        return Response(LeadSerializer(lead).data)

    @extend_schema(responses={204: None}, summary="Remove a lead")
    def delete(self, request, pk, lead_id):
        services.remove_lead(self.lead(lead_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadsCsvView(ExhibitorScopedView):
    organisers_too = False

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, summary="Leads as CSV")
    def get(self, request, pk):
        return leads_download(self.exhibitor, selectors.leads(self.exhibitor), "csv")
