from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("dari-laporan/<int:report_pk>/", views.open_case, name="open"),
    path("lampirkan/<int:report_pk>/", views.attach, name="attach"),
    path("cari-anak/", views.child_search, name="child_search"),
]
