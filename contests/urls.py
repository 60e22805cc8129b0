from django.urls import path

from . import views

app_name = "contests"

urlpatterns = [
    path("", views.contest_list, name="list"),
    path("new/", views.contest_create, name="create"),
    path("<int:pk>/", views.contest_detail, name="detail"),
    path("<int:pk>/edit/", views.contest_edit, name="edit"),
    path("<int:pk>/criteria/", views.criteria_edit, name="criteria"),
    path("<int:pk>/entries/generate/", views.entries_generate, name="entries_generate"),
    path("<int:pk>/entries/add/", views.entry_add, name="entry_add"),
    path("<int:pk>/entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/jurors/add/", views.juror_add, name="juror_add"),
    path("<int:pk>/jurors/<int:juror_id>/remove/", views.juror_remove, name="juror_remove"),
    path("<int:pk>/jurors/<int:juror_id>/reopen/", views.juror_reopen, name="juror_reopen"),
    path("<int:pk>/conflicts/", views.conflict_set, name="conflict_set"),
    path("<int:pk>/status/<slug:action>/", views.contest_transition, name="transition"),
    path("<int:pk>/ranking/", views.contest_ranking, name="ranking"),
    path("<int:pk>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("<int:pk>/resolution/", views.resolution_edit, name="resolution"),
    path("<int:pk>/resolution.docx", views.resolution_docx, name="resolution_docx"),
    path("<int:pk>/certificates.pdf", views.certificates_pdf, name="certificates"),
    path("<int:pk>/jury/", views.jury_board, name="jury"),
    path("<int:pk>/jury/<int:entry_id>/", views.jury_score, name="jury_score"),
    path("<int:pk>/jury/<int:entry_id>/recuse/", views.jury_recuse, name="jury_recuse"),
    path("<int:pk>/jury/submit/", views.jury_submit, name="jury_submit"),
    path("<int:pk>/news/<int:entry_id>/", views.entry_news, name="entry_news"),
    path(
        "<int:pk>/news/<int:entry_id>/photos/<int:photo_pk>/<str:variant>/",
        views.entry_news_photo,
        name="entry_news_photo",
    ),
    path("<int:pk>/results/", views.contest_results, name="results"),
]
