from django.urls import path

from shop.http import by_method

from . import views

app_name = "users"

urlpatterns = [
    path(
        "profile/",
        by_method(GET=views.profile_list, POST=views.profile_create),
        name="profile_list",
    ),
    path("profile/me/", views.profile_me, name="profile_me"),
    path(
        "profile/<int:pk>/",
        by_method(GET=views.profile_detail, PUT=views.profile_update, DELETE=views.profile_delete),
        name="profile_detail",
    ),
    path("profile/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    # Beside django-allauth's pages under /users/user/; "deleto" is the seed's spelling.
    path(
        "user/delete/<int:pk>/",
        by_method(GET=views.account_delete_confirm, DELETE=views.account_delete),
        name="account_delete",
    ),
    path(
        "user/deleto/<int:pk>/",
        by_method(GET=views.account_delete_confirm, DELETE=views.account_delete),
        name="account_deleto",
    ),
]
