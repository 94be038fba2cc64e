"""What the demo holds: accounts, campuses, organisations, needs and missions, in French
(the demo is for French-speaking teams first). DEMO ONLY."""

from __future__ import annotations

from dataclasses import dataclass

from soscience.accounts.roles import Role
from soscience.missions.models import Mission
from soscience.needs.models import Need
from soscience.organisations.models import Organisation

# DEMO ONLY. Known to everyone who reads the README or the terminal: the command refuses
# to run in production, and these accounts must never exist on a real platform.
DEMO_PASSWORD = "soscience-demo"  # noqa: S105  # nosec B105  # demo only, public by design

COORDINATOR = "coordination@soscience.test"
SUPERVISOR = "encadrant@soscience.test"
MEMBER = "structure@soscience.test"
VOLUNTEER = "benevole@soscience.test"
AMBASSADOR = "ambassadeur@soscience.test"

# (email, full name, role given through a group; the organisation member gets their role
# by registering an organisation below.)
ROLE_ACCOUNTS: list[tuple[str, str, Role]] = [
    (COORDINATOR, "Camille Laurent", Role.COORDINATOR),
    (SUPERVISOR, "Thomas Nguyen", Role.SUPERVISOR),
    (MEMBER, "Awa Ndiaye", Role.ORGANISATION_MEMBER),
    (VOLUNTEER, "Léa Moreau", Role.VOLUNTEER),
    (AMBASSADOR, "Yanis Benali", Role.AMBASSADOR),
]

CAMPUSES = [
    # slug, name, short name, city, home campus
    ("espci", "ESPCI Paris - PSL", "ESPCI Paris", "Paris", True),
    ("estp", "ESTP Paris", "ESTP Paris", "Cachan", False),
]


@dataclass(frozen=True)
class OrgSpec:
    name: str
    legal_form: str
    country: str
    city: str
    social_mission: str
    beneficiaries: str
    representative: tuple[str, str]  # email, full name
    status: str = Organisation.Status.VERIFIED
    reason: str = ""
    website: str = ""
    siren: str = ""
    siret: str = ""
    rna: str = ""
    language: str = "fr"


@dataclass(frozen=True)
class NeedSpec:
    organisation: str
    title: str
    problem: str
    desired_outcome: str
    domains: tuple[str, ...]
    country: str
    city: str = ""
    context: str = ""
    already_tried: str = ""
    status: str = Need.Status.SCOPING
    decline: tuple[str, str] = ("", "")  # reason, explanation
    duplicate_of: str = ""  # title of the original need


@dataclass(frozen=True)
class RunSpec:
    """A running mission's life so far. Days count from the kick-off (the start date),
    so the dates stay consistent whenever the demo is loaded."""

    volunteer: str  # email of the demo volunteer the team selected
    motivation: str
    milestones: tuple[tuple[str, int, int | None], ...]  # title, planned day, done day
    shared_update: str
    internal_update: str
    reply: str  # the organisation's representative answers the shared update
    equipment: tuple[str, int, str, str, str]  # item, quantity, why, estimated cost, link
    hours: tuple[tuple[int, str, str, bool], ...]  # day worked, hours, what, validated
    deliverable: tuple[str, str, str, str]  # title, kind, file name, description


@dataclass(frozen=True)
class OrgSurveySpec:
    """The organisation's closing survey (see closing.models.OrganisationSurvey)."""

    worked: int  # 1-5
    applied: str  # OrganisationSurvey.Applied
    local_impact: str
    beneficiaries: int
    recommend: int  # 0-10
    testimonial: str  # published with the organisation's name: the demo consents
    not_applied_why: str = ""


@dataclass(frozen=True)
class VolunteerSurveySpec:
    skills_used: tuple[str, ...]  # skill slugs, among the mission's
    skills_gained: tuple[str, ...]
    confidence_before: int
    confidence_after: int
    would_change: str


@dataclass(frozen=True)
class ClosedSpec:
    """A mission done and closed: from the team's selection to the public case (see
    closed.py). Days count from the kick-off (the start date); "end" is the end date."""

    team: tuple[tuple[str, str], ...]  # (volunteer email, motivation); the first leads
    shared_update: str  # the team's last news to the organisation (the case's solution)
    hours: tuple[tuple[int, int, str, str], ...]  # team index, day, hours, what
    deliverable: tuple[str, str, str, str]  # title, kind, file name, description
    organisation_survey: OrgSurveySpec
    volunteer_surveys: tuple[VolunteerSurveySpec, ...]  # in the order of the team
    closing_note: str


@dataclass(frozen=True)
class MissionSpec:
    need: str  # title of the need it is drafted from
    title: str
    context: str
    problem: str
    objectives: str
    deliverables: str
    out_of_scope: str
    domains: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    country: str
    city: str
    weeks: int
    starts_in_days: int
    team_size: int = 2
    hours_per_week: int = 5
    work_mode: str = Mission.WorkMode.REMOTE
    languages: tuple[str, ...] = ("fr",)
    equipment_budget: int = 0
    results_licence: str = Mission.ResultsLicence.OPEN
    confidentiality: str = Mission.Confidentiality.PUBLIC
    status: str = Mission.Status.OPEN
    campuses: tuple[str, ...] = ("espci",)
    # Set on the one mission the demo shows running: published, then taken to kick-off
    # and some weeks of work (see running.py).
    running: RunSpec | None = None
    # Set on the missions the demo shows done: published, run, delivered, accepted,
    # surveyed, closed, certified and published as a case (see closed.py).
    closed: ClosedSpec | None = None


# The demo's content, in French first like the platform. Kept compact on purpose.
# fmt: off
ORGANISATIONS = [
    OrgSpec(
        name="Eau Vive Thiès", legal_form="foreign_ngo", country="SN", city="Thiès",
        website="https://eauvive-thies.example.org", representative=(MEMBER, "Awa Ndiaye"),
        social_mission="Nous équipons les écoles élémentaires rurales de la région de Thiès "
        "en eau potable et en lave-mains, et formons les enseignants à l'hygiène.",
        beneficiaries="Environ 4 000 élèves dans 12 écoles rurales."),
    OrgSpec(
        name="Coopérative des transformatrices de mangues du Houet", legal_form="cooperative",
        country="BF", city="Bobo-Dioulasso",
        representative=("mangues-bobo@soscience.test", "Salimata Ouédraogo"),
        social_mission="Soixante-deux productrices transforment et vendent ensemble les "
        "mangues de la région : la coopérative leur assure un revenu pendant toute la saison.",
        beneficiaries="62 productrices et leurs familles, environ 400 personnes."),
    OrgSpec(
        name="Respire Paris Nord-Est", legal_form="association", country="FR", city="Paris",
        website="https://respire-paris-ne.example.org", rna="W751245678",
        siren="802954784", siret="80295478400012",
        representative=("respire-paris@soscience.test", "Julien Robert"),
        social_mission="Association d'habitants des 19e et 20e arrondissements qui mesure la "
        "pollution de l'air près des écoles et des crèches et en informe les familles.",
        beneficiaries="Les familles de 25 écoles et crèches, environ 6 000 personnes."),
    OrgSpec(
        name="Santé Pour Tous Gbêkê", legal_form="foreign_ngo", country="CI", city="Bouaké",
        representative=("sante-bouake@soscience.test", "Koffi Yao"),
        social_mission="Centre de santé communautaire : consultations prénatales, "
        "vaccination et suivi des enfants de moins de cinq ans, à prix solidaire.",
        beneficiaries="Environ 18 000 consultations par an."),
    OrgSpec(
        name="Roule Ensemble", legal_form="association", country="FR", city="Lyon",
        website="https://roule-ensemble.example.org", rna="W691234567",
        representative=("roule-lyon@soscience.test", "Claire Fontaine"),
        social_mission="Nous prêtons, réparons et adaptons des fauteuils roulants pour des "
        "personnes aux revenus modestes, avec un atelier de bénévoles.",
        beneficiaries="150 personnes équipées chaque année dans la métropole de Lyon."),
    OrgSpec(
        name="Rano Tsara", legal_form="foreign_ngo", country="MG", city="Toliara",
        representative=("rano-tsara@soscience.test", "Hery Rakotomalala"),
        social_mission="Accès à l'eau dans le Grand Sud malgache : citernes et impluviums "
        "pour les écoles et les centres de santé des villages.",
        beneficiaries="Environ 3 000 élèves et patients dans 9 villages."),
    OrgSpec(
        name="Bunot Boards", legal_form="social_enterprise", country="PH", city="Iloilo City",
        website="https://bunot-boards.example.org", language="en",
        representative=("bunot-iloilo@soscience.test", "Maria Santos"),
        social_mission="Entreprise sociale incubée par ASEI (Asian Social Enterprise "
        "Incubator) : nous achetons la bourre de coco aux familles de cocotiers de Panay et "
        "la transformons en panneaux de construction.",
        beneficiaries="120 familles de petits producteurs de coco."),
    OrgSpec(
        name="Jardins partagés du Landy", legal_form="association", country="FR",
        city="Saint-Denis", rna="W932345678", status=Organisation.Status.PENDING,
        representative=("jardins-landy@soscience.test", "Nadia Haddad"),
        social_mission="Des parcelles cultivées par les habitants d'un quartier prioritaire, "
        "avec des ateliers d'alimentation pour les enfants.",
        beneficiaries="80 familles jardinières et 300 enfants en atelier."),
    OrgSpec(
        name="Clean Bottle Solutions", legal_form="esus", country="FR", city="Nantes",
        siren="912345675", status=Organisation.Status.REJECTED,
        representative=("clean-bottle@soscience.test", "Marc Lefèvre"),
        social_mission="Nous vendons des gourdes filtrantes aux entreprises pour réduire le "
        "plastique.",
        beneficiaries="Les salariés de nos clients.",
        reason="Nous n'avons pas trouvé d'agrément ESUS à votre nom, et la vente de gourdes "
        "aux entreprises ne montre pas de bénéfice social au sens de notre charte. Si vous "
        "avez obtenu l'agrément, joignez l'arrêté préfectoral et renvoyez votre dossier."),
]

NEEDS = [
    NeedSpec(
        organisation="Eau Vive Thiès", title="L'eau du puits de l'école de Keur Mbaye est "
        "trouble", country="SN", city="Thiès", domains=("water",),
        problem="Après chaque pluie, l'eau du puits devient trouble et des élèves ont mal au "
        "ventre. Nous n'avons pas de quoi acheter des filtres du commerce pour 300 enfants.",
        context="École élémentaire de 300 élèves, sans réseau d'eau.",
        already_tried="Faire bouillir l'eau : trop de bois, et l'école n'a pas de cuisine.",
        desired_outcome="Un filtre que les parents peuvent construire et entretenir."),
    NeedSpec(
        organisation="Eau Vive Thiès", title="Un kit pour expliquer d'où vient l'eau",
        country="SN", city="Thiès", domains=("education", "water"),
        problem="Les enseignants veulent expliquer aux enfants pourquoi l'eau du puits peut "
        "rendre malade, avec des expériences simples.",
        desired_outcome="Des fiches et du matériel bon marché pour les classes de CM1-CM2."),
    NeedSpec(
        organisation="Eau Vive Thiès", title="Les réservoirs des lave-mains se vident sans "
        "prévenir", country="SN", city="Thiès", domains=("water", "data"),
        problem="Dans nos douze écoles, les lave-mains sont alimentés par des réservoirs de "
        "200 litres remplis à la main. Personne ne sait quand ils sont vides : certains jours "
        "les élèves ne peuvent pas se laver les mains avant la cantine.",
        context="Un animateur visite chaque école une fois par semaine, à moto.",
        already_tried="Un cahier de remplissage tenu par les directeurs : vite abandonné.",
        desired_outcome="Savoir depuis Thiès, par SMS, quel réservoir est presque vide."),
    NeedSpec(
        organisation="Coopérative des transformatrices de mangues du Houet",
        title="Sécher nos mangues quand il pleut", country="BF", city="Bobo-Dioulasso",
        domains=("agriculture", "energy"),
        problem="Nous séchons les mangues sur des claies au soleil. Quand le ciel se couvre, "
        "une partie moisit et nous perdons jusqu'au tiers de la récolte.",
        desired_outcome="Un séchoir que nos artisans peuvent fabriquer sur place."),
    NeedSpec(
        organisation="Coopérative des transformatrices de mangues du Houet",
        title="Séchoir solaire pour les mangues", country="BF", city="Bobo-Dioulasso",
        domains=("agriculture",), status=Need.Status.DUPLICATE,
        duplicate_of="Sécher nos mangues quand il pleut",
        problem="Nous avons besoin d'un séchoir solaire (demande envoyée une seconde fois).",
        desired_outcome="Un séchoir solaire."),
    NeedSpec(
        organisation="Respire Paris Nord-Est", title="Mesurer l'air devant les écoles",
        country="FR", city="Paris", domains=("environment",),
        problem="Les stations officielles sont loin des écoles. Nous voulons savoir ce que "
        "respirent les enfants à l'heure de l'entrée, rue par rue.",
        desired_outcome="Des capteurs fiables et peu chers, et des cartes lisibles."),
    NeedSpec(
        organisation="Respire Paris Nord-Est", title="Refaire le site internet de l'association",
        country="FR", city="Paris", domains=("data",), status=Need.Status.DECLINED,
        decline=("not_scientific", "Refaire un site vitrine n'est pas un problème scientifique "
                 "ou technique au sens de SoScience. Des associations de développeurs "
                 "bénévoles font cela très bien : nous pouvons vous en recommander."),
        problem="Notre site date de 2012 et ne s'affiche pas bien sur téléphone.",
        desired_outcome="Un site moderne."),
    NeedSpec(
        organisation="Santé Pour Tous Gbêkê",
        title="Remplacer les registres papier des consultations", country="CI",
        city="Bouaké", domains=("health", "data"),
        problem="Les dossiers des enfants sont dans des cahiers. Retrouver l'historique de "
        "vaccination d'un enfant prend parfois une demi-heure.",
        desired_outcome="Un outil simple, qui marche sans Internet stable."),
    NeedSpec(
        organisation="Santé Pour Tous Gbêkê", title="Alarme de température pour le "
        "réfrigérateur à vaccins", country="CI", city="Bouaké", domains=("health",),
        status=Need.Status.SUBMITTED,
        problem="Pendant les coupures de courant, nous ne savons pas si les vaccins sont "
        "restés entre 2 et 8 °C.",
        desired_outcome="Être prévenus par SMS quand la température sort de la plage."),
    NeedSpec(
        organisation="Roule Ensemble", title="Une pièce de fauteuil introuvable",
        country="FR", city="Lyon", domains=("assistive",),
        problem="Le support d'accoudoir d'un modèle de fauteuil très répandu n'est plus "
        "fabriqué. Sans lui, nous devons jeter des fauteuils en bon état.",
        desired_outcome="Une pièce que notre atelier peut imprimer et monter."),
    NeedSpec(
        organisation="Roule Ensemble", title="Adapter un tricycle pour un enfant",
        country="FR", city="Lyon", domains=("assistive",), status=Need.Status.WITHDRAWN,
        problem="Un enfant de 8 ans voudrait un tricycle adapté à sa posture.",
        desired_outcome="Un tricycle adapté."),
    NeedSpec(
        organisation="Rano Tsara", title="Quelle citerne pour l'école d'Ankilibe ?",
        country="MG", city="Toliara", domains=("water", "building"),
        problem="Nous voulons récupérer l'eau du toit de l'école, mais nous ne savons pas "
        "quel volume de citerne choisir ni si le toit peut supporter les gouttières.",
        desired_outcome="Le bon volume, et des plans que le maçon du village peut suivre."),
    NeedSpec(
        organisation="Bunot Boards", title="Tester nos panneaux en fibre de coco",
        country="PH", city="Iloilo City", domains=("materials", "building"),
        problem="Des constructeurs veulent nos panneaux, mais nous n'avons aucune mesure de "
        "leur résistance ni de leur tenue à l'humidité.",
        desired_outcome="Des résultats d'essais que nous pouvons montrer aux acheteurs."),
    NeedSpec(
        organisation="Bunot Boards", title="Une colle sans formaldéhyde", country="PH",
        city="Iloilo City", domains=("materials", "chemistry"),
        problem="Nos panneaux utilisent une colle urée-formol. Nous voulons une colle "
        "naturelle qui tienne aussi bien.",
        desired_outcome="Une recette de colle et des essais comparatifs."),
    NeedSpec(
        organisation="Jardins partagés du Landy", title="Du plomb dans la terre de nos "
        "parcelles ?", country="FR", city="Saint-Denis", domains=("environment", "chemistry"),
        status=Need.Status.SUBMITTED,
        problem="Le terrain est une ancienne friche industrielle. Des parents s'inquiètent "
        "de manger nos légumes.",
        desired_outcome="Savoir si la terre est polluée et quoi cultiver en attendant."),
]

MISSIONS = [
    MissionSpec(
        need="L'eau du puits de l'école de Keur Mbaye est trouble",
        title="Filtre à sable lent pour une école de Thiès", country="SN", city="Thiès",
        weeks=10, starts_in_days=21, team_size=3, hours_per_week=6, equipment_budget=250,
        work_mode=Mission.WorkMode.HYBRID, campuses=("espci", "estp"), domains=("water",),
        skills=(("water-treatment", 3), ("microbiology", 2), ("hydraulics", 1)),
        context="L'école élémentaire de Keur Mbaye (300 élèves) puise son eau dans un puits. "
        "L'association **Eau Vive Thiès** y a installé des lave-mains en 2023.",
        problem="Après les pluies, l'eau devient trouble (turbidité estimée au-delà de "
        "50 NTU) et des cas de diarrhée sont signalés. L'eau bouillie n'est pas une option.",
        objectives="- Dimensionner un filtre à sable lent pour 1 500 litres par jour ;\n"
        "- choisir des matériaux disponibles à Thiès ;\n"
        "- valider le prototype au laboratoire (turbidité, coliformes).",
        deliverables="- Plans cotés et liste de matériaux avec prix locaux ;\n"
        "- guide de construction et d'entretien illustré, en français ;\n"
        "- rapport d'essais du prototype.",
        out_of_scope="La construction sur place (faite par les parents avec l'association) "
        "et le traitement chimique de l'eau."),
    MissionSpec(
        need="Sécher nos mangues quand il pleut",
        title="Séchoir solaire pour une coopérative de mangues", country="BF",
        city="Bobo-Dioulasso", weeks=8, starts_in_days=14, team_size=2, hours_per_week=5,
        equipment_budget=400, domains=("energy", "agriculture"),
        skills=(("heat-transfer", 3), ("solar-thermal", 2), ("food-drying", 2)),
        context="La coopérative sèche environ 20 tonnes de mangues par saison, sur des claies "
        "en plein air.",
        problem="Par temps couvert, le séchage ralentit et les fruits moisissent : jusqu'à "
        "un tiers de la production est perdu certaines semaines.",
        objectives="- Comparer deux types de séchoirs solaires (direct et indirect) ;\n"
        "- dimensionner un séchoir pour 200 kg de fruits frais par jour ;\n"
        "- prévoir un appoint pour les jours sans soleil.",
        deliverables="- Note de dimensionnement ;\n- plans pour les artisans de Bobo ;\n"
        "- protocole de mesure de l'humidité des fruits.",
        out_of_scope="La certification sanitaire des produits et la recherche de "
        "financement."),
    MissionSpec(
        need="Mesurer l'air devant les écoles",
        title="Réseau de capteurs de qualité de l'air à bas coût", country="FR", city="Paris",
        weeks=12, starts_in_days=28, team_size=4, hours_per_week=4, equipment_budget=600,
        work_mode=Mission.WorkMode.ON_SITE, campuses=("espci", "estp"),
        domains=("environment", "data"),
        skills=(("sensors", 2), ("embedded", 2), ("air-quality", 2), ("statistics", 1)),
        context="L'association veut suivre les particules fines (PM2,5) et le dioxyde d'azote "
        "devant 25 écoles et crèches du nord-est parisien.",
        problem="Les capteurs bon marché dérivent et réagissent à l'humidité : sans "
        "étalonnage, leurs mesures ne convainquent ni les familles ni la mairie.",
        objectives="- Choisir un capteur et un boîtier ;\n- étalonner dix capteurs à côté "
        "d'une station de référence ;\n- publier les mesures sur une carte ouverte.",
        deliverables="- Dix capteurs étalonnés et installés ;\n- code source sous licence "
        "libre ;\n- rapport d'étalonnage compréhensible par les habitants.",
        out_of_scope="Les actions de plaidoyer auprès des pouvoirs publics."),
    MissionSpec(
        need="Remplacer les registres papier des consultations",
        title="Base de données des dossiers de santé d'un centre communautaire", country="CI",
        city="Bouaké", weeks=10, starts_in_days=35, team_size=2, hours_per_week=6,
        confidentiality=Mission.Confidentiality.DISCREET,
        results_licence=Mission.ResultsLicence.SHARED, domains=("data", "health"),
        skills=(("databases", 3), ("web", 2), ("python", 1)),
        context="Un centre de santé communautaire tient ses dossiers de consultation et de "
        "vaccination dans des cahiers.",
        problem="Retrouver l'historique d'un enfant est long, les rappels de vaccination sont "
        "oubliés, et Internet est coupé plusieurs heures par jour.",
        objectives="- Modéliser les données (patients, consultations, vaccins) ;\n"
        "- construire une application qui fonctionne hors ligne sur un ordinateur du centre ;\n"
        "- prévoir la sauvegarde et la protection des données.",
        deliverables="- Application installée et documentée ;\n- formation de deux agents ;\n"
        "- procédure de sauvegarde.",
        out_of_scope="La saisie des anciens registres. Les bénévoles ne voient jamais de "
        "données réelles : ils travaillent sur un jeu de données fictif."),
    MissionSpec(
        need="Une pièce de fauteuil introuvable",
        title="Support d'accoudoir de fauteuil roulant imprimé en 3D", country="FR",
        city="Lyon", weeks=6, starts_in_days=10, team_size=2, hours_per_week=4,
        equipment_budget=150, work_mode=Mission.WorkMode.ON_SITE, campuses=("estp", "espci"),
        domains=("assistive", "materials"),
        skills=(("cad", 3), ("3d-printing", 2), ("ergonomics", 2), ("polymers", 1)),
        context="L'atelier de Roule Ensemble remet en état une quarantaine de fauteuils "
        "par an ; il dispose d'une imprimante 3D à filament.",
        problem="Le support d'accoudoir d'un modèle courant casse souvent et n'est plus "
        "vendu. La pièce subit des efforts importants quand la personne se relève.",
        objectives="- Relever la géométrie de la pièce ;\n- la redessiner pour l'impression "
        "3D ;\n- vérifier sa résistance par le calcul et par un essai.",
        deliverables="- Fichiers de CAO et d'impression ;\n- notice de montage ;\n"
        "- résultats de l'essai de charge.",
        out_of_scope="L'homologation médicale du fauteuil modifié."),
    MissionSpec(
        need="Tester nos panneaux en fibre de coco",
        title="Essais d'un panneau isolant en fibre de coco (Iloilo, Philippines)",
        country="PH", city="Iloilo City", weeks=8, starts_in_days=30, team_size=3,
        hours_per_week=5, equipment_budget=300, work_mode=Mission.WorkMode.HYBRID,
        languages=("en", "tl"), domains=("materials", "building"),
        skills=(("polymers", 2), ("recycling", 2), ("structural", 1)),
        context="Bunot Boards, entreprise sociale incubée par ASEI à Iloilo, fabrique des "
        "panneaux en bourre de coco pour les cloisons des maisons.",
        problem="Sans mesures de résistance en flexion, de conductivité thermique et de "
        "reprise d'humidité, les constructeurs hésitent à acheter les panneaux.",
        objectives="- Définir un protocole d'essais selon les normes courantes ;\n"
        "- mesurer les échantillons envoyés à Paris ;\n- comparer avec le contreplaqué.",
        deliverables="- Rapport d'essais en anglais ;\n- fiche technique du panneau.",
        out_of_scope="La certification officielle du produit."),
    MissionSpec(
        need="Quelle citerne pour l'école d'Ankilibe ?",
        title="Dimensionner une citerne d'eau de pluie à Madagascar", country="MG",
        city="Toliara", weeks=4, starts_in_days=45, team_size=2, hours_per_week=4,
        status=Mission.Status.AWAITING_APPROVAL, domains=("water", "building"),
        skills=(("hydraulics", 2), ("structural", 2)),
        context="L'école d'Ankilibe (200 élèves) n'a pas de point d'eau à moins de 2 km.",
        problem="La pluie tombe en quatre mois ; il faut stocker assez pour la saison sèche "
        "sans dépasser ce que le toit et le budget permettent.",
        objectives="- Calculer le volume à partir des pluies locales ;\n- vérifier la "
        "charpente pour les gouttières ;\n- proposer une citerne maçonnée.",
        deliverables="- Note de calcul ;\n- plans pour le maçon.",
        out_of_scope="Le traitement de l'eau stockée."),
    MissionSpec(
        need="Un kit pour expliquer d'où vient l'eau",
        title="Kit pédagogique « d'où vient l'eau que nous buvons ? »", country="SN",
        city="Thiès", weeks=6, starts_in_days=60, team_size=2, hours_per_week=3,
        equipment_budget=120, status=Mission.Status.DRAFT, domains=("education", "water"),
        skills=(("pedagogy", 3), ("water-treatment", 1)),
        context="Les enseignants des écoles équipées par Eau Vive Thiès.",
        problem="Les enfants ne font pas le lien entre eau trouble et maladie.",
        objectives="Cinq expériences simples avec du matériel local.",
        deliverables="Fiches pour l'enseignant et pour l'élève.",
        out_of_scope="La formation des enseignants sur place."),
    MissionSpec(
        need="Une colle sans formaldéhyde",
        title="Colle naturelle pour panneaux en fibre de coco", country="PH",
        city="Iloilo City", weeks=9, starts_in_days=50, team_size=2, hours_per_week=5,
        equipment_budget=200, status=Mission.Status.APPROVED, languages=("en",),
        domains=("materials", "chemistry"),
        skills=(("formulation", 3), ("polymers", 2), ("analytical-chemistry", 2)),
        context="Bunot Boards colle ses panneaux avec une résine urée-formol.",
        problem="Le formaldéhyde est nocif pour les ouvriers et les habitants.",
        objectives="Formuler et comparer trois colles naturelles (tanins, amidon, lignine).",
        deliverables="Recettes et résultats d'essais de collage.",
        out_of_scope="L'industrialisation de la colle."),
    # The mission the demo shows running: its team works on it since its kick-off.
    MissionSpec(
        need="Les réservoirs des lave-mains se vident sans prévenir",
        title="Capteur de niveau pour les réservoirs des lave-mains de Thiès", country="SN",
        city="Thiès", weeks=8, starts_in_days=-24, team_size=2, hours_per_week=5,
        equipment_budget=180, work_mode=Mission.WorkMode.HYBRID, domains=("water", "data"),
        skills=(("sensors", 2), ("embedded", 2), ("hydraulics", 1)),
        context="**Eau Vive Thiès** a installé des lave-mains dans douze écoles rurales ; "
        "chacun est alimenté par un réservoir de 200 litres rempli à la main.",
        problem="Personne ne sait quand un réservoir est vide : l'animateur ne passe qu'une "
        "fois par semaine, et les élèves restent parfois sans eau pour se laver les mains.",
        objectives="- Choisir un capteur de niveau qui ne touche pas l'eau ;\n"
        "- construire un prototype qui envoie le niveau par SMS une fois par jour ;\n"
        "- tenir six mois sur batterie et panneau solaire.",
        deliverables="- Note de choix du capteur ;\n- schémas et code source sous licence "
        "libre ;\n- guide d'installation pour l'animateur.",
        out_of_scope="L'installation dans les douze écoles (faite par l'association) et "
        "l'abonnement téléphonique.",
        running=RunSpec(
            volunteer=VOLUNTEER,
            motivation="Je suis en deuxième année, option électronique embarquée : j'ai déjà "
            "monté une station météo sur ESP32 et je veux que ce travail serve à une école.",
            milestones=(
                ("Capteur et microcontrôleur choisis, essais sur un seau", 10, 9),
                ("Prototype autonome : mesure et SMS quotidien au laboratoire", 38, None),
            ),
            shared_update="Le capteur est choisi : un capteur à ultrasons étanche, fixé sous "
            "le couvercle, qui mesure le niveau sans toucher l'eau. Sur un seau au "
            "laboratoire, l'erreur reste sous 1 cm.\n\nUne question pour Eau Vive Thiès : "
            "les réservoirs ont-ils tous un couvercle, et le réseau mobile passe-t-il dans "
            "les cours des écoles ?",
            internal_update="Point avec Thomas : la mesure dérive de 2 cm quand le capteur "
            "chauffe au soleil. J'essaie une correction par la température avant d'en parler "
            "à l'association.",
            reply="Oui, les réservoirs ont tous un couvercle vissé : vous pouvez le percer. Le "
            "réseau Orange passe dans dix écoles sur douze ; à Keur Mbaye il faut monter sur "
            "le toit du préau.",
            equipment=(
                "Kit microcontrôleur ESP32 avec modem SMS et capteur de niveau à ultrasons "
                "étanche", 2,
                "Deux prototypes : un pour le laboratoire, un pour l'essai de six mois.",
                "86.00", "https://fournisseur.example.org/kit-esp32-sms",
            ),
            hours=(
                (1, "3", "Lecture des fiches techniques de quatre capteurs de niveau.", True),
                (5, "4", "Comparaison ultrasons, pression et flotteur ; note de choix.", True),
                (9, "2.5", "Essais du capteur à ultrasons sur un seau gradué.", True),
                (16, "4", "Câblage de l'ESP32 et premier envoi de SMS.", False),
                (22, "3", "Mesures au soleil : dérive avec la température.", False),
            ),
            deliverable=(
                "Note de choix du capteur de niveau", "report", "note-choix-capteur.pdf",
                "Quatre capteurs comparés (prix à Dakar, précision, consommation) ; le "
                "capteur à ultrasons étanche est retenu.",
            ),
        )),
]

# (kind, natural key of the subject, text): the coordinators' own notes.
NOTES = [
    ("organisation", "Jardins partagés du Landy",
     "Appel avec la présidente : elle envoie le récépissé de déclaration en préfecture. "
     "Vérifier le numéro RNA avant de valider."),
    ("mission", "Base de données des dossiers de santé d'un centre communautaire",
     "Données de santé : aucune donnée réelle ne doit être transmise aux bénévoles."),
]
# fmt: on
