from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Hall, Track
from expo.validation import DayField

from . import selectors
from .models import Booth, Exhibitor, Lead


class ExhibitorSerializer(serializers.ModelSerializer):
    themes = serializers.SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Track.objects
    )
    booths = serializers.SerializerMethodField()

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "name",
            "tagline",
            "description",
            "name_translations",
            "tagline_translations",
            "description_translations",
            "website",
            "contact_email",
            "contact_phone",
            "themes",
            "tier",
            "days",
            "staff_badge_limit",
            "logo",
            "booths",
        ]
        read_only_fields = ["logo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expo = self.context.get("expo")
        if expo is not None:
            self.fields["themes"].child_relation.queryset = Track.objects.filter(expo=expo)

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(), help_text="booth, hall and days")
    )
    def get_booths(self, exhibitor):
        return [
            {
                "id": booth.pk,
                "code": booth.code,
                "hall": booth.hall.slug,
                "days": [day.isoformat() for day in days],
            }
            for booth, days in selectors.booths_of(exhibitor)
        ]


class BoothSerializer(serializers.ModelSerializer):
    hall = serializers.SlugRelatedField(slug_field="slug", queryset=Hall.objects)
    exhibitor = serializers.PrimaryKeyRelatedField(
        queryset=Exhibitor.objects, required=False, allow_null=True, write_only=True
    )
    days = serializers.ListField(child=DayField(), required=False, write_only=True)
    exhibitors = serializers.SerializerMethodField()

    class Meta:
        model = Booth
        fields = [
            "id",
            "code",
            "hall",
            "x",
            "y",
            "width",
            "depth",
            "exhibitor",
            "days",
            "exhibitors",
        ]
        # A code used twice in a hall is a conflict (409), found by the database.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expo = self.context.get("expo")
        if expo is not None:
            self.fields["hall"].queryset = Hall.objects.filter(expo=expo)
            self.fields["exhibitor"].queryset = Exhibitor.objects.filter(expo=expo)

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(), help_text="who has the booth on which days"
        )
    )
    def get_exhibitors(self, booth):
        holders = {}
        for booth_day in booth.booth_days.all():
            holders.setdefault(booth_day.exhibitor_id, []).append(booth_day.day.isoformat())
        return [{"exhibitor": pk, "days": days} for pk, days in holders.items()]

    def to_representation(self, booth):
        """Besides every holder in ``exhibitors``, the contract's ``exhibitor`` and
        ``days``: who has the booth today, or else first, and on which days."""
        data = super().to_representation(booth)
        expo = self.context.get("expo") or booth.expo
        today = expo.local_day(timezone.now()).isoformat()
        holders = data["exhibitors"]
        current = next((h for h in holders if today in h["days"]), holders[0] if holders else None)
        data["exhibitor"] = current["exhibitor"] if current else None
        data["days"] = current["days"] if current else []
        return data


class MemberRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.get_full_name")
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)


class LeadRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=500)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)


class LeadChangeSerializer(serializers.Serializer):
    """A lead's note and rating after the scan; a field left out keeps its value, a
    ``null`` rating clears it."""

    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)


class LeadSerializer(serializers.ModelSerializer):
    """Contact details only where the visitor consents; otherwise ``null``, and
    ``contact`` says why: ``not_shared``, or ``erased`` once the visitor was erased."""

    scanned_by = serializers.CharField(source="scanned_by.username", allow_null=True)
    contact = serializers.ChoiceField(choices=Lead.Contact.choices, read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "ticket",
            "scanned_at",
            "scanned_by",
            "note",
            "rating",
            "name",
            "email",
            "organisation",
            "contact",
        ]

    def _consented(self, lead, field):
        return getattr(lead.ticket, field) if lead.consented else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name(self, lead):
        return self._consented(lead, "holder_name")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_email(self, lead):
        return self._consented(lead, "holder_email")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organisation(self, lead):
        return self._consented(lead, "organisation")
