"""Django's own session table is emptied: sessions now live in shop.Session, and a session left
there would come back to life if the release were rolled back after its owner had logged out of
this one. Everyone logs in once more after this release (README, Deploying)."""

from django.db import migrations


def end_djangos_sessions(apps, schema_editor):
    sessions = apps.get_model("sessions", "Session")
    sessions.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial"), ("sessions", "0001_initial")]

    operations = [migrations.RunPython(end_djangos_sessions, migrations.RunPython.noop)]
