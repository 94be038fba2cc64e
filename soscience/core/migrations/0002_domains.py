from django.db import migrations

DOMAINS = [
    ("water", "Eau et assainissement", "Water and sanitation"),
    ("energy", "Énergie", "Energy"),
    ("agriculture", "Agriculture et alimentation", "Agriculture and food"),
    ("health", "Santé et dispositifs médicaux", "Health and medical devices"),
    ("building", "Bâtiment et habitat", "Building and housing"),
    ("materials", "Matériaux et recyclage", "Materials and recycling"),
    ("environment", "Mesure de l'environnement", "Environmental sensing"),
    ("data", "Données et logiciel", "Data and software"),
    ("assistive", "Technologies d'assistance", "Assistive technology"),
    ("education", "Éducation et médiation scientifique", "Education and outreach"),
    ("chemistry", "Chimie", "Chemistry"),
]


def create_domains(apps, schema_editor):
    Domain = apps.get_model("core", "Domain")
    for position, (slug, fr, en) in enumerate(DOMAINS):
        Domain.objects.update_or_create(
            slug=slug, defaults={"name_fr": fr, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
