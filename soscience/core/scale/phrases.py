"""The phrases missions, news, surveys and events are assembled from, in French and English
(pairs: French first). Per domain (the slugs of core/migrations/0002_domains.py) so that a
water mission talks about wells and a data mission about databases, and the catalogue's
search and the matching engine find words that belong to the mission. Plain data.
"""

from __future__ import annotations

SOCIAL_MISSIONS = (
    "Nous accompagnons {beneficiary} pour améliorer leurs conditions de vie.",
    "Notre association forme {beneficiary} et leur donne accès à des outils simples.",
    "Nous construisons avec {beneficiary} des solutions durables et bon marché.",
)
BENEFICIARIES = (
    ("les écoles rurales", "rural schools"),
    ("les femmes transformatrices", "women processors"),
    ("les maraîchers", "market gardeners"),
    ("les centres de santé", "health centres"),
    ("les familles des quartiers périphériques", "families of outlying districts"),
    ("les pêcheurs artisanaux", "small-scale fishers"),
    ("les personnes handicapées", "disabled people"),
    ("les jeunes sans emploi", "young people out of work"),
    ("les éleveurs", "herders"),
    ("les coopératives agricoles", "farming cooperatives"),
    ("les collèges", "secondary schools"),
)

# Per domain: subjects of missions (French, English), issues, equipment items.
TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "water": (
        ("un filtre à sable lent", "a slow sand filter"),
        ("le suivi de la qualité de l'eau des puits", "well water quality monitoring"),
        ("une pompe manuelle réparable localement", "a hand pump repairable locally"),
        ("la récupération d'eau de pluie", "rainwater harvesting"),
        ("des latrines sèches", "dry latrines"),
        ("la chloration de l'eau", "water chlorination"),
    ),
    "energy": (
        ("un séchoir solaire", "a solar dryer"),
        ("un mini-réseau photovoltaïque", "a solar mini-grid"),
        ("un digesteur de biogaz", "a biogas digester"),
        ("des foyers améliorés", "improved cookstoves"),
        ("le stockage par batteries", "battery storage"),
        ("une éolienne de petite taille", "a small wind turbine"),
    ),
    "agriculture": (
        ("l'irrigation goutte à goutte", "drip irrigation"),
        ("la conservation des récoltes", "crop storage"),
        ("un compost de qualité", "quality compost"),
        ("la transformation du karité", "shea processing"),
        ("un poulailler mobile", "a mobile henhouse"),
        ("la lutte biologique contre les ravageurs", "biological pest control"),
    ),
    "health": (
        ("un stérilisateur solaire", "a solar steriliser"),
        ("un concentrateur d'oxygène", "an oxygen concentrator"),
        ("une couveuse néonatale à bas coût", "a low-cost neonatal incubator"),
        ("le suivi des vaccinations", "vaccination tracking"),
        ("des tests rapides de l'anémie", "rapid anaemia tests"),
    ),
    "building": (
        ("des briques de terre compressée", "compressed earth bricks"),
        ("l'isolation d'une salle de classe", "classroom insulation"),
        ("la ventilation naturelle d'un dispensaire", "natural ventilation of a clinic"),
        ("un abri résistant aux cyclones", "a cyclone-resistant shelter"),
        ("une toiture en matériaux locaux", "a roof of local materials"),
    ),
    "materials": (
        ("le recyclage des plastiques PET", "PET plastic recycling"),
        ("des pavés en plastique recyclé", "recycled plastic pavers"),
        ("la valorisation des coques de cacao", "cocoa shell upcycling"),
        ("des bioplastiques à base d'amidon", "starch bioplastics"),
        ("le tri des déchets électroniques", "e-waste sorting"),
    ),
    "environment": (
        ("un capteur de qualité de l'air", "an air quality sensor"),
        ("la mesure du bruit urbain", "urban noise measurement"),
        ("le suivi de l'érosion des berges", "riverbank erosion monitoring"),
        ("une station météo low-tech", "a low-tech weather station"),
        ("la cartographie des décharges sauvages", "mapping illegal dumps"),
    ),
    "data": (
        ("une base de données des bénéficiaires", "a beneficiary database"),
        ("un tableau de bord d'activité", "an activity dashboard"),
        ("une application mobile hors ligne", "an offline mobile app"),
        ("la cartographie SIG des points d'eau", "GIS mapping of water points"),
        ("l'analyse des données d'enquête", "survey data analysis"),
    ),
    "assistive": (
        ("un fauteuil roulant tout-terrain", "an all-terrain wheelchair"),
        ("une prothèse de main imprimée en 3D", "a 3D-printed hand prosthesis"),
        ("une canne connectée", "a connected white cane"),
        ("des aides techniques à la communication", "communication aids"),
    ),
    "education": (
        ("un kit d'expériences de physique", "a physics experiment kit"),
        ("un atelier de médiation scientifique", "a science outreach workshop"),
        ("un fablab scolaire", "a school fablab"),
        ("des modules d'initiation au code", "beginner coding modules"),
    ),
    "chemistry": (
        ("la fabrication de savon artisanal", "artisanal soap making"),
        ("l'analyse des sols", "soil analysis"),
        ("la production de charbon de coques", "shell charcoal production"),
        ("un désinfectant à base de plantes", "a plant-based disinfectant"),
    ),
}
ACTIONS = (
    ("Concevoir", "Design"),
    ("Améliorer", "Improve"),
    ("Tester", "Test"),
    ("Dimensionner", "Size"),
    ("Évaluer", "Assess"),
    ("Documenter", "Document"),
    ("Fiabiliser", "Make reliable"),
)
ISSUES = (
    (
        "Le dispositif actuel tombe souvent en panne et les pièces sont introuvables sur place.",
        "The current set-up often breaks down and spare parts cannot be found locally.",
    ),
    (
        "Les mesures faites jusqu'ici sont irrégulières et personne ne sait les interpréter.",
        "Measurements so far are irregular and nobody knows how to read them.",
    ),
    (
        "Le coût d'exploitation est trop élevé pour les familles.",
        "Running costs are too high for families.",
    ),
    (
        "La saison des pluies rend l'installation inutilisable plusieurs mois par an.",
        "The rainy season makes the installation unusable several months a year.",
    ),
    (
        "L'équipe n'a pas les compétences techniques pour choisir entre plusieurs options.",
        "The team lacks the technical skills to choose between several options.",
    ),
    (
        "Un premier prototype existe mais ses performances n'ont jamais été mesurées.",
        "A first prototype exists but its performance was never measured.",
    ),
)
CONSTRAINTS = (
    (
        "Le budget est limité et les matériaux doivent être disponibles localement.",
        "The budget is small and materials must be available locally.",
    ),
    (
        "La solution doit pouvoir être entretenue sans électricité.",
        "The solution must be maintainable without electricity.",
    ),
    (
        "Les utilisateurs ne lisent pas tous le français : les consignes doivent être illustrées.",
        "Not all users read: instructions must be illustrated.",
    ),
    (
        "Une partie du travail peut se faire à distance avec des échanges réguliers.",
        "Part of the work can be done remotely with regular calls.",
    ),
)
OBJECTIVES = (
    (
        "Comparer au moins deux options et recommander la plus adaptée.",
        "Compare at least two options and recommend the best fit.",
    ),
    ("Produire des plans et une notice de fabrication.", "Produce drawings and a build guide."),
    (
        "Mesurer les performances sur le terrain pendant deux semaines.",
        "Measure field performance for two weeks.",
    ),
    (
        "Former deux personnes de la structure à l'entretien.",
        "Train two staff members in maintenance.",
    ),
    ("Estimer le coût complet et le temps de retour.", "Estimate the full cost and payback time."),
)
DELIVERABLES = (
    ("Un rapport d'étude illustré", "An illustrated study report"),
    ("Des plans cotés", "Dimensioned drawings"),
    ("Un tableur de dimensionnement", "A sizing spreadsheet"),
    ("Une notice d'entretien", "A maintenance guide"),
    ("Le code source documenté", "Documented source code"),
)
OUT_OF_SCOPE = (
    ("La construction sur site.", "Building on site."),
    ("Le financement de l'installation.", "Funding the installation."),
    ("La maintenance après la mission.", "Maintenance after the mission."),
)
EQUIPMENT = (
    ("Multimètre", "Multimeter"),
    ("Kit de tests d'eau", "Water test kit"),
    ("Carte Arduino", "Arduino board"),
    ("Capteurs de température", "Temperature sensors"),
    ("Filament PLA", "PLA filament"),
    ("Panneau solaire 50 W", "50 W solar panel"),
    ("Tuyaux et raccords", "Pipes and fittings"),
    ("Balance de précision", "Precision scale"),
    ("Réactifs d'analyse", "Analysis reagents"),
)

UPDATES = (
    (
        "Premiers essais réalisés : les résultats sont encourageants, nous affinons le protocole.",
        "First tests done: the results are encouraging, we are refining the protocol.",
    ),
    (
        "Réunion avec la structure cette semaine, les besoins sont clarifiés.",
        "Call with the organisation this week, the needs are clearer now.",
    ),
    (
        "Nous avons comparé trois solutions ; le tableau comparatif est en annexe du rapport.",
        "We compared three options; the comparison table is in the report's appendix.",
    ),
    (
        "Le prototype est monté, les mesures commencent lundi.",
        "The prototype is assembled, measurements start on Monday.",
    ),
    (
        "Retard d'une semaine : une pièce commandée n'est pas arrivée.",
        "One week late: an ordered part has not arrived.",
    ),
    (
        "Les plans sont validés par l'encadrant, nous rédigeons la notice.",
        "The drawings are approved by the supervisor, we are writing the guide.",
    ),
    (
        "Analyse des données terminée, les chiffres clés sont dans le document partagé.",
        "Data analysis finished, the key figures are in the shared document.",
    ),
)
REPLIES = (
    ("Merci pour ces nouvelles, c'est très clair.", "Thanks for the news, very clear."),
    ("Pouvez-vous préciser le coût des pièces ?", "Could you give the cost of the parts?"),
    ("Bon travail, continuez ainsi.", "Good work, keep going."),
    (
        "Nous pouvons organiser une visite la semaine prochaine.",
        "We can arrange a visit next week.",
    ),
)
HOURS = (
    "Recherche bibliographique",
    "Réunion d'équipe",
    "Essais en laboratoire",
    "Rédaction du rapport",
    "Calculs de dimensionnement",
    "Visio avec la structure",
    "Modélisation",
    "Analyse des mesures",
    "Literature review",
    "Team meeting",
    "Prototype assembly",
    "Data cleaning",
    "Drawing plans",
)
MOTIVATIONS = (
    "Ce sujet rejoint mon projet de fin d'études et je veux qu'il serve.",
    "J'ai déjà travaillé sur un problème proche en stage.",
    "I want my studies to matter, and this mission fits my skills.",
    "Je suis disponible le soir et le week-end pendant toute la durée.",
)
LOCAL_IMPACT = (
    (
        "La solution est utilisée tous les jours par l'équipe.",
        "The team uses the solution every day.",
    ),
    ("Les familles ont constaté une nette amélioration.", "Families noticed a clear improvement."),
    ("Nous avons pu convaincre un financeur grâce au rapport.", "The report convinced a funder."),
)
TESTIMONIALS = (
    "Une équipe sérieuse et à l'écoute, qui a compris nos contraintes.",
    "Grâce aux bénévoles, notre projet a avancé de plusieurs mois.",
    "A committed team that understood our constraints.",
)
CLOSING_NOTES = (
    "Mission menée à bien, équipe autonome et livrables de qualité.",
    "Bonne dynamique malgré un démarrage lent ; la structure est satisfaite.",
    "Mission completed on time; the organisation is applying the results.",
)
EVENT_TITLES = (
    ("Conférence : la science au service de l'ESS", "Conference: science for the social economy"),
    ("Atelier : monter une mission de bénévolat", "Workshop: building a volunteering mission"),
    ("Soirée de lancement des missions", "Mission launch evening"),
    (
        "Table ronde : l'eau potable en Afrique de l'Ouest",
        "Round table: drinking water in West Africa",
    ),
    ("Hackathon low-tech", "Low-tech hackathon"),
    ("Retours d'expérience des bénévoles", "Volunteers share their missions"),
)
