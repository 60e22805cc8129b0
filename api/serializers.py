"""What the API returns. Model serializers for rows of the database, plain serializers for computed reports.

The plain ones exist so the OpenAPI schema describes every response exactly (schemathesis checks it).
"""

from __future__ import annotations

from rest_framework import serializers

from orgs.models import Organisation
from socialstats.models import Snapshot, SocialPage


class OrganisationSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="The parent's id; null at the top of your scope."
    )
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "parent_id",
            "depth",
            "kind",
            "name",
            "short_name",
            "display_name",
            "region",
            "members_count",
            "members_as_of",
            "is_active",
            "closed_on",
        ]


class PageSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.display_name", read_only=True)
    # Annotated by the view: the `taken_at` of the page's latest API snapshot.
    last_collected_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = SocialPage
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "network",
            "url",
            "handle",
            "title",
            "owner",
            "is_official",
            "status",
            "added_on",
            "archived_on",
            "last_collected_at",
        ]


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = [
            "id",
            "page",
            "date",
            "subscribers",
            "posts_30d",
            "last_post_at",
            "posts_counted",
            "likes",
            "comments",
            "reposts",
            "views",
            "source",
            "taken_at",
        ]


class GrowthRowSerializer(serializers.Serializer):
    """One row of the growth table, with the same numbers as its CSV and XLSX export."""

    label = serializers.CharField()
    network = serializers.CharField()
    organisation = serializers.CharField()
    organisation_id = serializers.IntegerField(allow_null=True)
    page_id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    pages = serializers.IntegerField()
    new_pages = serializers.IntegerField()
    is_new = serializers.BooleanField()
    at_a = serializers.IntegerField(allow_null=True, help_text="Subscribers on date A (null: no snapshot by then).")
    date_a = serializers.DateField(allow_null=True, help_text="The oldest snapshot date behind at_a.")
    stale_a = serializers.BooleanField()
    at_b = serializers.IntegerField(allow_null=True)
    date_b = serializers.DateField(allow_null=True)
    stale_b = serializers.BooleanField()
    change = serializers.IntegerField(help_text="at_b − at_a, a missing value counting as 0.")
    change_pct = serializers.FloatField(allow_null=True, help_text="change as % of at_a; null when at_a is 0 or null.")


class GrowthReportSerializer(serializers.Serializer):
    a = serializers.DateField()
    b = serializers.DateField()
    grouping = serializers.ChoiceField(choices=["page", "org", "territorial", "network"])
    level = serializers.IntegerField(help_text="Tree depth of the territorial level under the scope.")
    rows = GrowthRowSerializer(many=True)
    subtotals = GrowthRowSerializer(many=True, help_text="One per network when page rows mix networks.")
    total = GrowthRowSerializer()


class MonthTotalsSerializer(serializers.Serializer):
    month = serializers.DateField()
    expected = serializers.IntegerField()
    sent = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    open = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Sent of expected, %.")
    on_time_rate = serializers.FloatField(allow_null=True)


class CompletenessCellSerializer(serializers.Serializer):
    month = serializers.DateField()
    state = serializers.ChoiceField(choices=["on_time", "late", "missing", "open", "not_expected"])
    count = serializers.IntegerField()


class CompletenessPrimarySerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(source="organisation.pk")
    organisation = serializers.CharField(source="organisation.display_name")
    silent_months = serializers.IntegerField()
    cells = CompletenessCellSerializer(many=True)


class CompletenessTerritorySerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(source="territorial.pk", allow_null=True, default=None)
    organisation = serializers.CharField(source="territorial.display_name", allow_null=True, default=None)
    totals = MonthTotalsSerializer(many=True)
    primaries = CompletenessPrimarySerializer(many=True, source="rows")


class CompletenessSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.DateField())
    totals = MonthTotalsSerializer(many=True, source="union_totals")
    territories = CompletenessTerritorySerializer(many=True)


class ContestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    scope_id = serializers.IntegerField()
    scope = serializers.CharField(source="scope.display_name")
    level = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)


class ResultRowSerializer(serializers.Serializer):
    place = serializers.IntegerField()
    shared = serializers.BooleanField(help_text="The place is shared with another participant.")
    entry_id = serializers.IntegerField()
    title = serializers.CharField()
    organisation_id = serializers.IntegerField()
    total = serializers.FloatField()
    jury_total = serializers.FloatField()


class ContestResultsSerializer(serializers.Serializer):
    contest = ContestSerializer()
    participants = serializers.IntegerField(help_text="How many took part (all of them, not only the rows shown).")
    complete = serializers.BooleanField(help_text="False: only the user's own organisations' rows are shown.")
    rows = ResultRowSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
