from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("profile/", views.profile_list, name="profile_list"),
    path("profile/me/", views.profile_me, name="profile_me"),
    path("profile/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profile/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    # Beside django-allauth's pages under /users/user/; "deleto" is the seed's spelling.
    path("user/delete/<int:pk>/", views.account_delete, name="account_delete"),
    path("user/deleto/<int:pk>/", views.account_delete, name="account_deleto"),
]
