from django.urls import path

from . import collection_views

app_name = "socialstats"

urlpatterns: list = [
    # --- collection (nightly job runs, failed pages, manual start, progress) ---
    path("collection/", collection_views.collection_list, name="collection_list"),
    path("collection/start/", collection_views.collection_start_view, name="collection_start"),
    path("collection/<int:pk>/", collection_views.collection_detail, name="collection_detail"),
    path("collection/<int:pk>/progress/", collection_views.collection_progress, name="collection_progress"),
    # --- end of collection ---
]
