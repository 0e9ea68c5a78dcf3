from django.urls import path

from . import views, views_work

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("dari-laporan/<int:report_pk>/", views.open_case, name="open"),
    path("lampirkan/<int:report_pk>/", views.attach, name="attach"),
    path("cari-anak/", views.child_search, name="child_search"),
    path("tugas/", views.task_list, name="tasks"),
    path("<int:pk>/tahap/", views_work.move, name="move"),
    path("<int:pk>/kontak-pertama/", views_work.first_contact, name="first_contact"),
    path("<int:pk>/usul-tutup/", views_work.propose_closure, name="propose_closure"),
    path("<int:pk>/buka-kembali/", views_work.reopen, name="reopen"),
    path("<int:pk>/risiko/", views_work.review_risk, name="review_risk"),
    path("<int:pk>/catatan/", views_work.add_note, name="add_note"),
    path("<int:pk>/keluarga/", views_work.family_member, name="family_add"),
    path("<int:pk>/keluarga/<int:member_pk>/", views_work.family_member, name="family_edit"),
    path("persetujuan/<int:approval_pk>/", views_work.decide, name="decide"),
    path("pemantauan/<int:follow_up_pk>/", views_work.follow_up, name="follow_up"),
]
