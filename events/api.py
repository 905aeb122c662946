"""Programme part of the v1 API: expos, halls, rooms, tracks, conferences, speakers,
opening days and sessions."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from expo.api import conflict_response
from expo.errors import Conflict
from expo.scoping import expo_or_404

from . import selectors, services
from .models import Expo, Hall, Room, Session
from .permissions import IsOrganiserOrReadOnly, is_organiser
from .serializers import (
    BoardSessionSerializer,
    ConferenceSerializer,
    ExpoSerializer,
    HallSerializer,
    OpeningDaySerializer,
    PlannedSessionSerializer,
    PlanSerializer,
    RoomSerializer,
    ScheduleReleaseSerializer,
    SessionFilterSerializer,
    SessionSerializer,
    SpeakerSerializer,
    TrackSerializer,
    VersionSerializer,
)

WRITE_METHODS = ["get", "post", "patch", "delete", "head", "options"]


class ExpoTimeZoneMixin:
    """Reads and writes times in the expo's own time zone: an input without an offset is
    taken as local time there, and output carries the expo's offset."""

    # ``expo.scoping.ExpoMiddleware`` activates the zone for the whole request.

    permission_classes = [IsOrganiserOrReadOnly]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["expo"] = self.get_expo()
        return context


class ExpoInURLMixin(ExpoTimeZoneMixin):
    """For views under ``/api/v1/expos/{expo_slug}/``: the expo, looked up once."""

    @property
    def expo(self):
        return expo_or_404(self.request)  # found by ``expo.scoping.ExpoMiddleware``

    def get_expo(self):
        return self.expo


class ExpoScopedViewSet(ExpoInURLMixin, viewsets.ModelViewSet):
    """A collection inside one expo: ``/api/v1/expos/{expo_slug}/<things>/``."""

    http_method_names = WRITE_METHODS
    lookup_field = "slug"

    def get_queryset(self):
        return self.serializer_class.Meta.model.objects.filter(expo=self.expo)

    def perform_create(self, serializer):
        serializer.save(expo=self.expo)


@extend_schema_view(
    list=extend_schema(summary="List expos"),
    create=extend_schema(summary="Create an expo (organisers)"),
)
class ExpoViewSet(ExpoTimeZoneMixin, viewsets.ModelViewSet):
    serializer_class = ExpoSerializer
    # Every expo's halls and rooms are public, so the list reads them across expos.
    queryset = Expo.objects.prefetch_related(
        Prefetch("halls", queryset=Hall.objects.with_scopes_disabled().all()),
        Prefetch("rooms", queryset=Room.objects.with_scopes_disabled().select_related("hall")),
    )
    expo_of = (Expo, "slug")
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_expo(self):
        if self.kwargs.get("slug") is None:
            return None
        return self.get_object()

    def perform_create(self, serializer):
        expo = serializer.save()
        expo.organisers.add(self.request.user)


class HallViewSet(ExpoScopedViewSet):
    serializer_class = HallSerializer


class RoomViewSet(ExpoScopedViewSet):
    serializer_class = RoomSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("hall")


class TrackViewSet(ExpoScopedViewSet):
    serializer_class = TrackSerializer


class ConferenceViewSet(ExpoScopedViewSet):
    serializer_class = ConferenceSerializer


class SpeakerViewSet(ExpoScopedViewSet):
    serializer_class = SpeakerSerializer
    lookup_field = "pk"


class OpeningDayViewSet(ExpoScopedViewSet):
    serializer_class = OpeningDaySerializer
    lookup_field = "date"


class PlanForOrganisersMixin:
    """The expo's organisers read and write the plan (``PlannedSessionSerializer``);
    everyone else reads the released schedule."""

    serializer_class = SessionSerializer

    @cached_property
    def sees_plan(self):
        if getattr(self, "swagger_fake_view", False):
            return True  # The schema describes the organisers' fuller shape.
        expo = self.get_expo()
        return expo is not None and is_organiser(self.request.user, expo)

    def get_serializer_class(self):
        return PlannedSessionSerializer if self.sees_plan else SessionSerializer


@extend_schema_view(
    list=extend_schema(
        summary="The expo's sessions",
        parameters=[
            OpenApiParameter("day", str, description="YYYY-MM-DD in the expo's time zone"),
            OpenApiParameter("room", str, description="room slug"),
            OpenApiParameter("track", str, description="track slug"),
            OpenApiParameter("conference", str, description="conference slug"),
        ],
    )
)
class ExpoSessionViewSet(
    PlanForOrganisersMixin,
    ExpoInURLMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """``/api/v1/expos/{expo_slug}/sessions/``: list with filters, and create."""

    def get_queryset(self):
        plan = self.sees_plan
        sessions = selectors.plan(self.expo) if plan else selectors.programme(self.expo)
        if self.action != "list":
            return sessions
        filters = SessionFilterSerializer(
            data=self.request.query_params, context={"expo": self.expo}
        )
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        if "day" in chosen:
            start, end = selectors.day_bounds(self.expo, chosen["day"])
            moment = "planned_start" if plan else "start"
            sessions = sessions.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
        for field in ("room", "track", "conference"):
            if field in chosen:
                name = "planned_room" if plan and field == "room" else field
                sessions = sessions.filter(**{name: chosen[field]})
        return sessions


class SessionViewSet(
    PlanForOrganisersMixin,
    ExpoTimeZoneMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """``/api/v1/sessions/{id}/``: one session, whichever expo it is in."""

    http_method_names = ["get", "patch", "delete", "head", "options"]
    expo_of = (Session, "pk")

    def get_queryset(self):
        return Session.objects.select_related(
            "expo", "room__hall", "planned_room__hall", "track", "conference"
        )

    def get_expo(self):
        return self.get_object().expo

    @cached_property
    def _session(self):
        session = super().get_object()
        if session.start is None and not is_organiser(self.request.user, session.expo):
            raise Http404  # Not in the released schedule: the organisers' draft.
        return session

    def get_object(self):
        return self._session

    def perform_destroy(self, session):
        services.delete_session(session)


class SessionMoveView(ExpoTimeZoneMixin, generics.GenericAPIView):
    """The schedule board's moves of one session, ``/api/v1/sessions/{id}/<move>/``, for
    the organisers of its expo; each calls one service of ``events.services`` and
    answers the session as the board shows it."""

    serializer_class = BoardSessionSerializer
    expo_of = (Session, "pk")

    def get_queryset(self):
        return Session.objects.select_related(
            "expo", "room__hall", "planned_room__hall", "track", "conference"
        )

    def get_expo(self):
        return self.session.expo

    @cached_property
    def session(self):
        return self.get_object()

    def version(self):
        chosen = VersionSerializer(data=self.request.data)
        chosen.is_valid(raise_exception=True)
        return chosen.validated_data.get("version")

    def answer(self, move):
        """Make the move; a stale one is answered with the session as it is now
        (``current``), which the board redraws."""
        try:
            move()
        except Conflict as error:
            if error.code != "stale":
                raise
            return conflict_response(
                str(error.message), error.code, **error.extra, current=self.shown()
            )
        return Response(self.shown())

    def shown(self):
        """The session as it is now, with what its answer shows, in two queries."""
        session = self.get_queryset().prefetch_related("speakers").get(pk=self.session.pk)
        return self.get_serializer(session).data


@extend_schema_view(
    post=extend_schema(
        summary="Plan a session in a room at a time (the schedule board's move)",
        request=PlanSerializer,
        responses={200: BoardSessionSerializer},
    )
)
class SessionPlanView(SessionMoveView):
    def post(self, request, pk):
        chosen = PlanSerializer(data=request.data, context={"expo": self.session.expo})
        chosen.is_valid(raise_exception=True)
        move = chosen.validated_data
        return self.answer(
            lambda: services.plan_session(
                self.session,
                room=move["room"],
                start=move["start"],
                end=move.get("end"),
                version=move.get("version"),
            )
        )


@extend_schema_view(
    post=extend_schema(
        summary="Take a session out of the plan, back to the tray",
        request=VersionSerializer,
        responses={200: BoardSessionSerializer},
    )
)
class SessionUnscheduleView(SessionMoveView):
    def post(self, request, pk):
        version = self.version()
        return self.answer(lambda: services.unschedule_session(self.session, version=version))


@extend_schema_view(
    post=extend_schema(
        summary="Cancel a session in the plan",
        request=VersionSerializer,
        responses={200: BoardSessionSerializer},
    )
)
class SessionCancelView(SessionMoveView):
    def post(self, request, pk):
        version = self.version()
        return self.answer(lambda: services.cancel_session(self.session, version=version))


@extend_schema_view(
    list=extend_schema(summary="The releases of the expo's schedule, newest first"),
    create=extend_schema(summary="Release the plan as the next version (organisers)"),
)
class ReleaseViewSet(
    ExpoInURLMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """``/api/v1/expos/{expo_slug}/releases/``: the public changelog; organisers release."""

    serializer_class = ScheduleReleaseSerializer

    def get_queryset(self):
        return selectors.releases(self.expo)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release = services.release_schedule(
            self.expo,
            note=serializer.validated_data.get("note", ""),
            note_translations=serializer.validated_data.get("note_translations"),
            by=request.user,
        )
        return Response(self.get_serializer(release).data, status=status.HTTP_201_CREATED)
