from django.contrib import admin
from django.urls import include, path

from enlist.api import api
from enlist.core import views as core_views
from enlist.reports import urls as reports_urls
from enlist.travel import urls as travel_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),  # process up
    path("readyz", core_views.readyz, name="readyz"),  # database, keys (and what apps add)
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("enlist.accounts.urls")),  # sign-in (password, then TOTP code)
    path("staff/", include("enlist.workspace.urls")),  # each role's start page
    path("staff/", include("enlist.cases.urls")),
    path("staff/", include("enlist.intake.staff_urls")),  # recording a contact, imports
    path("staff/", include("enlist.visas.urls")),
    path("staff/", include("enlist.logistics.urls")),
    path("staff/", include(travel_urls.staff_urlpatterns)),
    path("travel/", include(travel_urls.public_urlpatterns)),
    path("staff/interviews/", include("enlist.interviews.urls")),
    path("appointment/", include("enlist.interviews.public_urls")),  # signed applicant link
    path("staff/duplicates/", include("enlist.matching.urls")),  # HQ's review queue
    path("staff/mail/", include("enlist.mailin.urls")),  # mail drafts to complete
    path("audit/", include("enlist.workspace.audit_urls")),  # the auditor pages
    path("staff/reports/", include("enlist.reports.urls")),  # HQ's dashboard, a mission's view
    path("statistics/", include(reports_urls.public_urlpatterns)),  # public, from the snapshot
    path("", include("enlist.intake.urls")),
]

# Every error status in the site's layout, translated, with a way back (core/error_pages.py).
handler400 = "enlist.core.error_pages.bad_request"
handler403 = "enlist.core.error_pages.permission_denied"
handler404 = "enlist.core.error_pages.page_not_found"
handler500 = "enlist.core.error_pages.server_error"
