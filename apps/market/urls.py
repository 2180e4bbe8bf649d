from django.urls import path, re_path

from shop.http import by_method

from .views import cart, catalogue, export, pictures

app_name = "market"

urlpatterns = [
    path(
        "products/",
        by_method(GET=catalogue.product_list, POST=catalogue.product_create),
        name="product_list",
    ),
    path("products/new/", catalogue.product_new, name="product_new"),
    path(
        "products/<int:pk>/",
        by_method(
            GET=catalogue.product_detail,
            PUT=catalogue.product_update,
            DELETE=catalogue.product_delete,
        ),
        name="product_detail",
    ),
    path("products/<int:pk>/edit/", catalogue.product_edit, name="product_edit"),
    path(
        "products/<int:pk>/images/",
        by_method(POST=pictures.image_add),
        name="product_images",
    ),
    path(
        "products/<int:pk>/images/<int:image_id>/",
        by_method(PUT=pictures.image_make_main, DELETE=pictures.image_delete),
        name="product_image",
    ),
    path("products/<int:pk>/delete/", catalogue.product_delete_confirm, name="product_delete"),
    path(
        "category/",
        by_method(GET=catalogue.category_list, POST=catalogue.category_create),
        name="category_list",
    ),
    path("category/new/", catalogue.category_new, name="category_new"),
    path(
        "category/<int:pk>/",
        by_method(GET=catalogue.category_detail, PUT=catalogue.category_update),
        name="category_detail",
    ),
    path("category/<int:pk>/edit/", catalogue.category_edit, name="category_edit"),
    path("cart/", cart.cart_list, name="cart_list"),
    path(
        "cart/<int:pk>/",
        by_method(GET=cart.cart_detail, PUT=cart.cart_update),
        name="cart_detail",
    ),
    # The seed's path has no trailing slash; both forms are served directly (a download).
    re_path(r"^export/product/?$", export.product_export, name="product_export"),
]
