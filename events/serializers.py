import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from expo.validation import DayField, MomentField

from . import selectors, services
from .models import (
    Conference,
    Expo,
    Hall,
    OpeningDay,
    Room,
    ScheduleRelease,
    Session,
    Speaker,
    Track,
)


class ExpoSlugField(serializers.SlugRelatedField):
    """A reference by slug to an object of the expo in the serializer's context."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(expo=self.context["expo"])


class ModelRulesMixin:
    """Runs the model's own checks (``clean`` and constraints) as part of validation, so a
    bad value is a ``400`` on its field rather than a database error."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance or self.Meta.model()
        if "expo" in self.context and hasattr(self.Meta.model, "expo_id"):
            instance.expo = self.context["expo"]
        plain = {k: v for k, v in attrs.items() if not isinstance(v, list | tuple | set)}
        for name, value in plain.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(_api_errors(error.message_dict)) from error
        return attrs


def _api_errors(message_dict):
    return {
        ("non_field_errors" if field == "__all__" else field): messages
        for field, messages in message_dict.items()
    }


class UniqueSlugInExpoMixin:
    def validate_slug(self, value):
        others = self.Meta.model.objects.filter(expo=self.context["expo"], slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("This short name is already used in this expo."))
        return value


class HallSerializer(UniqueSlugInExpoMixin, ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = Hall
        fields = ["slug", "name", "name_translations", "capacity"]


class RoomSerializer(UniqueSlugInExpoMixin, ModelRulesMixin, serializers.ModelSerializer):
    hall = ExpoSlugField(queryset=Hall.objects)

    class Meta:
        model = Room
        fields = ["slug", "name", "name_translations", "hall", "capacity"]


class TrackSerializer(UniqueSlugInExpoMixin, ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = [
            "slug",
            "name",
            "description",
            "colour",
            "name_translations",
            "description_translations",
        ]


class ConferenceSerializer(UniqueSlugInExpoMixin, ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = Conference
        fields = [
            "slug",
            "name",
            "description",
            "start_date",
            "end_date",
            "capacity",
            "admits_exhibitor_staff",
            "name_translations",
            "description_translations",
        ]


class SpeakerSerializer(ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = [
            "id",
            "name",
            "organisation",
            "biography",
            "biography_translations",
            "email",
            "unavailable_days",
        ]
        extra_kwargs = {"email": {"write_only": True}, "unavailable_days": {"write_only": True}}


class OpeningDaySerializer(ModelRulesMixin, serializers.ModelSerializer):
    class Meta:
        model = OpeningDay
        fields = ["date", "is_closed", "opens_at", "closes_at", "note"]

    def validate_date(self, value):
        others = OpeningDay.objects.filter(expo=self.context["expo"], date=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("This day already has its opening hours."))
        return value


class ExpoSerializer(ModelRulesMixin, serializers.ModelSerializer):
    halls = HallSerializer(many=True, read_only=True)
    rooms = RoomSerializer(many=True, read_only=True)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=settings.LANGUAGES),
        allow_empty=False,
        required=False,
        help_text="Language codes, the main language first.",
    )

    class Meta:
        model = Expo
        fields = [
            "slug",
            "name",
            "description",
            "name_translations",
            "description_translations",
            "start_date",
            "end_date",
            "time_zone",
            "languages",
            "currency",
            "opens_at",
            "closes_at",
            "organiser_name",
            "privacy_contact",
            "keeps_visitor_data_months",
            "halls",
            "rooms",
        ]


class SpeakerListField(serializers.PrimaryKeyRelatedField):
    """Written as speaker ids; read as ``{"id", "name", "organisation"}`` objects."""

    def get_queryset(self):
        return Speaker.objects.filter(expo=self.context["expo"])

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return {"id": value.pk, "name": value.name, "organisation": value.organisation}


class SessionSerializer(serializers.ModelSerializer):
    """A session as the public sees it: where and when it is in the released schedule."""

    room = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    track = ExpoSlugField(queryset=Track.objects, required=False, allow_null=True)
    conference = ExpoSlugField(queryset=Conference.objects, required=False, allow_null=True)
    speakers = SpeakerListField(many=True, required=False)
    start = MomentField(read_only=True)
    end = MomentField(read_only=True)
    day = serializers.SerializerMethodField()
    hall = serializers.SlugRelatedField(source="room.hall", slug_field="slug", read_only=True)
    seats = serializers.IntegerField(read_only=True, allow_null=True, help_text="Seats on offer.")

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "abstract",
            "title_translations",
            "abstract_translations",
            "kind",
            "room",
            "hall",
            "start",
            "end",
            "day",
            "capacity",
            "seats",
            "language",
            "track",
            "conference",
            "speakers",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_day(self, session):
        moment = self._moment(session)
        return session.expo.local_day(moment).isoformat() if moment else None

    def _moment(self, session):
        return session.start


class ReleasedSlotSerializer(serializers.Serializer):
    room = serializers.CharField(source="room.slug", read_only=True)
    start = MomentField(read_only=True)
    end = MomentField(read_only=True)


class PlannedSessionSerializer(SessionSerializer):
    """A session as its organisers see and write it: ``room``, ``start`` and ``end`` are
    the plan, ``released`` where the public sees it now (``null`` before its first
    release, or once a release has taken it out)."""

    room = ExpoSlugField(
        source="planned_room", queryset=Room.objects, required=False, allow_null=True
    )
    start = MomentField(source="planned_start", required=False, allow_null=True)
    end = MomentField(source="planned_end", required=False, allow_null=True)
    # An unscheduled session has no hall, no day and, without seats of its own, none.
    hall = serializers.SlugRelatedField(
        source="planned_room.hall", slug_field="slug", read_only=True, allow_null=True
    )
    seats = serializers.IntegerField(read_only=True, allow_null=True, help_text="Seats on offer.")
    day = serializers.SerializerMethodField()
    released = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [
            *SessionSerializer.Meta.fields,
            "minutes",
            "expected_audience",
            "cancelled",
            "version",
            "released",
        ]
        read_only_fields = ["cancelled", "version"]

    @extend_schema_field(ReleasedSlotSerializer(allow_null=True))
    def get_released(self, session):
        if session.start is None:
            return None
        return ReleasedSlotSerializer(session, context=self.context).data

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_day(self, session):
        return super().get_day(session)

    def _moment(self, session):
        return session.planned_start

    def create(self, validated_data):
        speakers = validated_data.pop("speakers", [])
        session = Session(expo=self.context["expo"], **validated_data)
        return services.save_session(session, speakers=speakers)

    def update(self, session, validated_data):
        speakers = validated_data.pop("speakers", None)
        for name, value in validated_data.items():
            setattr(session, name, value)
        return services.save_session(session, speakers=speakers)


class SessionFilterSerializer(serializers.Serializer):
    """The query parameters of the session list."""

    day = DayField(required=False, help_text="YYYY-MM-DD in the expo's time zone.")
    room = ExpoSlugField(queryset=Room.objects, required=False)
    track = ExpoSlugField(queryset=Track.objects, required=False)
    conference = ExpoSlugField(queryset=Conference.objects, required=False)


class PlanSerializer(serializers.Serializer):
    """A move on the schedule board: a room and a start, with the end or the length (by
    default the session keeps its length), and the version of the session the board
    saw."""

    room = ExpoSlugField(queryset=Room.objects, help_text="The room's short name.")
    start = MomentField(help_text="Without an offset: the expo's local time.")
    end = MomentField(required=False, help_text="A new end changes the session's length.")
    minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=24 * 60, help_text="Or the new length."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version the move is based on; another one is refused as stale.",
    )

    def validate(self, attrs):
        if "end" in attrs and "minutes" in attrs:
            raise serializers.ValidationError(
                {"minutes": [_("Give the end or the length, not both.")]}
            )
        if "minutes" in attrs:
            # Elapsed minutes, also across a change of the clocks.
            start = attrs["start"].astimezone(dt.UTC)
            attrs["end"] = start + dt.timedelta(minutes=attrs.pop("minutes"))
        return attrs


class VersionSerializer(serializers.Serializer):
    """The version of the session a board's move is based on."""

    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class BoardSessionSerializer(PlannedSessionSerializer):
    """A session as the organisers see it, with the warnings the schedule board shows
    on its card: the answer to the board's moves."""

    warnings = serializers.SerializerMethodField()

    class Meta(PlannedSessionSerializer.Meta):
        fields = [*PlannedSessionSerializer.Meta.fields, "warnings"]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
        }
    )
    def get_warnings(self, session):
        warnings = selectors.plan_warnings(session.expo, [session]).get(session.pk, [])
        return [{"code": warning.code, "message": warning.message} for warning in warnings]


class ScheduleReleaseSerializer(serializers.ModelSerializer):
    """A release of the schedule with what it changed, as it was recorded then."""

    class Meta:
        model = ScheduleRelease
        fields = ["number", "note", "note_translations", "released_at", "changes"]
        read_only_fields = ["number", "released_at", "changes"]
