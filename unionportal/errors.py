"""Error pages in the portal's own layout, in Russian, whatever DEBUG says.

With DEBUG off Django renders templates/403.html, 404.html and 500.html itself. With DEBUG on (`make run`)
it shows its English technical pages instead; for 403 and 404 — which a person meets in normal use, e.g.
behind a link to an organisation outside their scope — this middleware renders the portal's pages too.
A 500 under DEBUG keeps Django's traceback, which is what a developer running the portal needs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int) -> HttpResponse:
    return HttpResponse(render_to_string(f"{status}.html", request=request), status=status)


class PortalErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not request.path.startswith(settings.STATIC_URL or "/static/")
        ):
            return _page(request, 404)  # no URL matched: Django's technical 404 otherwise
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # Django's own handlers render the same templates
        if isinstance(exception, Http404):
            return _page(request, 404)
        if isinstance(exception, PermissionDenied):
            return _page(request, 403)
        return None
