"""How the OpenAPI schema describes the programme's own serializer fields."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class SpeakerListFieldScheme(OpenApiSerializerFieldExtension):
    """A session's speakers: written as ids, read as objects. This describes one item;
    the list around it comes from ``many=True``."""

    target_class = "events.serializers.SpeakerListField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer", "description": "A speaker's id."}
        return {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "organisation": {"type": "string"},
            },
            "required": ["id", "name", "organisation"],
        }
