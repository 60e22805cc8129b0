from django.urls import path

from . import report_views

app_name = "socialstats"

urlpatterns: list = [
    # --- Reports (issue 4: growth, printed layout, dashboard, silent pages, engagement, reach, charts) ---
    path("growth/", report_views.growth_table, name="growth"),
    path("growth/printed/", report_views.growth_printed, name="growth_printed"),
    path("growth/charts/", report_views.growth_charts, name="growth_charts"),
    path("dashboard/", report_views.dashboard, name="dashboard"),
    path("silent/", report_views.silent_pages, name="silent"),
    path("engagement/", report_views.engagement, name="engagement"),
    path("reach/", report_views.reach, name="reach"),
    # --- /Reports ---
]
