from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import token_views, views, widget_views

app_name = "api"

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("pages", views.PageViewSet, basename="page")
router.register("snapshots", views.SnapshotViewSet, basename="snapshot")
router.register("contests", views.ContestViewSet, basename="contest")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the sidecar's static files; its start script is a separate file (no inline script for CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    # The public widget (opt-in per organisation) and its settings.
    path("widget/<int:pk>.json", widget_views.widget_json, name="widget_json"),
    path("widget/<int:pk>/", widget_views.widget_card, name="widget_card"),
    path("widget/<int:pk>/settings/", widget_views.widget_settings, name="widget_settings"),
    path("v1/growth/", views.GrowthView.as_view(), name="growth"),
    path("v1/news-completeness/", views.NewsCompletenessView.as_view(), name="news_completeness"),
    path("v1/contests/<int:pk>/results/", views.ContestResultsView.as_view(), name="contest_results"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", views.not_found),
]
