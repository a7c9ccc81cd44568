from django.contrib.auth import views as auth_views
from django.urls import path

from enlist.accounts import security_views, views

urlpatterns = [
    path("login/", views.sign_in, name="staff-login"),
    path("login/passkey/", views.sign_in_passkey, name="staff-login-passkey"),
    path("login/code/", views.sign_in_code, name="staff-login-code"),
    path("login/recovery/", views.sign_in_recovery, name="staff-login-recovery"),
    path("login/enrol/", views.sign_in_enrol, name="staff-login-enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    # signed in with both factors (accounts/middleware.py)
    path("login/step-up/", views.step_up, name="staff-step-up"),
    path("account/security/", security_views.security, name="account-security"),
    path("account/passkeys/new/", security_views.passkey_new, name="account-passkey-new"),
    path("account/passkeys/remove/", security_views.passkey_delete, name="account-passkey-remove"),
    path(
        "account/recovery-codes/",
        security_views.recovery_codes_new,
        name="account-recovery-codes",
    ),
    path("account/language/", security_views.language_set, name="account-language"),
    path("account/sessions/end/", security_views.session_end, name="account-session-end"),
]
