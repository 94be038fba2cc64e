"""The people and places of the synthetic platform: names, countries and cities, partner
schools, organisations. Plain data, no Django.
"""

from __future__ import annotations


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated list (kept compact: these lists are long)."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


FIRST_NAMES = _names(
    """
    Léa, Thomas, Camille, Hugo, Manon, Lucas, Chloé, Nathan, Inès, Louis, Emma, Jules, Sarah,
    Arthur, Jade, Gabriel, Zoé, Raphaël, Lina, Adam, Clara, Paul, Alice, Théo, Juliette, Maxime,
    Anaïs, Antoine, Margaux, Yanis, Awa, Moussa, Aminata, Ousmane, Fatou, Mamadou, Aïssatou,
    Ibrahima, Mariam, Cheikh, Khadija, Youssef, Salma, Karim, Nour, Mehdi, Yasmine, Sofiane,
    Amine, Leïla, Minh, Linh, Quang, Thi, Duc, Maria, José, Juan, Lucía, Carlos, Ana, Pedro,
    Camila, Diego, Valentina, Joao, Beatriz, Rafael, Joy, Mark, Angelica, Paolo, Kristine,
    Priya, Arjun, Ananya, Rohan, Kofi, Ama, Kwame, Efua, Jean, Marie, Pierre, Sophie, Nicolas,
    Élise, Mathieu, Pauline, Romain, Océane, Benoît, Mélanie
"""
)
LAST_NAMES = _names(
    """
    Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon,
    Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard,
    André, Mercier, Dupont, Lambert, Bonnet, François, Martinez, Legrand, Garnier, Faure,
    Rousseau, Blanc, Guerin, Muller, Henry, Roussel, Nicolas, Perrin, Diallo, Ndiaye, Diop,
    Fall, Sow, Ba, Traoré, Coulibaly, Konaté, Ouédraogo, Sawadogo, Kaboré, Benali, El Amrani,
    Bouazizi, Haddad, Mansouri, Nguyen, Tran, Le, Pham, Hoang, Santos, Reyes, Cruz, Bautista,
    Dela Cruz, Silva, Oliveira, Souza, Pereira, Rodríguez, López, González, Fernández, Quispe,
    Mamani, Sharma, Patel, Iyer, Mensah, Owusu, Asante, Rakoto, Randrianarisoa, Jean-Baptiste
"""
)

# Countries where organisations work (ISO 3166 alpha-2), with a weight and a few cities.
COUNTRIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("FR", 30, _names("Paris, Lyon, Marseille, Lille, Nantes, Toulouse, Grenoble, Rennes")),
    ("SN", 8, _names("Dakar, Thiès, Saint-Louis, Kaolack, Ziguinchor")),
    ("BF", 5, _names("Ouagadougou, Bobo-Dioulasso, Koudougou")),
    ("CI", 5, _names("Abidjan, Bouaké, Yamoussoukro")),
    ("ML", 3, _names("Bamako, Ségou, Mopti")),
    ("MA", 4, _names("Rabat, Casablanca, Marrakech, Agadir")),
    ("TN", 3, _names("Tunis, Sfax, Sousse")),
    ("CM", 4, _names("Douala, Yaoundé, Bafoussam")),
    ("BJ", 3, _names("Cotonou, Porto-Novo, Parakou")),
    ("TG", 2, _names("Lomé, Kara")),
    ("MG", 3, _names("Antananarivo, Toamasina, Fianarantsoa")),
    ("HT", 2, _names("Port-au-Prince, Cap-Haïtien")),
    ("CD", 2, _names("Kinshasa, Lubumbashi, Goma")),
    ("NE", 2, _names("Niamey, Zinder")),
    ("GN", 2, _names("Conakry, Kankan")),
    ("PH", 4, _names("Manila, Cebu, Davao, Iloilo")),
    ("VN", 3, _names("Hanoi, Ho Chi Minh City, Da Nang, Hue")),
    ("KH", 2, _names("Phnom Penh, Siem Reap, Battambang")),
    ("IN", 3, _names("Pune, Chennai, Bhopal, Jaipur")),
    ("BR", 2, _names("Recife, Salvador, Belo Horizonte")),
    ("PE", 2, _names("Lima, Cusco, Arequipa")),
    ("BO", 1, _names("La Paz, Cochabamba")),
    ("CO", 1, _names("Bogotá, Medellín")),
    ("MX", 1, _names("Oaxaca, Puebla")),
    ("GH", 1, _names("Accra, Kumasi")),
    ("RW", 1, _names("Kigali, Huye")),
    ("KE", 1, _names("Nairobi, Kisumu")),
    ("BE", 1, _names("Bruxelles, Liège")),
    ("CH", 1, _names("Genève, Lausanne")),
    ("CA", 1, _names("Montréal, Québec")),
)

# Working languages of a mission by country (fr unless named).
LANGUAGES_BY_COUNTRY = {
    "PH": ("en", "tl"),
    "VN": ("en",),
    "KH": ("en",),
    "IN": ("en",),
    "GH": ("en",),
    "RW": ("fr", "en"),
    "KE": ("en",),
    "BR": ("pt", "en"),
    "PE": ("es",),
    "BO": ("es",),
    "CO": ("es",),
    "MX": ("es",),
    "MA": ("fr", "ar"),
    "TN": ("fr", "ar"),
    "CA": ("fr", "en"),
}
ENGLISH_COUNTRIES = frozenset({"PH", "VN", "KH", "IN", "GH", "KE", "BR", "PE", "BO", "CO", "MX"})

# Partner schools: a kind of school and a city make a unique name.
CAMPUS_KINDS = (
    ("École d'ingénieurs de {city}", "EI {short}"),
    ("Université de {city}", "U. {short}"),
    ("Institut polytechnique de {city}", "IP {short}"),
    ("INSA {city}", "INSA {short}"),
    ("École des mines de {city}", "Mines {short}"),
    ("Faculté des sciences de {city}", "FS {short}"),
    ("IUT de {city}", "IUT {short}"),
    ("École de chimie de {city}", "Chimie {short}"),
    ("École d'agronomie de {city}", "Agro {short}"),
    ("École du numérique de {city}", "Num {short}"),
)
# City:country of the partner schools.
_CAMPUS_CITY_LIST = _names(
    """
    Paris:FR, Lyon:FR, Toulouse:FR, Grenoble:FR, Lille:FR, Nantes:FR, Rennes:FR, Bordeaux:FR,
    Montpellier:FR, Strasbourg:FR, Marseille:FR, Nancy:FR, Clermont-Ferrand:FR, Compiègne:FR,
    Troyes:FR, Brest:FR, Caen:FR, Rouen:FR, Dijon:FR, Besançon:FR, Poitiers:FR, Limoges:FR,
    Pau:FR, Angers:FR, Tours:FR, Orléans:FR, Metz:FR, Reims:FR, Amiens:FR, Le Mans:FR,
    Saint-Étienne:FR, Nice:FR, Perpignan:FR, La Rochelle:FR, Valenciennes:FR, Belfort:FR,
    Cergy:FR, Évry:FR, Palaiseau:FR, Saclay:FR, Dakar:SN, Ouagadougou:BF, Abidjan:CI, Rabat:MA,
    Tunis:TN, Yaoundé:CM, Cotonou:BJ, Antananarivo:MG, Manila:PH, Hanoi:VN, Bruxelles:BE,
    Lausanne:CH, Montréal:CA
"""
)
CAMPUS_CITIES = tuple(tuple(item.split(":")) for item in _CAMPUS_CITY_LIST)

PROGRAMMES = _names(
    """
    Génie des procédés, Génie civil, Génie électrique, Informatique, Mécanique, Physique,
    Chimie, Biologie, Agronomie, Science des données, Matériaux, Énergétique, Hydraulique,
    Électronique embarquée, Santé publique, Laboratoire de physique des matériaux, Laboratoire
    d'hydrologie
"""
)

ORGANISATION_KINDS = (
    ("association", "Association {word} {city}"),
    ("association", "Les Amis de {word}"),
    ("cooperative", "Coopérative {word} de {city}"),
    ("esus", "{word} Solidaire"),
    ("social_enterprise", "{word} Impact"),
    ("foreign_ngo", "ONG {word} {city}"),
    ("foundation", "Fondation {word}"),
    ("association", "Collectif {word}"),
)
ORGANISATION_WORDS = _names(
    """
    Eau Claire, Soleil, Terre Vivante, Baobab, Horizon, Main Tendue, Graine, Lumière, Savane,
    Mangrove, Karité, Sahel Vert, Récolte, Avenir, Atelier, Passerelle, Rivière, Colibri,
    Semences, Énergie Partagée, Santé Pour Tous, Tisserands, Pêcheurs, Bambou, Moringa, Cacao,
    Ruche, Compost, Vélo
"""
)
