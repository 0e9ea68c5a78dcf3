from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("kasus/<int:case_id>/gabung/", views.request_merge, name="request_merge"),
    path("kasus/<int:case_id>/gabung/<int:merge_id>/putuskan/", views.decide_merge, name="decide_merge"),
    path("kasus/<int:case_id>/gabung/<int:merge_id>/pisahkan/", views.undo_merge, name="undo_merge"),
]
