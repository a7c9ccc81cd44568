"""The chain head row, and on PostgreSQL a trigger that refuses UPDATE and DELETE of audit rows.

The trigger is the database's own guarantee: whoever bypasses the ORM (a psql session, a
bug, an injected statement) still cannot rewrite or remove an entry. TRUNCATE is left alone
(test databases are flushed with it); a truncated chain is caught by `enlist audit verify`
through the chain head and the signed checkpoints. SQLite has no such guard here: there the
ORM refuses, and `verify` catches whatever bypasses it.
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_auditsubject")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
CREATE_TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # its "%" are not placeholders
    for table in TABLES:
        schema_editor.execute(CREATE_TRIGGER.format(table=table))


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, remove_trigger),
    ]
