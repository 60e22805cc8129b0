from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/handle/", views.alert_handle, name="handle"),
    path("rules/", views.rule_settings, name="rules"),
]
