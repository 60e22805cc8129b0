from django.urls import path

from . import people_views, views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_tree, name="tree"),
    path("list/", views.organisation_list, name="list"),
    path("import/", views.organisation_import, name="import"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/children/", views.organisation_children, name="children"),
    path("<int:pk>/people/", people_views.people, name="people"),
    path("<int:pk>/people/<int:assignment_pk>/remove/", people_views.people_remove, name="people_remove"),
    path("profile/", people_views.profile, name="profile"),
]
