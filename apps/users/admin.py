from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "first_name", "last_name"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "first_name", "last_name"]
    raw_id_fields = ["user"]
