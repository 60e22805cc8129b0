"""Each post's engagement and ERR (%) as columns the database computes from the row (generated, stored), and
the indexes of the union-wide top posts and of the heat map / content kinds (issue 16, docs/posts.md «Reports»).

On PostgreSQL adding a stored generated column rewrites the table (once per column: about 10 s per million posts),
which leaves its visibility map empty: the heat map's index-only scan needs it, so the migration ends with a
VACUUM ANALYZE of the table (outside a transaction; the nightly refresh's autovacuum keeps it set afterwards).
"""

from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf


def vacuum_posts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE socialstats_post")


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run inside a transaction
    dependencies = [
        ("socialstats", "0011_pagelatest_first_date_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="engagement_rate",
            field=models.GeneratedField(
                db_persist=True,
                expression=Cast(
                    Coalesce("likes", 0) + Coalesce("comments", 0) + Coalesce("reposts", 0), models.FloatField()
                )
                * Value(100)
                / NullIf(F("subscribers"), 0),
                output_field=models.FloatField(),
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="err_rate",
            field=models.GeneratedField(
                db_persist=True,
                expression=Cast("views", models.FloatField()) * Value(100) / NullIf(F("subscribers"), 0),
                output_field=models.FloatField(),
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=Q(engagement_rate__isnull=False),
                fields=["-engagement_rate", "-published_at", "-id"],
                name="post_engagement_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=Q(err_rate__isnull=False),
                fields=["-err_rate", "-published_at", "-id"],
                name="post_err_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=Q(views__isnull=False), fields=["-views", "-published_at", "-id"], name="post_views_rank_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=Q(subscribers__isnull=False, weekday__isnull=False, hour__isnull=False),
                fields=["published_at", "weekday", "hour", "kind", "engagement_rate", "page"],
                name="post_stored_cells_idx",
            ),
        ),
        migrations.RunPython(vacuum_posts, migrations.RunPython.noop, elidable=True),
    ]
