from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sigap.cases.api import CaseViewSet
from sigap.intake.api import ReportViewSet, track
from sigap.regions.api import RegionViewSet

router = DefaultRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("cases", CaseViewSet, basename="case")
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("track/<str:code>/", track, name="api-track"),
    path("", include(router.urls)),
]
