"""The Content-Security-Policy of every response (``CONTENT_SECURITY_POLICY`` in the
settings, written by django-csp), with one allowance.

The pages load scripts and styles from this site only and carry no inline script or
style. The API's HTML for people, DRF's browsable API and the Swagger UI at
``/api/docs/``, come from those packages' templates, which set ``style`` attributes and
draw icons from ``data:`` addresses; under ``/api/`` both are allowed, inline scripts
still are not.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware

API_PREFIX = "/api/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(API_PREFIX):
            parts.update = {
                **(parts.update or {}),
                "style-src": [UNSAFE_INLINE],
                "img-src": ["data:"],
            }
        return parts
