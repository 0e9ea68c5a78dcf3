from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("masuk/", views.incoming, name="incoming"),
    path("keluar/", views.outgoing, name="outgoing"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/terima/", views.accept, name="accept"),
    path("<int:pk>/tolak/", views.reject, name="reject"),
    path("<int:pk>/batalkan/", views.revoke, name="revoke"),
    path("<int:pk>/selesai/", views.complete, name="complete"),
    path("kasus/<int:case_pk>/baru/", views.create, name="create"),
    path("kasus/<int:case_pk>/persetujuan/", views.consents, name="consents"),
    path("persetujuan/<int:pk>/tarik/", views.withdraw_consent, name="withdraw_consent"),
    path("organisasi/", views.organisation_options, name="organisation_options"),
    path("organisasi/pengguna/", views.user_options, name="user_options"),
]
