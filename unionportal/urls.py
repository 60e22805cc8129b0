from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import audit, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("history/<str:label>/<int:pk>/", audit.object_history, name="object_history"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("orgs/", include("orgs.urls")),
    path("stats/", include("socialstats.urls")),
    path("news/", include("news.urls")),
    path("contests/", include("contests.urls")),
    path("admin/", admin.site.urls),
]
