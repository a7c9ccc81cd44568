from django.contrib.auth import views as auth_views
from django.urls import path

from enlist.accounts import views

urlpatterns = [
    path("login/", views.sign_in, name="staff-login"),
    path("login/code/", views.sign_in_code, name="staff-login-code"),
    path("login/enrol/", views.sign_in_enrol, name="staff-login-enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
]
