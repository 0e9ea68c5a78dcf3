from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("katalog/", views.catalogue_page, name="catalogue"),
    path("kasus/<int:case_pk>/baru/", views.plan_create, name="create"),
    path("kasus/<int:case_pk>/layanan/baru/", views.service_add, name="service_add"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/ajukan/", views.plan_submit, name="submit"),
    path("<int:plan_pk>/tujuan/", views.goal_add, name="goal_add"),
    path("tujuan/<int:pk>/", views.goal_update, name="goal_update"),
    path("layanan/<int:pk>/mulai/", views.service_start, name="service_start"),
    path("layanan/<int:pk>/selesai/", views.service_complete, name="service_complete"),
    path("layanan/<int:pk>/batal/", views.service_cancel, name="service_cancel"),
    path("layanan/<int:pk>/tolak/", views.service_decline, name="service_decline"),
]
