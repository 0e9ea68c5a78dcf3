from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("kasus/<int:case_pk>/baru/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/ubah/", views.assessment_edit, name="edit"),
    path("<int:pk>/ajukan/", views.assessment_submit, name="submit"),
    path("kasus/<int:case_pk>/bia/", views.bia, name="bia"),
    path("kasus/<int:case_pk>/bid/", views.bid, name="bid"),
    path("kasus/<int:case_pk>/identifikasi/", views.identification, name="identification"),
    path("kasus/<int:case_pk>/identifikasi/riwayat/", views.identification_history, name="identification_history"),
]
