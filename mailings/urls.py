from django.urls import path

from . import views

app_name = "mailings"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("group/", views.group_subscribe, name="group_subscribe"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.delivery, name="delivery"),
    path("log/", views.log, name="log"),
]
