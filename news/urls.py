from django.urls import path

from . import views
from .reach import views as reach_views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("new/", views.news_create, name="create"),
    path("<int:pk>/", views.news_detail, name="detail"),
    path("<int:pk>/edit/", views.news_edit, name="edit"),
    path("<int:pk>/submit/", views.news_submit, name="submit"),
    path("<int:pk>/accept/", views.news_accept, name="accept"),
    path("<int:pk>/return/", views.news_return, name="return"),
    path("<int:pk>/publish/", views.news_publish, name="publish"),
    path("<int:pk>/forward/", views.news_forward, name="forward"),
    path("<int:pk>/union-accept/", views.news_union_accept, name="union_accept"),
    path("<int:pk>/take-back/<slug:action>/", views.news_withdraw, name="withdraw"),
    path("reopen/<int:pk>/withdraw/", views.month_reopening_withdraw, name="reopen_withdraw"),
    path("<int:pk>/photos/<int:photo_pk>/<str:variant>/", views.news_photo, name="photo"),
    path("<int:pk>/posts/confirm/", reach_views.post_confirm, name="post_confirm"),
    path("<int:pk>/posts/reject/", reach_views.post_reject, name="post_reject"),
    path("<int:pk>/posts/unlink/", reach_views.post_unlink, name="post_unlink"),
    path("review/", views.review_queue, name="review"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness.xlsx", views.completeness_xlsx, name="completeness_xlsx"),
    path("digest/<int:pk>/<str:month>.docx", views.digest_docx, name="digest_docx"),
    path("reopen/", views.month_reopen, name="reopen"),
    path("settings/", views.preferences, name="preferences"),
    path("reminders/", views.reminders, name="reminders"),
]
