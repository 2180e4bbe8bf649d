from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using, **kwargs):
    """`migrate` also creates the table of the database cache (the default cache without
    REDIS_URL), as Django's createcachetable would: one step fewer to forget. A table that
    exists is left as it is. Arguments as post_migrate sends them: `using` is the database."""
    call_command("createcachetable", database=using, verbosity=0)


class ShopConfig(AppConfig):
    """The project itself, for what belongs to no app: the cache's table."""

    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        post_migrate.connect(create_cache_tables, dispatch_uid="shop_create_cache_tables")
