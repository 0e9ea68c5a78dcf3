from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:pk>/buka/", views.open_notification, name="open"),
    path("baca-semua/", views.mark_all_read, name="read_all"),
]
