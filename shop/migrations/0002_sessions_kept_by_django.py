"""The sessions Django's own table kept before shop.Session took over: nobody is logged out by
the change."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.utils import timezone


def copy_sessions(apps, schema_editor):
    kept, ours = apps.get_model("sessions", "Session"), apps.get_model("shop", "Session")
    database = schema_editor.connection.alias
    decode = SessionStore().decode  # the salt of the sessions it wrote
    batch = []
    for session in kept.objects.using(database).filter(expire_date__gt=timezone.now()).iterator():
        user_id = decode(session.session_data).get(SESSION_KEY)
        batch.append(
            ours(
                session_key=session.session_key,
                session_data=session.session_data,
                expire_date=session.expire_date,
                user_id=int(user_id) if str(user_id).isdigit() else None,
            )
        )
        if len(batch) == 1000:
            ours.objects.using(database).bulk_create(batch, ignore_conflicts=True)
            batch = []
    ours.objects.using(database).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial"), ("sessions", "0001_initial")]

    operations = [migrations.RunPython(copy_sessions, migrations.RunPython.noop)]
