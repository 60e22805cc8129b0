# Snapshot indexes without the two that cost writes and disk for nothing (docs/analytics.md): the page has
# the (page, date) unique index; the user who entered a value is indexed only where there is one.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("socialstats", "0013_pagelatest_date_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="snapshot",
            name="page",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="snapshots",
                to="socialstats.socialpage",
            ),
        ),
        migrations.AlterField(
            model_name="snapshot",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="snapshot",
            index=models.Index(
                condition=models.Q(("recorded_by__isnull", False)),
                fields=["recorded_by"],
                name="snapshot_recorded_by_idx",
            ),
        ),
    ]
