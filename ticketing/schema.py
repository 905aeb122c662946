"""How the OpenAPI schema describes the scanner devices' tokens."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ScannerDeviceScheme(OpenApiAuthenticationExtension):
    target_class = "ticketing.authentication.ScannerDeviceAuthentication"
    name = "scannerDeviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` of a scanner device; good for its own expo only.",
        }
