from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from sigap import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("sigap.people.urls")),
    path("wilayah/", include("sigap.regions.urls")),
    path("", include("sigap.intake.urls")),
    path("kasus/", include("sigap.cases.urls")),
    path("anak/", include("sigap.identity.urls")),
    path("asesmen/", include("sigap.assessments.urls")),
    path("rencana/", include("sigap.plans.urls")),
    path("rujukan/", include("sigap.referrals.urls")),
    path("hukum/", include("sigap.legal.urls")),
    path("dokumen/", include("sigap.documents.urls")),
    path("kotak-masuk/", include("sigap.inbox.urls")),
    path("skrining/", include("sigap.screening.urls")),
    path("registri/", include("sigap.registry.urls")),
    path("audit/", include("sigap.audit.urls")),
    path("api/", include("sigap.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler400 = "sigap.views.bad_request"
handler403 = "sigap.views.permission_denied"
handler404 = "sigap.views.page_not_found"
handler500 = "sigap.views.server_error"
