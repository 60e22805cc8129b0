from django.urls import path

from .collection import views as collection_views
from .posts.urls import urlpatterns as posts_urlpatterns
from .registry import views
from .reports import list_views
from .reports import views as report_views

app_name = "socialstats"

urlpatterns = [
    # The registry of social pages
    path("pages/", views.page_list, name="page_list"),
    path("pages/add/", views.page_add, name="page_add"),
    path("pages/import/", views.pages_import, name="pages_import"),
    path("pages/<int:pk>/", views.page_detail, name="page_detail"),
    path("pages/<int:pk>/edit/", views.page_edit, name="page_edit"),
    path("pages/<int:pk>/archive/", views.page_archive, name="page_archive"),
    path("pages/<int:pk>/official/", views.page_official, name="page_official"),
    path("pages/<int:pk>/snapshot/", views.snapshot_add, name="snapshot_add"),
    path("snapshots/import/", views.snapshots_import, name="snapshots_import"),
    # Websites and print publications of an organisation
    path("websites/import/", views.website_stats_import, name="website_stats_import"),
    # The registry across the union: every website, every print title of the scope
    path("websites/", views.website_registry, name="website_registry"),
    path("print/", views.publication_registry, name="publication_registry"),
    path("org/<int:pk>/resources/", views.organisation_resources, name="resources"),
    path("org/<int:org_pk>/websites/add/", views.website_edit, name="website_add"),
    path("org/<int:org_pk>/websites/<int:pk>/edit/", views.website_edit, name="website_edit"),
    path("org/<int:org_pk>/websites/<int:pk>/stats/add/", views.website_stat_add, name="website_stat_add"),
    path("org/<int:org_pk>/publications/add/", views.publication_edit, name="publication_add"),
    path("org/<int:org_pk>/publications/<int:pk>/edit/", views.publication_edit, name="publication_edit"),
    # --- collection (nightly job runs, failed pages, manual start, progress) ---
    path("collection/", collection_views.collection_list, name="collection_list"),
    path("collection/start/", collection_views.collection_start_view, name="collection_start"),
    path("collection/<int:pk>/", collection_views.collection_detail, name="collection_detail"),
    path("collection/<int:pk>/progress/", collection_views.collection_progress, name="collection_progress"),
    # --- end of collection ---
    # --- Reports (issue 4: growth, printed layout, dashboard, silent pages, engagement, reach, charts) ---
    path("growth/", report_views.growth_table, name="growth"),
    path("growth/printed/", report_views.growth_printed, name="growth_printed"),
    path("growth/charts/", report_views.growth_charts, name="growth_charts"),
    path("audience/", report_views.audience_moves, name="audience"),
    path("dashboard/", report_views.dashboard, name="dashboard"),
    path("silent/", list_views.silent_pages, name="silent"),
    path("engagement/", list_views.engagement, name="engagement"),
    path("reach/", report_views.reach, name="reach"),
    # --- /Reports ---
    # --- Posts reports (issue 16: top posts, best hours, frequency, kinds, a page's posts) ---
    *posts_urlpatterns,
]
