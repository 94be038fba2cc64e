
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import DecimalField, Sum
from django.db.models.functions import ExtractYear


def fill(apps, schema_editor):
    """The rows of the hours validated so far (soscience.impact.rollup.rebuild, with the
    models of this point in the history)."""
    entries = apps.get_model("execution", "HoursEntry").objects.using(schema_editor.connection.alias)
    sums = (
        entries.filter(validated_at__isnull=False)
        .annotate(y=ExtractYear("worked_on"))
        .order_by()
        .values("mission_id", "volunteer_id", "y")
        .annotate(h=Sum("hours", output_field=DecimalField(max_digits=12, decimal_places=2)))
    )
    select, params = sums.query.sql_with_params()
    schema_editor.execute(
        f"INSERT INTO impact_validatedhours (mission_id, volunteer_id, year, hours) {select}",
        params,
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('missions', '0007_mission_order_list_index'),
        ('execution', '0004_deliverables_loan_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ValidatedHours',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('hours', models.DecimalField(decimal_places=2, max_digits=12)),
                ('mission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='missions.mission')),
                ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('mission', 'volunteer', 'year'), name='validatedhours_unique')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
