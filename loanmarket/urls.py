from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partners.api import api as partner_api

from . import views

admin.site.site_header = _("LoanMarket administration")
admin.site.site_title = _("LoanMarket admin")
# The admin signs in through allauth: its rate limits, its locks and the TOTP step. The
# admin's own password form is never used; loanmarket/mfa.py makes staff set up TOTP.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("agreement/", views.user_agreement, name="agreement"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/partner/v1/", partner_api.urls),
    path("partner/", include("partners.portal.urls")),
    path("", include("applications.urls")),
    path("", include("lenders.urls")),
]

if settings.DEBUG:
    # Uploaded lender logos, in development only; production serves MEDIA_URL from its proxy.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
