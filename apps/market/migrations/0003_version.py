from django.db import migrations, models


def create_catalogue_version(apps, schema_editor):
    apps.get_model("market", "Version").objects.get_or_create(name="catalogue")


class Migration(migrations.Migration):
    dependencies = [("market", "0002_search_trigram_indexes")]

    operations = [
        migrations.CreateModel(
            name="Version",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=50, primary_key=True, serialize=False, verbose_name="name"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0, verbose_name="number")),
            ],
            options={"verbose_name": "version", "verbose_name_plural": "versions"},
        ),
        # The row bump() moves, there from the start so that no change has to create it.
        migrations.RunPython(create_catalogue_version, migrations.RunPython.noop),
    ]
