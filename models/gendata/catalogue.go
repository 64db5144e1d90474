package gendata

import "mediation/models"

// The fixed lists the generator draws from. Communes and postal codes are those of the
// Métropole Européenne de Lille; establishment names follow the usual naming of French schools
// but every UAI code is drawn at random; people are invented; phone numbers come from the
// ranges ARCEP reserves for fiction and addresses from the domains reserved for tests. The
// texts written in the files are the demo set's, from models/internal/sampledata.

// commune is a commune of the metropolis. Weight is about its population in thousands; zone
// says which partners of the metropolis usually serve it; priority is the share of its public
// collèges that are in priority education.
type commune struct {
	name, postal string
	weight       int
	zone         string
	priority     float64
}

// The zones of the partners that serve part of the metropolis only.
const (
	zoneLille   = "lille"
	zoneRoubaix = "roubaix-tourcoing"
)

var communes = []commune{
	{"Lille", "59000", 150, zoneLille, 0.45},
	{"Lille", "59800", 86, zoneLille, 0.5},
	{"Roubaix", "59100", 99, zoneRoubaix, 0.85},
	{"Tourcoing", "59200", 99, zoneRoubaix, 0.6},
	{"Villeneuve-d'Ascq", "59650", 62, zoneLille, 0.3},
	{"Wattrelos", "59150", 41, zoneRoubaix, 0.55},
	{"Marcq-en-Barœul", "59700", 39, zoneRoubaix, 0.05},
	{"Lambersart", "59130", 28, zoneLille, 0.05},
	{"Lomme", "59160", 28, zoneLille, 0.35},
	{"Armentières", "59280", 25, zoneLille, 0.35},
	{"Loos", "59120", 22, zoneLille, 0.4},
	{"La Madeleine", "59110", 22, zoneLille, 0.1},
	{"Croix", "59170", 21, zoneRoubaix, 0.25},
	{"Mons-en-Barœul", "59370", 21, zoneLille, 0.45},
	{"Halluin", "59250", 21, zoneRoubaix, 0.3},
	{"Wasquehal", "59290", 20, zoneRoubaix, 0.15},
	{"Hem", "59510", 19, zoneRoubaix, 0.5},
	{"Ronchin", "59790", 19, zoneLille, 0.2},
	{"Faches-Thumesnil", "59155", 18, zoneLille, 0.2},
	{"Haubourdin", "59320", 15, zoneLille, 0.25},
	{"Wattignies", "59139", 14, zoneLille, 0.1},
	{"Mouvaux", "59420", 13, zoneRoubaix, 0.03},
	{"Roncq", "59223", 13, zoneRoubaix, 0.03},
	{"Lys-lez-Lannoy", "59390", 13, zoneRoubaix, 0.2},
	{"Seclin", "59113", 12, zoneLille, 0.25},
	{"Comines", "59560", 12, zoneLille, 0.1},
	{"Saint-André-lez-Lille", "59350", 12, zoneLille, 0.05},
	{"Wambrechies", "59118", 10, zoneLille, 0.03},
	{"Marquette-lez-Lille", "59520", 10, zoneLille, 0.1},
	{"Bondues", "59910", 10, zoneRoubaix, 0.03},
	{"Neuville-en-Ferrain", "59960", 10, zoneRoubaix, 0.1},
	{"Annœullin", "59112", 10, zoneLille, 0.1},
	{"Leers", "59115", 9, zoneRoubaix, 0.1},
	{"Lesquin", "59810", 8, zoneLille, 0.03},
	{"Linselles", "59126", 8, zoneRoubaix, 0.03},
	{"Wavrin", "59136", 8, zoneLille, 0.05},
}

// Namesakes of public establishments, and of private ones (sous contrat, mostly Catholic).
var publicNamesakes = []string{"Jean Jaurès", "Louise Michel", "Albert Camus", "Victor Hugo", "Jean Moulin",
	"Anne Frank", "Jules Ferry", "Marie Curie", "Jean Macé", "Paul Éluard", "Jacques Prévert", "Léon Blum", "Jean Zay",
	"Simone Veil", "Gustave Eiffel", "Louis Pasteur", "Voltaire", "Rabelais", "Jules Verne", "Georges Brassens",
	"Arthur Rimbaud", "Paul Langevin", "Romain Rolland", "Lucie Aubrac", "Nelson Mandela", "Rosa Parks",
	"Maxence Van der Meersch", "Albert Châtelet", "Jean Rostand", "Louis Pergaud", "Marguerite Yourcenar",
	"Camille Claudel", "Roger Salengro", "Madame de Staël", "Jean Monnet", "Boris Vian", "Théodore Monod", "Émile Zola",
	"George Sand", "Denis Diderot", "Montaigne", "Descartes", "Molière", "Lavoisier", "Condorcet", "Gaston Berger",
	"Faidherbe", "Pierre Mendès France", "Germaine Tillion", "Aimé Césaire", "Joséphine Baker", "Henri Matisse",
	"Jean de La Fontaine", "Antoine de Saint-Exupéry", "Alfred Kastler", "Louis Blériot", "Anatole France",
	"Jean Perrin", "Charles Péguy", "Pablo Neruda", "Olympe de Gouges", "Alexandre Dumas",
	"Frédéric Chopin", "Edmond Rostand", "Paul Verlaine", "Lamartine", "Mozart", "Berlioz", "Jean Lurçat"}

var privateNamesakes = []string{"Saint-Joseph", "Sainte-Marie", "Notre-Dame", "Saint-Jean-Baptiste de la Salle",
	"Saint-Paul", "Saint-Adrien", "Saint-Michel", "Jeanne d'Arc", "Sacré-Cœur", "Saint-Louis", "Sainte-Claire",
	"Don Bosco", "Saint-Vincent-de-Paul", "Notre-Dame-de-la-Paix", "Saint-Pierre", "Sainte-Thérèse", "La Salle",
	"Saint-Jude", "Saint-Rémi", "Sainte-Odile", "Saint-Martin", "Notre-Dame-des-Victoires", "Saint-Luc", "Saint-Éloi"}

// typePattern spreads the establishment types: of every 20, 13 collèges (65 %), 4 lycées
// généraux et technologiques and 3 lycées professionnels; the first four give every type to
// even the smallest scale.
var typePattern = [20]models.EstablishmentType{
	models.TypeCollege, models.TypeLyceeGT, models.TypeCollege, models.TypeLyceePro,
	models.TypeCollege, models.TypeCollege, models.TypeLyceeGT, models.TypeCollege, models.TypeCollege, models.TypeLyceePro,
	models.TypeCollege, models.TypeCollege, models.TypeLyceeGT, models.TypeCollege, models.TypeCollege, models.TypeLyceePro,
	models.TypeCollege, models.TypeLyceeGT, models.TypeCollege, models.TypeCollege,
}

// partnerSpec is one partner organisation. Reasons are what it is asked for; zone, when set,
// is the part of the metropolis it mostly serves; accounts is how many agents answer for it.
type partnerSpec struct {
	name, slug, contact, phone string
	kind                       models.PartnerKind
	responseDays               int
	reasons                    []models.ReferralReason
	zone                       string
	weight                     int
	accounts                   int
	lyceesOnly                 bool
}

var partnerSpecs = []partnerSpec{
	{"CAF du Nord", "caf", "Accueil partenaires", "03 53 02 10 15", models.PartnerCAF, 15,
		[]models.ReferralReason{models.ReasonSocialRights, models.ReasonSocialRights, models.ReasonHousing, models.ReasonParenting}, "", 16, 2, false},
	{"Département du Nord — Aide sociale à l'enfance", "ase", "Cellule de recueil des informations préoccupantes", "03 53 02 20 30",
		models.PartnerDepartementASE, 7, []models.ReferralReason{models.ReasonChildProtection, models.ReasonParenting}, "", 6, 2, false},
	{"Département du Nord — PMI", "pmi", "Secrétariat de PMI", "03 53 02 20 50", models.PartnerDepartementPMI, 15,
		[]models.ReferralReason{models.ReasonHealth, models.ReasonParenting}, "", 4, 1, false},
	{"Département du Nord — Service social, UTPAS de Lille", "utpas-lille", "Cellule orientation", "03 53 02 20 10",
		models.PartnerDepartementSocial, 10, []models.ReferralReason{models.ReasonSocialRights, models.ReasonHousing, models.ReasonParenting}, zoneLille, 10, 2, false},
	{"Département du Nord — Service social, UTPAS de Roubaix-Tourcoing", "utpas-roubaix", "Cellule orientation", "03 53 02 20 20",
		models.PartnerDepartementSocial, 10, []models.ReferralReason{models.ReasonSocialRights, models.ReasonHousing, models.ReasonParenting}, zoneRoubaix, 10, 2, false},
	{"Mission locale de Lille", "ml-lille", "Accueil jeunes", "03 53 02 30 00", models.PartnerMissionLocale, 21,
		[]models.ReferralReason{models.ReasonInsertion}, zoneLille, 6, 1, true},
	{"Mission locale Roubaix-Tourcoing", "ml-roubaix", "Accueil jeunes", "03 53 02 30 10", models.PartnerMissionLocale, 21,
		[]models.ReferralReason{models.ReasonInsertion}, zoneRoubaix, 6, 1, true},
	{"CMP enfants et adolescents de Roubaix", "cmp-roubaix", "Secrétariat médical", "03 53 02 50 00", models.PartnerCMP, 30,
		[]models.ReferralReason{models.ReasonHealth}, zoneRoubaix, 6, 1, false},
	{"CMPP de Lille", "cmpp-lille", "Secrétariat médical", "03 53 02 50 10", models.PartnerCMP, 30,
		[]models.ReferralReason{models.ReasonHealth}, zoneLille, 6, 1, false},
	{"Programme de réussite éducative de Roubaix", "pre-roubaix", "Coordination du PRE", "03 53 02 40 00", models.PartnerPRE, 15,
		[]models.ReferralReason{models.ReasonSchooling, models.ReasonParenting}, zoneRoubaix, 8, 2, false},
	{"Programme de réussite éducative de Lille", "pre-lille", "Coordination du PRE", "03 53 02 40 10", models.PartnerPRE, 15,
		[]models.ReferralReason{models.ReasonSchooling, models.ReasonParenting}, zoneLille, 8, 1, false},
	{"Association Parents en lien", "parents-en-lien", "Permanence d'accueil", "03 53 02 60 00", models.PartnerAssociation, 20,
		[]models.ReferralReason{models.ReasonParenting, models.ReasonOther}, "", 6, 1, false},
	{"Centre communal d'action sociale de Tourcoing", "ccas-tourcoing", "Accueil social", "03 53 02 70 00", models.PartnerOther, 15,
		[]models.ReferralReason{models.ReasonSocialRights, models.ReasonHousing, models.ReasonOther}, zoneRoubaix, 4, 1, false},
}

// origin is a group of family names found in the metropolis with the first names and home
// languages that go with them, so that a family reads plausibly as a whole.
type origin struct {
	weight           int
	last             []string
	boys, girls      []string
	mothers, fathers []string
	languages        []language
}

type language struct {
	name        string
	weight      int
	interpreter float64 // chance that a guardian speaking it needs an interpreter
}

var origins = []origin{
	{
		weight: 40,
		last: []string{"Lefebvre", "Vandenberghe", "Delattre", "Deleplanque", "Lemaire", "Duhamel", "Desmet", "Vasseur",
			"Caron", "Delcroix", "Wattiez", "Carpentier", "Leroy", "Dupont", "Dubois", "Vermeulen", "Declercq", "Deprez",
			"Dumortier", "Devos", "Lecomte", "Hennebelle", "Leclercq", "Lenoir", "Bonte", "Verbeke", "Dhalluin", "Flament",
			"Kaczmarek", "Nowak", "Szymanski", "Van Hecke", "Delebarre", "Plouvier", "Catteau", "Masquelier", "Decottignies"},
		boys: []string{"Lucas", "Nathan", "Enzo", "Mathis", "Hugo", "Théo", "Louis", "Jules", "Kylian", "Dylan", "Maxime",
			"Evan", "Nolan", "Tom", "Quentin", "Valentin", "Baptiste"},
		girls: []string{"Léa", "Manon", "Chloé", "Camille", "Maëlys", "Jade", "Louise", "Lola", "Emma", "Zoé", "Océane",
			"Romane", "Clara", "Anaïs", "Justine", "Eva", "Margaux"},
		mothers:   []string{"Sandrine", "Virginie", "Stéphanie", "Aurélie", "Céline", "Émilie", "Audrey", "Delphine", "Jessica", "Mélanie"},
		fathers:   []string{"Christophe", "Sébastien", "Frédéric", "David", "Jérôme", "Fabrice", "Grégory", "Ludovic", "Cédric", "Olivier"},
		languages: []language{{"français", 1, 0}},
	},
	{
		weight: 30,
		last: []string{"Benali", "Bouzid", "Haddad", "Mebarki", "Amrani", "El Idrissi", "Cherif", "Belkacem", "Zerrouki",
			"Boukhris", "Hamidi", "Saïdi", "Ouali", "Mansouri", "Benaïssa", "Kaddouri", "Bensalem", "Aït Ahmed", "Lahlou",
			"Ziani", "Brahimi", "Mokrani", "Ferhat", "Touati", "Berrada"},
		boys: []string{"Mohamed", "Ilyes", "Rayan", "Yanis", "Amine", "Bilal", "Adam", "Ismaël", "Sofiane", "Nassim",
			"Walid", "Anis", "Mehdi", "Zakaria", "Ayoub"},
		girls: []string{"Inès", "Lina", "Sarah", "Yasmine", "Aya", "Nour", "Kenza", "Assia", "Malak", "Imane", "Sofia",
			"Meriem", "Salma", "Rania", "Dounia"},
		mothers:   []string{"Fatima", "Nadia", "Samira", "Malika", "Karima", "Rachida", "Naïma", "Khadija", "Leïla", "Zohra"},
		fathers:   []string{"Mohamed", "Karim", "Rachid", "Farid", "Mustapha", "Abdelkader", "Hamid", "Saïd", "Brahim", "Djamel"},
		languages: []language{{"français", 45, 0}, {"arabe", 40, 0.25}, {"tamazight", 15, 0.3}},
	},
	{
		weight:    6,
		last:      []string{"Yilmaz", "Demir", "Kaya", "Çelik", "Şahin", "Aydin", "Öztürk", "Arslan", "Dogan", "Koç"},
		boys:      []string{"Emre", "Yusuf", "Mert", "Burak", "Enes", "Kerem", "Eren"},
		girls:     []string{"Elif", "Zeynep", "Ela", "Defne", "Ecrin", "Büşra", "Esra"},
		mothers:   []string{"Ayşe", "Fatma", "Emine", "Hatice", "Songül", "Derya"},
		fathers:   []string{"Mehmet", "Ali", "Hüseyin", "Mustafa", "Osman", "Ramazan"},
		languages: []language{{"turc", 70, 0.4}, {"français", 30, 0}},
	},
	{
		weight:    5,
		last:      []string{"Ferreira", "Da Silva", "Pereira", "Santos", "Oliveira", "Rodrigues", "Gonçalves", "Fernandes", "Teixeira"},
		boys:      []string{"Rafael", "Tiago", "Diogo", "Rodrigo", "Gabriel"},
		girls:     []string{"Ana", "Beatriz", "Mariana", "Carolina", "Leonor"},
		mothers:   []string{"Maria", "Ana Paula", "Cristina", "Sónia", "Fátima"},
		fathers:   []string{"João", "Carlos", "José", "Manuel", "Paulo"},
		languages: []language{{"portugais", 60, 0.15}, {"français", 40, 0}},
	},
	{
		weight: 12,
		last: []string{"Traoré", "Diallo", "Koné", "Camara", "Ndiaye", "Mbala", "Kabongo", "Sissoko", "Keïta", "Mendy",
			"Bamba", "Diop", "Tshibangu", "Nsimba"},
		boys:      []string{"Moussa", "Mamadou", "Ibrahim", "Samuel", "Issa", "Christ", "Ousmane", "Joël"},
		girls:     []string{"Aminata", "Fatoumata", "Mariam", "Awa", "Grâce", "Hawa", "Kadiatou", "Divine"},
		mothers:   []string{"Aïssata", "Fanta", "Mariama", "Bintou", "Nathalie", "Espérance"},
		fathers:   []string{"Boubacar", "Seydou", "Jean-Pierre", "Lamine", "Patrick", "Amadou"},
		languages: []language{{"français", 60, 0}, {"lingala", 15, 0.1}, {"soninké", 10, 0.5}, {"wolof", 10, 0.3}, {"peul", 5, 0.5}},
	},
	{
		weight:    4,
		last:      []string{"Popescu", "Stan", "Dumitru", "Constantin", "Lacatus", "Caldararu"},
		boys:      []string{"Ionut", "Florin", "Marian", "Denis", "Darius"},
		girls:     []string{"Ioana", "Andreea", "Bianca", "Daria", "Alexandra"},
		mothers:   []string{"Elena", "Mariana", "Florentina", "Nicoleta"},
		fathers:   []string{"Ion", "Gheorghe", "Vasile", "Costel"},
		languages: []language{{"romani", 50, 0.7}, {"roumain", 50, 0.5}},
	},
	{
		weight:    3,
		last:      []string{"Ahmadi", "Rahimi", "Hakimi", "Noori", "Safi"},
		boys:      []string{"Ahmad", "Omid", "Jawad", "Sohail"},
		girls:     []string{"Marzia", "Zahra", "Farzana", "Nazanin"},
		mothers:   []string{"Zarmina", "Nasrin", "Shakila"},
		fathers:   []string{"Abdul", "Nasir", "Khalid"},
		languages: []language{{"dari", 50, 0.8}, {"pachto", 50, 0.8}},
	},
}

// Staff names of the accounts: mediators, head teachers and partner agents.
var staffFirst = []string{"Nadia", "Julien", "Camille", "Yasmina", "Grégory", "Hélène", "Mehdi", "Sandrine", "Laurent",
	"Sophie", "Karim", "Isabelle", "Thomas", "Samia", "Nicolas", "Aurélie", "Rachid", "Claire", "Benoît", "Amina",
	"Vincent", "Élodie", "Farid", "Marion", "Cédric", "Leïla", "Antoine", "Nathalie", "Sébastien", "Fatoumata",
	"Pierre", "Anne", "Youssef", "Caroline", "Mathieu", "Sabrina", "Olivier", "Virginie", "Hakim", "Céline"}

var staffLast = []string{"Berrada", "Masquelier", "Verhaeghe", "Touati", "Wambre", "Vandewalle", "Bouaziz", "Lheureux",
	"Decottignies", "Delannoy", "Lemaire", "Haddad", "Dumont", "Ramdane", "Vanhoutte", "Lefebvre", "Benchikh",
	"Delecroix", "Carlier", "Diallo", "Pruvost", "Dhainaut", "Mansouri", "Leclercq", "Coppin", "Duquesne", "Vasseur",
	"Kaczmarek", "Bonnet", "Mokrani", "Delporte", "Hennion", "Deschamps", "Traoré", "Lenglet", "Debruyne", "Facon",
	"Vercruysse", "Boulanger", "Ghesquière"}
