from django.contrib import admin
from django.urls import include, path

from enlist.api import api

admin.site.site_header = "Enlist administration"
admin.site.site_title = "Enlist"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("enlist.cases.urls")),
    path("", include("enlist.intake.urls")),
]
