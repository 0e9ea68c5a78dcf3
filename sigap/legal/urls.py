from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("kasus/<int:case_pk>/rujukan-polisi/", views.police_referral, name="police_referral"),
]
for _slug, _kind in (
    ("polisi", "police_reports"),
    ("lpsk", "lpsk"),
    ("penuntutan", "prosecution"),
    ("restitusi", "restitution"),
    ("pelaku", "perpetrators"),
):
    urlpatterns += [
        path(f"kasus/<int:case_pk>/{_slug}/", views.record_page, {"kind": _kind}, name=_kind),
        path(f"kasus/<int:case_pk>/{_slug}/<int:pk>/", views.record_page, {"kind": _kind}, name=f"{_kind}_edit"),
    ]
