from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from anxin.api import api
from anxin.portal.pwa import manifest, service_worker
from anxin.portal.views import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("anxin.accounts.urls")),
    path("accounts/", include("anxin.customers.urls")),  # customer sign-in, same address as before
    path("orders/", include("anxin.workorders.urls")),  # an order's photos, for everyone who may see it
    path("orders/", include("anxin.backoffice.urls")),
    path("console/", include("anxin.intake.urls")),
    path("areas/", include("anxin.network.urls")),  # coverage pages kept their /areas/ URLs
    path("dispatch/", include("anxin.dispatch.urls")),
    path("claims/", include("anxin.evidence.urls")),
    path("visits/", include("anxin.visits.urls")),
    path("parts/", include("anxin.parts.urls")),
    path("prices/", include("anxin.pricing.urls")),
    path("reports/", include("anxin.reports.urls")),
    path("live/", include("anxin.live.urls")),
    path("trust/", include("anxin.trust.urls")),
    path("uploads/", include("anxin.uploads.urls")),
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("", home, name="home"),
    path("", include("anxin.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
