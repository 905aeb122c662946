"""The Frab/c3voc schedule JSON format (https://c3voc.de/wiki/schedule), as a JSON
Schema written from its public specification: what conference apps such as Giggity,
ConfClerk and EventFahrplan need to import a schedule."""

HH_MM = {"type": "string", "pattern": r"^[0-9]{1,2}:[0-5][0-9]$"}
DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
# ISO 8601 with an explicit offset, as the format requires for moments
MOMENT = {
    "type": "string",
    "pattern": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?"
        r"([+-][0-9]{2}:[0-9]{2}|Z)$"
    ),
}
GUID = {
    "type": "string",
    "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}

PERSON = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "guid": GUID,
        "public_name": {"type": "string", "minLength": 1},
        "biography": {"type": ["string", "null"]},
    },
    "required": ["public_name"],
}

EVENT = {
    "type": "object",
    "properties": {
        "guid": GUID,
        "id": {"type": "integer"},
        "date": MOMENT,
        "start": HH_MM,
        "duration": HH_MM,
        "room": {"type": "string", "minLength": 1},
        "slug": {"type": "string", "minLength": 1},
        "url": {"type": "string", "format": "uri"},
        "title": {"type": "string", "minLength": 1},
        "subtitle": {"type": ["string", "null"]},
        "track": {"type": ["string", "null"]},
        "type": {"type": "string"},
        "language": {"type": "string", "pattern": r"^[a-z]{2}"},
        "abstract": {"type": ["string", "null"]},
        "description": {"type": ["string", "null"]},
        "logo": {"type": ["string", "null"]},
        "persons": {"type": "array", "items": PERSON},
        "links": {"type": "array"},
        "attachments": {"type": "array"},
        "recording_license": {"type": ["string", "null"]},
        "do_not_record": {"type": ["boolean", "null"]},
    },
    "required": [
        "guid",
        "id",
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
        "persons",
        "links",
    ],
}

DAY = {
    "type": "object",
    "properties": {
        "index": {"type": "integer", "minimum": 1},
        "date": DATE,
        "day_start": MOMENT,
        "day_end": MOMENT,
        "rooms": {"type": "object", "additionalProperties": {"type": "array", "items": EVENT}},
    },
    "required": ["index", "date", "day_start", "day_end", "rooms"],
}

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "$schema": {"type": "string"},
        "generator": {"type": "object"},
        "schedule": {
            "type": "object",
            "properties": {
                "version": {"type": "string", "minLength": 1},
                "base_url": {"type": "string", "format": "uri"},
                "conference": {
                    "type": "object",
                    "properties": {
                        "acronym": {"type": "string", "minLength": 1},
                        "title": {"type": "string", "minLength": 1},
                        "start": DATE,
                        "end": DATE,
                        "daysCount": {"type": "integer", "minimum": 1},
                        "timeslot_duration": HH_MM,
                        "time_zone_name": {"type": "string"},
                        "rooms": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"name": {"type": "string"}, "guid": GUID},
                                "required": ["name"],
                            },
                        },
                        "days": {"type": "array", "items": DAY, "minItems": 1},
                    },
                    "required": [
                        "acronym",
                        "title",
                        "start",
                        "end",
                        "daysCount",
                        "timeslot_duration",
                        "days",
                    ],
                },
            },
            "required": ["version", "conference"],
        },
    },
    "required": ["schedule"],
}
