from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("lapor/", views.report_create, name="create"),
    path("lapor/terkirim/<str:code>/", views.report_submitted, name="submitted"),
    path("lacak/", views.track, name="track"),
    path("laporan-saya/", views.my_reports, name="mine"),
    path("triase/", views.queue, name="queue"),
    path("laporan/<int:pk>/", views.report_detail, name="detail"),
    path("laporan/<int:pk>/triase/", views.report_triage, name="triage"),
    path("laporan/<int:pk>/tutup/", views.report_close, name="close"),
]
