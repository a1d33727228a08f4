"""Name parts for generated people and organisations (fictional)."""

FIRST = (
    "Zoé Camille Léa Manon Chloé Inès Sarah Jade Louise Alice Emma Lucie Claire Julie Anne Marion "
    "Hélène Sophie Nathalie Isabelle Lucas Hugo Louis Gabriel Arthur Jules Adam Raphaël Paul Nathan "
    "Thomas Antoine Nicolas Julien Mathieu Olivier Pierre François Éric Laurent Karim Mehdi Yasmine "
    "Sébastien Bruno Céline Agnès Benoît Cyril Delphine"
).split()
LAST = (
    "Durand Martin Bernard Petit Robert Richard Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux "
    "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Faure "
    "André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin "
    "Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Lemaire Benali"
).split()
COMPANY_HEAD = (
    "Meridia Altaïs Brenneville Cobalt Dauphin Estuaire Ferronnerie Garance Hélios Isard Jaspe Korrigan "
    "Lumen Mistral Nacre Orée Pavillon Quartz Ricochet Sirocco Tramontane Ubac Vauban Wagram Yser Zénith"
).split()
COMPANY_TAIL = (
    "Assurances Industrie Logistique Santé Énergie Conseil Distribution Mutuelle Banque Transports "
    "Habitat Agro Télécom Systèmes Services"
).split()
ROLES = (
    "DSI", "Directeur financier", "DAF", "Responsable achats", "Directrice des opérations",
    "Chef de projet", "Contrôleur de gestion", "DRH", "Responsable conformité", "CTO",
    "Directeur général", "Responsable SI", "Architecte", "Product owner", "Office manager",
)
SECTORS = (
    "industrie", "assurance", "banque", "santé", "logistique", "énergie", "distribution",
    "secteur public", "agroalimentaire", "télécoms",
)
