"""How the OpenAPI schema describes the scanner devices' tokens and the holder's proof."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .access import ORDER_SECRET_HEADER


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


ORDER_SECRET = OpenApiParameter(
    ORDER_SECRET_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The order's secret, from the registration answer or the private link: "
    "proves the ticket's holder. Organisers of the expo need none; the badge code proves "
    "nothing.",
)

NOT_YOURS = OpenApiResponse(
    description="No such id, or not yours to see: without the order's secret (or as "
    "anyone but an organiser of its expo) an id that exists answers the same 404."
)
