"""The demo's closed missions: one in West Africa, one in France, done months ago, so the
public impact page, the solutions library, the dashboard and the volunteers' certificates
have something to show. In French like the rest of the demo. DEMO ONLY.

Kept apart from content.py (already long); the loader reads both."""

from __future__ import annotations

from soscience.closing.models import OrganisationSurvey
from soscience.core.demo.content import (
    VOLUNTEER,
    ClosedSpec,
    MissionSpec,
    NeedSpec,
    OrgSurveySpec,
    VolunteerSurveySpec,
)
from soscience.missions.models import Mission

# Two more students, so the closed missions have a team of two (email, full name); they
# share the demo password like every demo account.
INES = "ines.garcia@soscience.test"
HUGO = "hugo.martin@soscience.test"
CLOSED_VOLUNTEERS = [(INES, "Inès Garcia"), (HUGO, "Hugo Martin")]

# fmt: off
CLOSED_NEEDS = [
    NeedSpec(
        organisation="Eau Vive Thiès", title="Les élèves se salissent les mains en ouvrant "
        "les robinets", country="SN", city="Thiès", domains=("water", "health"),
        problem="Aux lave-mains de nos écoles, chaque élève ouvre et ferme le robinet avec ses "
        "mains sales : le robinet devient le point le plus sale de l'école, et les robinets "
        "à bouton-poussoir du commerce cassent en quelques semaines.",
        context="Douze écoles rurales, 4 000 élèves, un réservoir de 200 litres par lave-mains.",
        desired_outcome="Un lave-main qu'on actionne sans les mains, réparable par un "
        "soudeur de Thiès."),
    NeedSpec(
        organisation="Roule Ensemble", title="Les freins des fauteuils prêtés s'usent sans "
        "qu'on le voie", country="FR", city="Lyon", domains=("assistive",),
        problem="Quand un fauteuil revient de prêt, nos bénévoles contrôlent les freins à la "
        "main, au jugé. Deux personnes ont déjà glissé dans une pente avec un fauteuil "
        "pourtant « contrôlé ».",
        desired_outcome="Un contrôle simple et mesuré, que l'atelier fait à chaque retour."),
]

CLOSED_MISSIONS = [
    MissionSpec(
        need="Les élèves se salissent les mains en ouvrant les robinets",
        title="Lave-mains à pédale pour les écoles de Thiès", country="SN", city="Thiès",
        weeks=8, starts_in_days=-190, team_size=2, hours_per_week=5, equipment_budget=150,
        work_mode=Mission.WorkMode.HYBRID, domains=("water", "health"),
        skills=(("mechanical-design", 2), ("cad", 2), ("hygiene-promotion", 1)),
        context="**Eau Vive Thiès** équipe douze écoles rurales de lave-mains alimentés par "
        "des réservoirs de 200 litres.",
        problem="Les élèves ouvrent le robinet avec des mains sales, et les robinets "
        "poussoirs du commerce ne résistent pas à 300 enfants par jour.",
        objectives="- Concevoir une commande au pied en acier soudé et en chambre à air ;\n"
        "- la faire fabriquer par un soudeur de Thiès avec des pièces du marché ;\n"
        "- mesurer l'eau consommée par lavage.",
        deliverables="- Plans cotés et liste de pièces avec prix locaux ;\n"
        "- guide de fabrication et d'entretien illustré.",
        out_of_scope="La fabrication des lave-mains des douze écoles (faite par l'association).",
        closed=ClosedSpec(
            team=(
                (VOLUNTEER, "Je suis en deuxième année à l'ESPCI et j'aime concevoir des "
                 "objets simples : je voudrais que mon travail serve à une école."),
                (INES, "Étudiante en mécanique, j'ai réparé des vélos dans un atelier "
                 "solidaire pendant deux ans : une pédale et un câble, je connais."),
            ),
            shared_update="Le prototype est fabriqué : une pédale en cornière d'acier tire un "
            "câble de frein de vélo qui ouvre une vanne à boisseau. Un lavage consomme 0,4 "
            "litre au lieu de 1,1 avec le robinet ouvert à la main, et la pédale a tenu 5 000 "
            "appuis au banc sans jeu.",
            hours=(
                (0, 2, "3", "Relevé des lave-mains existants sur les photos de l'association."),
                (1, 3, "3", "Recherche de vannes et de câbles disponibles au marché de Thiès."),
                (0, 12, "4", "Conception de la pédale et du renvoi par câble (CAO)."),
                (1, 20, "4.5", "Calcul de l'effort au pied pour un enfant de six ans."),
                (0, 30, "3.5", "Essai d'endurance du prototype : 5 000 appuis."),
                (1, 41, "3", "Mesure de l'eau consommée par lavage."),
                (0, 50, "4", "Guide de fabrication illustré pour le soudeur."),
            ),
            deliverable=(
                "Plans et guide de fabrication du lave-mains à pédale", "design",
                "lave-mains-pedale.pdf",
                "Plans cotés, liste de pièces avec les prix du marché de Thiès, étapes de "
                "soudure et d'entretien.",
            ),
            organisation_survey=OrgSurveySpec(
                worked=5, applied=OrganisationSurvey.Applied.YES, beneficiaries=1300,
                recommend=10,
                local_impact="Cinq écoles sur douze ont leur lave-mains à pédale, fabriqué "
                "par un soudeur de Thiès pour 18 000 francs CFA. Les directeurs disent que les "
                "enfants se lavent les mains plus volontiers, et le réservoir dure deux jours "
                "de plus.",
                testimonial="Nous craignions des plans d'ingénieurs impossibles à fabriquer "
                "ici. Léa et Inès ont travaillé avec notre soudeur : le lave-mains à pédale "
                "coûte moins qu'un robinet importé, et les enfants adorent appuyer dessus."),
            volunteer_surveys=(
                VolunteerSurveySpec(
                    skills_used=("mechanical-design", "cad"), skills_gained=("hygiene-promotion",),
                    confidence_before=2, confidence_after=4,
                    would_change="Parler plus tôt avec le soudeur : il connaissait déjà des "
                    "pièces que nous cherchions."),
                VolunteerSurveySpec(
                    skills_used=("mechanical-design",), skills_gained=("cad",),
                    confidence_before=3, confidence_after=4,
                    would_change="Prévoir un appel avec une école pendant la mission."),
            ),
            closing_note="Une équipe autonome, attentive aux contraintes locales. Le "
            "prototype a été fabriqué sur place dès la troisième semaine après la livraison, "
            "ce qui est rare.",
        )),
    MissionSpec(
        need="Les freins des fauteuils prêtés s'usent sans qu'on le voie",
        title="Banc d'essai des freins de fauteuils roulants pour un atelier solidaire",
        country="FR", city="Lyon", weeks=6, starts_in_days=-150, team_size=2,
        hours_per_week=4, equipment_budget=200, work_mode=Mission.WorkMode.ON_SITE,
        campuses=("estp",), domains=("assistive",),
        skills=(("mechanical-testing", 2), ("mechanical-design", 2), ("mobility-aids", 1)),
        context="L'atelier de **Roule Ensemble** remet en état et prête environ 150 fauteuils "
        "roulants par an.",
        problem="Le contrôle des freins se fait au jugé : un frein usé peut repartir en prêt.",
        objectives="- Définir un critère mesurable (effort de maintien sur une pente de 8 %) ;"
        "\n- construire un banc d'essai avec un peson et du bois de récupération ;\n"
        "- rédiger la fiche de contrôle de l'atelier.",
        deliverables="- Plans du banc d'essai ;\n- fiche de contrôle à chaque retour de prêt.",
        out_of_scope="La réparation des freins et l'homologation des fauteuils.",
        closed=ClosedSpec(
            team=(
                (HUGO, "En troisième année à l'ESTP, je fais des essais mécaniques en "
                 "laboratoire et je cherche un projet utile près de chez moi, à Lyon."),
                (INES, "Après le lave-mains de Thiès, je voudrais travailler sur la mobilité."),
            ),
            shared_update="Le banc d'essai est monté à l'atelier : le fauteuil est posé sur une "
            "planche inclinée à 8 % et un peson mesure l'effort qui le fait glisser. En dessous "
            "de 120 newtons, le frein est à régler ; nous avons contrôlé trente fauteuils avec "
            "les bénévoles.",
            hours=(
                (0, 1, "3", "Visite de l'atelier et relevé des modèles de fauteuils."),
                (1, 2, "2.5", "Recherche des normes d'essai des freins de fauteuils."),
                (0, 9, "4", "Conception du plan incliné et choix du peson."),
                (1, 16, "3.5", "Construction du banc avec les bénévoles de l'atelier."),
                (0, 30, "4", "Contrôle de trente fauteuils et fiche de contrôle."),
            ),
            deliverable=(
                "Plans du banc d'essai et fiche de contrôle des freins", "report",
                "banc-essai-freins.pdf",
                "Le plan incliné, le réglage du peson, le seuil de 120 N et la fiche que "
                "l'atelier remplit à chaque retour de prêt.",
            ),
            organisation_survey=OrgSurveySpec(
                worked=4, applied=OrganisationSurvey.Applied.PARTLY, beneficiaries=150,
                recommend=9,
                not_applied_why="La fiche est utilisée à chaque retour ; le banc doit encore "
                "être déplacé dans notre nouvel atelier.",
                local_impact="Chaque fauteuil qui revient de prêt est contrôlé en cinq "
                "minutes ; nous avons trouvé onze freins à régler sur les trente premiers.",
                testimonial="Un contrôle qui prenait des discussions sans fin se fait "
                "maintenant avec un chiffre. Nos bénévoles ont appris autant que les "
                "étudiants."),
            volunteer_surveys=(
                VolunteerSurveySpec(
                    skills_used=("mechanical-testing", "mechanical-design"),
                    skills_gained=("mobility-aids",), confidence_before=3, confidence_after=5,
                    would_change="Filmer le premier essai pour la formation des bénévoles."),
                VolunteerSurveySpec(
                    skills_used=("mechanical-testing",), skills_gained=("mobility-aids",),
                    confidence_before=3, confidence_after=4,
                    would_change="Rien : l'atelier nous a très bien accueillis."),
            ),
            closing_note="Mission courte et bien menée ; le seuil de 120 N est justifié et "
            "la fiche de contrôle est déjà adoptée par l'atelier.",
        )),
]
# fmt: on
