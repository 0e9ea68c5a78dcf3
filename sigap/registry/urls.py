from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/kemajuan/", views.run_progress, name="progress"),
    path("<int:pk>/baris-ditolak.csv", views.errors_csv, name="errors_csv"),
    path("<int:pk>/kecamatan/<str:code>/", views.district, name="district"),
    path("<int:pk>/kecamatan/<str:code>/xlsx/", views.district_xlsx, name="district_xlsx"),
    path("<int:pk>/desa/<str:code>/", views.village, name="village"),
    path("penjangkauan/<int:pk>/status/", views.entry_status, name="entry_status"),
]
