"""The demo's campus network (issue 6): partnerships, the ambassador's campus, events, a
share link and what it brought, a working group and the prospecting pipeline. In French like
the rest of the demo. DEMO ONLY.

Days count from the day the demo is loaded (negative: in the past), so the pages look alive
whenever it is loaded. Kept apart from content.py; the loader reads it through network.py."""

from __future__ import annotations

from dataclasses import dataclass

from soscience.core.demo.content import VOLUNTEER
from soscience.core.demo.content_closed import HUGO, INES
from soscience.events.models import Event
from soscience.prospects.models import ContactLog, Prospect

# The campus the demo ambassador relays missions on (a partner school, not the home one).
AMBASSADOR_CAMPUS = "estp"

# campus slug: (contact at the school, contact's email, partnership since: days ago)
PARTNERSHIPS = {
    "espci": ("Hélène Marchal, direction des études", "etudes@espci.example.org", 3 * 365),
    "estp": ("Karim Belkacem, vie étudiante", "vie-etudiante@estp.example.org", 400),
}

# A student of the ambassador's campus who followed his share link and applied.
SOFIANE = "sofiane.diallo@soscience.test"
STUDENT = (SOFIANE, "Sofiane Diallo")
STUDENT_PROGRAMME = "Cycle ingénieur, génie mécanique"
STUDENT_SKILLS = (("cad", 3), ("3d-printing", 2), ("statistics", 2))  # slug, level
STUDENT_BIO = (
    "Élève ingénieur en mécanique, je dessine et j'imprime des pièces au fablab de l'école."
)
# A visitor without an account who registers to the conference and confirms by mail.
VISITOR = ("Chloé Petit", "chloe.petit@soscience.test")


@dataclass(frozen=True)
class EventSpec:
    title: str
    description: str
    speakers: str
    starts_in_days: int  # negative: the event is over
    hour: int  # local start time
    hours: int  # duration
    capacity: int
    audience: str
    campus: str = ""  # slug; empty: online or an address
    room: str = ""
    online_url: str = ""
    registered: tuple[str, ...] = ()  # emails of accounts who take a place
    attended: tuple[str, ...] = ()  # among them, who came (a past event only)


# fmt: off
CONFERENCE = EventSpec(
    title="Conférence : des capteurs bon marché au service des écoles",
    description="Comment des élèves ingénieurs mesurent l'air devant les écoles et l'eau "
    "des lave-mains au Sénégal, avec des capteurs à quelques euros. Présentation des "
    "missions ouvertes aux étudiants de l'ESTP, puis échange avec les associations.\n\n"
    "Entrée libre sur inscription, pot à la fin.",
    speakers="Thomas Nguyen, ingénieur de recherche (encadrant SoScience)\n"
    "Julien Robert, Respire Paris Nord-Est",
    starts_in_days=21, hour=18, hours=2, capacity=80, audience=Event.Audience.EVERYONE,
    campus=AMBASSADOR_CAMPUS, room="Amphithéâtre B, bâtiment principal",
    registered=(VOLUNTEER, INES),
)
WORKSHOP = EventSpec(
    title="Atelier en ligne : décrire un besoin scientifique en une page",
    description="Un atelier d'une heure et demie pour les associations et les entreprises "
    "sociales : comment décrire un problème pour que des scientifiques bénévoles puissent "
    "s'en saisir. Exemples tirés de vrais besoins, questions-réponses.",
    speakers="Camille Laurent, coordination SoScience",
    starts_in_days=10, hour=14, hours=1, capacity=30, audience=Event.Audience.ORGANISATIONS,
    online_url="https://visio.example.org/soscience-atelier-besoin",
    registered=("respire-paris@soscience.test",),
)
PAST_EVENT = EventSpec(
    title="Soirée de rentrée SoScience : présentation des missions",
    description="Présentation de SoScience aux nouveaux étudiants et chercheurs de l'ESPCI : "
    "les missions de l'année, le témoignage d'une équipe, et comment candidater.",
    speakers="Camille Laurent, coordination SoScience\nLéa Moreau, bénévole",
    starts_in_days=-24, hour=18, hours=2, capacity=60, audience=Event.Audience.STUDENTS,
    campus="espci", room="Amphithéâtre Holweck",
    registered=(VOLUNTEER, INES, HUGO), attended=(VOLUNTEER, INES),
)
EVENTS = (CONFERENCE, WORKSHOP, PAST_EVENT)

# The ambassador's share link, to the open mission offered first to his campus.
SHARED_MISSION = "Support d'accoudoir de fauteuil roulant imprimé en 3D"
SHARE_LABEL = "Groupe des élèves de génie mécanique"
STUDENT_MOTIVATION = (
    "Je suis en génie mécanique à l'ESTP et je passe mes jeudis au fablab : redessiner une "
    "pièce qui casse et la tester en charge, c'est exactement ce que j'aime faire."
)


@dataclass(frozen=True)
class GroupSpec:
    title: str
    theme: str
    description: str
    mission: str  # its skills are the skills the group needs
    members: tuple[tuple[str, str], ...]  # email, expertise
    posts: tuple[tuple[str, str], ...]  # author's email, message


GROUP = GroupSpec(
    title="Étalonner des capteurs d'air bon marché",
    theme="Qualité de l'air, capteurs à bas coût",
    description="La mission de Respire Paris Nord-Est est la plus exigeante du moment : dix "
    "capteurs à étalonner contre une station de référence, l'humidité à corriger, un boîtier "
    "à concevoir. Ce groupe prépare le terrain avant la sélection de l'équipe : choix du "
    "capteur, protocole d'étalonnage, bibliographie.",
    mission="Réseau de capteurs de qualité de l'air à bas coût",
    members=(
        (VOLUNTEER, "Électronique embarquée (ESP32), mesures au soleil"),
        (SOFIANE, "Boîtier imprimé en 3D, ventilation du capteur"),
    ),
    posts=(
        (VOLUNTEER, "J'ai comparé trois capteurs de particules : le SPS30 tient mieux "
         "l'humidité que le PMS5003, pour deux fois le prix. Je mets le tableau dans les "
         "fichiers cette semaine."),
        (SOFIANE, "Pour le boîtier : il faut un abri ventilé, sinon le soleil fausse tout. "
         "Je peux imprimer un premier modèle au fablab jeudi."),
    ),
)


@dataclass(frozen=True)
class ProspectSpec:
    name: str
    city: str
    source: str
    contact: tuple[str, str]  # name, email
    log: tuple[tuple[int, str, str], ...]  # days ago, kind, what was said
    country: str = "FR"
    website: str = ""
    source_detail: str = ""
    suggested_by_ambassador: bool = False  # suggested through the ambassador's form
    suggestion: str = ""  # what the ambassador knows (the log's first line)
    from_event: bool = False  # met at the past event
    stage: str = Prospect.Stage.CONTACTED  # registered: linked to ``organisation``
    organisation: str = ""
    decline_reason: str = ""
    next_action: tuple[str, int] | None = None  # what, due in days (0: today)


PROSPECTS = (
    ProspectSpec(
        name="Bunot Boards", country="PH", city="Iloilo City",
        source=Prospect.Source.INCUBATOR,
        source_detail="ASEI (Asian Social Enterprise Incubator)",
        contact=("Maria Santos", "bunot-iloilo@soscience.test"),
        website="https://bunot-boards.example.org",
        log=(
            (120, ContactLog.Kind.EMAIL, "ASEI nous présente trois entreprises incubées ; "
             "Bunot Boards cherche des essais de matériaux."),
            (105, ContactLog.Kind.MEETING, "Visio avec Maria Santos : besoin d'essais de "
             "flexion et d'humidité sur leurs panneaux. Elle inscrit l'entreprise."),
        ),
        stage=Prospect.Stage.REGISTERED, organisation="Bunot Boards",
    ),
    ProspectSpec(
        name="Fablab solidaire de Cachan", city="Cachan", source=Prospect.Source.AMBASSADOR,
        contact=("Nathalie Roux", "contact@fablab-cachan.example.org"),
        suggested_by_ambassador=True,
        suggestion="Je passe au fablab le samedi : ils adaptent des objets pour des "
        "personnes âgées du quartier et manquent de monde pour les calculs.",
        log=(
            (12, ContactLog.Kind.CALL, "Appel avec la présidente : ils réparent des objets "
             "pour des familles du quartier et voudraient concevoir des aides techniques "
             "pour des personnes âgées."),
            (5, ContactLog.Kind.EMAIL, "Envoi de la présentation et d'exemples de missions ; "
             "réponse enthousiaste, le bureau en parle vendredi."),
        ),
        stage=Prospect.Stage.INTERESTED,
        next_action=("Rappeler la présidente pour fixer un rendez-vous au fablab", 0),
    ),
    ProspectSpec(
        name="Épicerie solidaire La Halte", city="Ivry-sur-Seine",
        source=Prospect.Source.EVENT, from_event=True,
        contact=("Samir Haddou", "la-halte@example.org"),
        log=(
            (24, ContactLog.Kind.EVENT, "Rencontré à la soirée de rentrée : les invendus "
             "frais se perdent faute de chambre froide."),
            (18, ContactLog.Kind.EMAIL, "Mail de suivi avec le formulaire d'inscription."),
        ),
        stage=Prospect.Stage.CONTACTED,
        next_action=("Relancer par téléphone si pas de réponse", 6),
    ),
    ProspectSpec(
        name="Ressourcerie du Val de Bièvre", city="Arcueil", source=Prospect.Source.INBOUND,
        contact=("Olivier Garnier", "contact@ressourcerie-bievre.example.org"),
        log=(
            (40, ContactLog.Kind.EMAIL, "Ils nous écrivent après un article sur les "
             "missions ; intéressés par un outil de suivi des dons."),
            (33, ContactLog.Kind.CALL, "Appel : leur besoin est un logiciel de caisse du "
             "commerce, pas un problème scientifique."),
        ),
        stage=Prospect.Stage.DECLINED,
        decline_reason="Leur besoin est couvert par un logiciel du commerce ; ils nous "
        "recontacteront s'ils veulent mesurer le réemploi.",
    ),
)
# fmt: on
