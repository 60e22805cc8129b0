from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from orgs.people_forms import InvitationAwarePasswordResetForm

from . import audit, views
from .login_throttle import LockoutLiftingSetPasswordForm

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
    # Forgotten password and the invitation link (orgs.services.user_invite): Django's reset flow.
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=InvitationAwarePasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=LockoutLiftingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("orgs/", include("orgs.urls")),
    path("stats/", include("socialstats.urls")),
    path("news/", include("news.urls")),
    path("contests/", include("contests.urls")),
    path("api/", include("api.urls")),
    path("mailings/", include("mailings.urls")),
    path("alerts/", include("alerts.urls")),
    path("admin/", admin.site.urls),
]
