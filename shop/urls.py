from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from apps.market.views import catalogue
from apps.users import views as users_views

from . import media, views

urlpatterns = [
    path("", catalogue.home, name="home"),
    re_path(r"^healthz/?$", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("market/", include("apps.market.urls")),
    # django-allauth's pages (login, logout, password, email) under the seed's prefix, with
    # its sign-up page answered by the shop's (apps.users.views.SignupView)...
    path("users/user/signup/", users_views.signup),
    path("users/user/", include("allauth.urls")),
    # ...at the seed's path too. Listed after allauth's own, so that reverse() of
    # "account_signup" gives this path (the last pattern of a name wins).
    path("users/user/register/", users_views.signup, name="account_signup"),
    path("users/", include("apps.users.urls")),
    path("history/", include("apps.history.urls")),
    path("orders/", include("apps.orders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if not settings.S3_BUCKET:  # pictures on the file system, served by the shop (shop/media.py)
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media.media, name="media"))
