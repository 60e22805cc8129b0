"""The posts reports, included into socialstats/urls.py under the app's namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("posts/", views.top_posts, name="posts_top"),
    path("posts/hours/", views.best_hours, name="posts_hours"),
    path("posts/frequency/", views.frequency, name="posts_frequency"),
    path("posts/kinds/", views.content_kinds, name="posts_kinds"),
    path("pages/<int:pk>/posts/", views.page_posts, name="page_posts"),
]
