from django.urls import path

from . import views, views_odk

app_name = "screening"

urlpatterns = [
    path("", views.screening_list, name="list"),
    path("instrumen/", views.instrument_list, name="instruments"),
    path("instrumen/<slug:instrument_id>/<str:version>/", views.instrument_detail, name="instrument"),
    path("baru/<slug:instrument_id>/", views.screening_create, name="create"),
    path("<int:pk>/", views.screening_detail, name="detail"),
    path("kasus/<int:case_id>/hasil-alat/", views.external_result_create, name="external"),
    path("odk/", views_odk.odk_export, name="odk_export"),
    path("odk/impor/", views_odk.odk_import, name="odk_import"),
    path("odk/<slug:form_id>.xlsx", views_odk.odk_xlsform, name="odk_xlsform"),
    path("odk/<slug:form_id>.xml", views_odk.odk_xform, name="odk_xform"),
]
