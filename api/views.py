"""The read-only JSON API. Thin: every queryset comes from orgs.access or an app's selector, so a row outside
the token owner's scope is simply not there (a detail answers 404, as in the portal)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contests import selectors as contest_selectors
from contests.models import Contest, ContestStatus
from news import selectors as news_selectors
from news.months import local_today, months_back, parse_month
from orgs import access
from orgs.models import Organisation
from socialstats.models import Snapshot, SnapshotSource
from socialstats.registry.selectors import viewable_pages
from socialstats.reports import selectors as report_selectors
from socialstats.reports.filters import GROUPING_CHOICES, GrowthForm

from . import serializers
from .filters import OrganisationFilter, PageFilter, SnapshotFilter

NOT_FOUND = {404: serializers.ErrorSerializer}
BAD_INPUT = {400: OpenApiTypes.OBJECT}


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class SnapshotCursor(CursorPagination):
    """Snapshots are many and grow every night: a cursor keeps pages stable while rows are added."""

    page_size = 500
    max_page_size = 2000
    page_size_query_param = "page_size"
    ordering = "id"


@extend_schema_view(
    list=extend_schema(summary="Organisations in your scope, in tree order (parent_id links the tree)"),
    retrieve=extend_schema(
        summary="One organisation", responses={200: serializers.OrganisationSerializer, **NOT_FOUND}
    ),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    pagination_class = Pages
    filterset_class = OrganisationFilter

    def get_queryset(self):
        steplen = Organisation.steplen
        # The parent within the scope: the top organisations of a user's scope have none (null), as in the tree page.
        parent = access.viewable_organisations(self.request.user).filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - steplen)
        )
        return (
            access.viewable_organisations(self.request.user)
            .annotate(parent_id=Subquery(parent.values("pk")[:1]))
            .order_by("path")
        )


@extend_schema_view(
    list=extend_schema(summary="Social pages of the organisations in your scope"),
    retrieve=extend_schema(summary="One social page", responses={200: serializers.PageSerializer, **NOT_FOUND}),
)
class PageViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PageSerializer
    pagination_class = Pages
    filterset_class = PageFilter

    def get_queryset(self):
        # When the page was last collected: its latest API snapshot (a run no longer writes it into the page).
        collected = Snapshot.objects.filter(page=OuterRef("pk"), source=SnapshotSource.API).order_by("-date")
        return (
            viewable_pages(self.request.user)
            .select_related("organisation")
            .annotate(last_collected_at=Subquery(collected.values("taken_at")[:1]))
            .order_by("organisation__path", "pk")
        )


@extend_schema_view(list=extend_schema(summary="Snapshots (one per page per day), oldest first, by cursor"))
class SnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Only a list: a snapshot is found by page and dates through the filters."""

    serializer_class = serializers.SnapshotSerializer
    pagination_class = SnapshotCursor
    filterset_class = SnapshotFilter

    def get_queryset(self):
        return Snapshot.objects.filter(page__in=viewable_pages(self.request.user))


def _scope_paths(user, scope_id: int | None) -> list[str] | None:
    """The asked organisation's subtree (404 outside the user's scope), or the user's whole scope."""
    if scope_id:
        return [access.get_viewable_organisation_or_404(user, scope_id).path]
    return access.scope_paths(user)


def _growth_row(row) -> dict:
    values = row.as_dict()
    values.update(
        organisation_id=row.extra.get("organisation_id"),
        page_id=row.extra.get("page_id"),
        url=row.extra.get("url", ""),
    )
    return values


class GrowthView(APIView):
    @extend_schema(
        summary="Growth of subscribers between dates A and B: the growth table's numbers",
        parameters=[
            OpenApiParameter("a", OpenApiTypes.DATE, description="Date A (YYYY-MM-DD or DD.MM.YYYY)."),
            OpenApiParameter("b", OpenApiTypes.DATE, description="Date B; not earlier than A."),
            OpenApiParameter(
                "preset",
                OpenApiTypes.STR,
                enum=["this_month", "last_month", "quarter", "year"],
                description="A period instead of A and B. With neither: this month.",
            ),
            OpenApiParameter("scope", OpenApiTypes.INT, description="An organisation id: its subtree only."),
            OpenApiParameter(
                "networks",
                OpenApiTypes.STR,
                many=True,
                enum=[value for value, _label in GrowthForm.base_fields["networks"].choices],
                explode=True,
                description="Only these networks (repeat the parameter).",
            ),
            OpenApiParameter(
                "grouping", OpenApiTypes.STR, enum=[value for value, _label in GROUPING_CHOICES], description="Rows."
            ),
            OpenApiParameter("level", OpenApiTypes.INT, description="Tree depth of the territorial rows (1–12)."),
        ],
        responses={200: serializers.GrowthReportSerializer, **BAD_INPUT, **NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        form = GrowthForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        data = form.cleaned_data
        scope_paths = _scope_paths(request.user, data.get("scope"))
        report = report_selectors.growth_report(
            scope_paths=scope_paths,
            a=data["a"],
            b=data["b"],
            networks=tuple(sorted(data.get("networks") or ())),
            grouping=data.get("grouping") or "page",
            level=data.get("level"),
        )
        body = {
            "a": report.a,
            "b": report.b,
            "grouping": report.grouping,
            "level": report.level,
            "rows": [_growth_row(row) for row in report.rows],
            "subtotals": [_growth_row(row) for row in report.subtotals],
            "total": _growth_row(report.total),
        }
        return Response(serializers.GrowthReportSerializer(body).data)


def _form_errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


class NewsCompletenessView(APIView):
    @extend_schema(
        summary="Monthly news from primary organisations: sent, on time, late, missing (reviewers' scope)",
        parameters=[
            OpenApiParameter("until", OpenApiTypes.STR, description="The last month, YYYY-MM (default: this month)."),
            OpenApiParameter("months", OpenApiTypes.INT, description="How many months back (2–24, default 6)."),
        ],
        responses={200: serializers.CompletenessSerializer, **BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        until = request.query_params.get("until")
        last = parse_month(until) if until else local_today().replace(day=1)
        if last is None:
            raise exceptions.ValidationError({"until": [_("Give the month as YYYY-MM, e.g. 2026-10.")]})
        try:
            count = int(request.query_params.get("months", 6))
        except ValueError:
            count = 0
        if not 2 <= count <= 24:
            raise exceptions.ValidationError({"months": [_("Give a number of months from 2 to 24.")]})
        report = news_selectors.completeness(request.user, months_back(last, count))
        return Response(serializers.CompletenessSerializer(report).data)


def _published_contests(user):
    return contest_selectors.visible_contests(user).filter(status=ContestStatus.PUBLISHED)


@extend_schema_view(
    list=extend_schema(summary="Contests with published results that you take part in or oversee"),
    retrieve=extend_schema(summary="One contest", responses={200: serializers.ContestSerializer, **NOT_FOUND}),
)
class ContestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ContestSerializer
    pagination_class = Pages

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model for the schema
            return Contest.objects.none()
        return _published_contests(self.request.user)


class ContestResultsView(APIView):
    @extend_schema(
        summary="Places and totals of a published contest (participants see their own rows)",
        responses={200: serializers.ContestResultsSerializer, **NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        contest = get_object_or_404(_published_contests(request.user), pk=pk)
        ranking = contest_selectors.contest_ranking(contest)
        complete = contest_selectors.dashboard_contests(request.user).filter(pk=contest.pk).exists()
        rows = ranking.rows
        if not complete:
            own = set(
                contest.entries.filter(
                    access.path_filter(request.user, "organisation__path", roles=access.EDIT_ROLES)
                ).values_list("pk", flat=True)
            )
            rows = [row for row in rows if row.entry_id in own]
        body = {"contest": contest, "participants": len(ranking.rows), "complete": complete, "rows": rows}
        return Response(serializers.ContestResultsSerializer(body).data)


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/ (a malformed id included): JSON 404, like every API error."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
