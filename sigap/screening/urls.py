from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.screening_list, name="list"),
    path("instrumen/", views.instrument_list, name="instruments"),
    path("instrumen/<slug:instrument_id>/<str:version>/", views.instrument_detail, name="instrument"),
    path("baru/<slug:instrument_id>/", views.screening_create, name="create"),
    path("<int:pk>/", views.screening_detail, name="detail"),
    path("kasus/<int:case_id>/hasil-alat/", views.external_result_create, name="external"),
]
