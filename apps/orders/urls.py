from django.urls import path, re_path

from shop.http import by_method

from . import views

app_name = "orders"

urlpatterns = [
    path("", by_method(GET=views.order_list, POST=views.place_order), name="list"),
    path("checkout/", views.checkout, name="checkout"),
    path(
        "<int:pk>/",
        by_method(GET=views.order_detail, PUT=views.order_update),
        name="detail",
    ),
    # SPEC §8 writes these two without a trailing slash; both forms are served directly.
    re_path(r"^(?P<pk>[0-9]+)/cancel/?$", by_method(POST=views.order_cancel), name="cancel"),
    re_path(r"^export/?$", views.order_export, name="export"),
]
