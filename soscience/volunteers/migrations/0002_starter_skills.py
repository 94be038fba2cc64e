"""A starter set of skills; the matching issue grows the taxonomy to a few hundred."""

from django.db import migrations

SKILLS = [
    ("water-treatment", "water", "Traitement de l'eau", "Water treatment", ""),
    ("hydraulics", "water", "Hydraulique", "Hydraulics", ""),
    ("microbiology", "health", "Microbiologie", "Microbiology", ""),
    ("solar-pv", "energy", "Photovoltaïque", "Solar photovoltaics", "PV"),
    ("solar-thermal", "energy", "Solaire thermique", "Solar thermal", ""),
    ("heat-transfer", "energy", "Transferts thermiques", "Heat transfer", ""),
    ("food-drying", "agriculture", "Séchage alimentaire", "Food drying", ""),
    ("agronomy", "agriculture", "Agronomie", "Agronomy", ""),
    ("biomedical", "health", "Instrumentation biomédicale", "Biomedical instrumentation", ""),
    ("structural", "building", "Calcul de structures", "Structural engineering", ""),
    ("earth-building", "building", "Construction en terre", "Earth building", ""),
    ("polymers", "materials", "Polymères", "Polymers", ""),
    ("recycling", "materials", "Recyclage des matériaux", "Materials recycling", ""),
    ("air-quality", "environment", "Qualité de l'air", "Air quality", ""),
    ("sensors", "environment", "Capteurs", "Sensors", ""),
    ("embedded", "environment", "Électronique embarquée", "Embedded electronics", "IoT, Arduino"),
    ("gis", "data", "Systèmes d'information géographique", "Geographic information systems",
     "SIG, GIS"),
    ("databases", "data", "Bases de données", "Databases", "SQL"),
    ("python", "data", "Programmation Python", "Python programming", ""),
    ("statistics", "data", "Statistiques", "Statistics", ""),
    ("web", "data", "Développement web", "Web development", ""),
    ("cad", "assistive", "Conception assistée par ordinateur", "Computer-aided design",
     "CAO, CAD"),
    ("3d-printing", "assistive", "Impression 3D", "3D printing", ""),
    ("ergonomics", "assistive", "Ergonomie", "Ergonomics", ""),
    ("pedagogy", "education", "Pédagogie des sciences", "Science teaching", ""),
    ("analytical-chemistry", "chemistry", "Chimie analytique", "Analytical chemistry", ""),
    ("formulation", "chemistry", "Formulation", "Formulation", ""),
]


def create_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    Domain = apps.get_model("core", "Domain")
    domains = {d.slug: d for d in Domain.objects.all()}
    for slug, domain, fr, en, synonyms in SKILLS:
        Skill.objects.update_or_create(
            slug=slug,
            defaults={"name_fr": fr, "name_en": en, "synonyms": synonyms,
                      "domain": domains.get(domain)},
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial"), ("core", "0002_domains")]
    operations = [migrations.RunPython(create_skills, migrations.RunPython.noop)]
