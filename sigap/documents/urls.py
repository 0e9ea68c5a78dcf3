from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("kasus/<int:case_pk>/unggah/", views.upload, name="upload"),
    path("<int:pk>/unduh/", views.download, name="download"),
    path("<int:pk>/hapus/", views.delete, name="delete"),
]
