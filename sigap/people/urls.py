from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.two_factor_view, name="two_factor"),
]
