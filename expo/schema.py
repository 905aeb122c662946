"""What the OpenAPI schema says beyond what drf-spectacular finds in the views.

Listed in ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``; each hook takes the finished
schema and returns it.
"""

import copy

WRITE_METHODS = {"post", "put", "patch", "delete"}

# The contract's error bodies (API.md, "Errors").
ERROR_COMPONENTS = {
    "FieldErrors": {
        "type": "object",
        "description": "Bad input: the messages of each field that is wrong, or a "
        "`detail` when the request itself cannot be read.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
    },
    "ConflictError": {
        "type": "object",
        "description": "A rule refuses the request against the current state; `code` "
        "names the rule (`sold_out`, `room_busy`, `booth_taken`, `in_use` …).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
    },
    "NotFoundError": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}

ERROR_RESPONSES = {
    "400": ("FieldErrors", "Bad input; nothing was written."),
    "404": ("NotFoundError", "No such object."),
    "409": ("ConflictError", "A rule refuses the request; nothing was written."),
}

# A time of day as the API reads and writes it: HH:MM, or HH:MM:SS with an optional
# fraction, without an offset (OpenAPI's ``format: time`` demands one).
TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
    "example": "09:00:00",
}


def document_errors(result, generator, request, public):
    """Every operation may answer ``400`` (any parameter may be bad), writes ``409``,
    and operations on one object ``404``, each with the contract's body."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(copy.deepcopy(ERROR_COMPONENTS))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400"]
            if method in WRITE_METHODS:
                codes.append("409")
            if "{" in path:
                codes.append("404")
            for code in codes:
                name, description = ERROR_RESPONSES[code]
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    },
                )
    return result


def times_of_day(result, generator, request, public):
    """Describe times of day by their pattern instead of ``format: time``."""
    pending = [result]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node.update({k: v for k, v in TIME_OF_DAY.items() if k not in node})
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return result
