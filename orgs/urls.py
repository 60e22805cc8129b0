from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_tree, name="tree"),
    path("list/", views.organisation_list, name="list"),
    path("import/", views.organisation_import, name="import"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/children/", views.organisation_children, name="children"),
]
