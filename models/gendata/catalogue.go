package gendata

import "mediation/models"

// The fixed lists the generator draws from. Communes and postal codes are those of the
// Métropole Européenne de Lille; establishment names follow the usual naming of French schools
// but every UAI code is drawn at random; people are invented; phone numbers come from the
// ranges ARCEP reserves for fiction and addresses from the domains reserved for tests.

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

// Staff names used as meeting participants without an account.
var cpeNames = []string{"Mme Roussel", "M. Lefranc", "Mme Dewitte", "M. Hocquet", "Mme Sauvage", "M. Ben Youssef",
	"Mme Lagache", "M. Cardon", "Mme Descamps", "M. Brunet", "Mme Delval", "M. Petitprez", "Mme Castelain", "M. Dufour"}

var teacherNames = []string{"M. Dumoulin", "Mme Vanhove", "Mme Haquette", "M. Kerbrat", "Mme Ramdane", "M. Gosselin",
	"Mme Fontaine", "M. Lemaître", "Mme Bertin", "M. Carré", "Mme Delannoy", "M. Lambin"}

// followUpKinds weighs the kinds of follow-up as a mediator's week goes, with their durations
// in minutes.
var followUpKinds = []struct {
	kind   models.FollowUpKind
	weight int
	lo, hi int
}{
	{models.FollowUpPupilInterview, 30, 20, 60},
	{models.FollowUpFamilyPhone, 28, 10, 30},
	{models.FollowUpHomeVisit, 8, 45, 120},
	{models.FollowUpConflictMediation, 10, 30, 90},
	{models.FollowUpGPDSMeeting, 8, 30, 90},
	{models.FollowUpPartnerAccompaniment, 6, 60, 120},
	{models.FollowUpOther, 10, 10, 45},
}

// Follow-up notes by kind. {p} is the pupil's first name, {g} the guardian, {il} and {e} the
// agreement.
var followUpNotes = map[models.FollowUpKind][]string{
	models.FollowUpPupilInterview: {
		"Entretien avec {p} sur ses absences du lundi matin : se couche tard. Objectif : arriver à l'heure toute la semaine.",
		"{p} exprime de l'ennui en classe et des difficultés en mathématiques. Aide aux devoirs proposée.",
		"Point hebdomadaire avec {p} : semaine complète sans absence, encouragements.",
		"{p} évoque des tensions avec des élèves de la classe, sans violence signalée. À surveiller.",
		"Entretien de reprise après trois jours d'absence non justifiée ; engagement écrit signé.",
		"Échange sur le projet d'orientation de {p} ; rendez-vous à prendre avec la PsyEN.",
		"{p} arrive de plus en plus tard ; {il} accompagne un petit frère à l'école le matin.",
		"Bilan de la quinzaine avec {p} : assiduité en progrès, travail personnel encore irrégulier.",
	},
	models.FollowUpFamilyPhone: {
		"Appel à {g} : les absences n'étaient pas connues de la famille. Rendez-vous proposé.",
		"{g} ne répond pas ; message laissé. Nouvel essai prévu.",
		"Échange avec {g} sur l'assiduité de {p} : amélioration depuis les vacances.",
		"{g} signale un logement suroccupé qui pèse sur le sommeil de {p}.",
		"Appel pour rappeler la rencontre prévue ; {g} confirme sa présence.",
		"{g} demande comment consulter les absences sur l'ENT ; explications données.",
		"{g} explique que {p} garde ses frères et sœurs le matin. PRE évoqué.",
	},
	models.FollowUpHomeVisit: {
		"Visite à domicile avec l'accord de {g}. {p} présent{e}. Point sur les horaires et le matériel.",
		"Visite à domicile : personne malgré le rendez-vous. Avis de passage déposé.",
		"Visite avec l'interprète : la famille comprend mieux le suivi des absences.",
		"Visite à domicile : documents de bourse complétés avec {g}.",
	},
	models.FollowUpConflictMediation: {
		"Médiation entre {p} et un camarade après une altercation en récréation ; excuses réciproques.",
		"Médiation avec un professeur après un incident en cours ; {p} accepte de s'excuser.",
		"Conflit sur les réseaux sociaux entre élèves de la classe ; rappel des règles.",
		"Médiation de groupe après des insultes en EPS ; règles communes adoptées.",
	},
	models.FollowUpGPDSMeeting: {
		"Situation de {p} présentée en GPDS : suivi actif maintenu, tutorat proposé.",
		"GPDS : assiduité de {p} en nette amélioration ; veille envisagée.",
		"GPDS : absentéisme persistant, convocation de la famille décidée.",
		"GPDS : emploi du temps aménagé pour {p} pendant trois semaines.",
	},
	models.FollowUpPartnerAccompaniment: {
		"Accompagnement de {g} à l'accueil de la CAF pour mettre à jour le dossier.",
		"Accompagnement de {p} au CMP pour un premier rendez-vous.",
		"Accompagnement à la permanence du PRE ; {p} inscrit{e} à l'atelier de remobilisation.",
		"Accompagnement de {g} au centre social pour un atelier parents.",
	},
	models.FollowUpOther: {
		"Point avec le CPE sur les retards de {p} ; relevé transmis.",
		"Échange avec le professeur principal : participation en hausse.",
		"Courrier aux responsables légaux pour signaler les absences du mois.",
		"Point avec l'assistante sociale scolaire sur la situation de {p}.",
	},
}

// restrictedNotes are confidences that only mediators may read.
var restrictedNotes = []string{
	"{g} évoque une séparation conflictuelle ; {p} partage sa semaine entre deux domiciles. Ne pas diffuser.",
	"{p} confie des difficultés familiales importantes ; assistante sociale scolaire informée.",
	"Problème de santé d'un parent évoqué par {g} ; la famille demande la discrétion.",
	"{p} évoque des moqueries répétées ; vigilance harcèlement, CPE informé sans détail.",
	"Dettes de loyer signalées par {g}. Orientation vers le service social envisagée.",
	"{p} dit dormir peu à cause de tensions au domicile. Infirmière informée.",
	"Deuil récent dans la famille ; {p} ne souhaite pas que la classe le sache.",
}

// closingNotes is the last follow-up of a closed file, by exit reason.
var closingNotes = map[models.ExitReason]string{
	models.ExitReEngaged:      "Bilan de fin de suivi avec {p} et {g} : assiduité rétablie, résultats en progrès. Clôture.",
	models.ExitReoriented:     "Bilan avant changement de filière : {p} rejoint une formation qui correspond à son projet. Clôture.",
	models.ExitMovedAway:      "{g} annonce le déménagement de la famille. Dossier scolaire transmis ; clôture.",
	models.ExitNoDiploma:      "{p} a quitté l'établissement sans diplôme ; coordonnées de la Mission locale remises.",
	models.ExitEndOfSchooling: "Fin de scolarité dans l'établissement : bilan avec {p} et {g}. Clôture.",
	models.ExitOther:          "Clôture à la demande de la famille, qui ne souhaite plus d'accompagnement.",
}

var exitLabels = map[models.ExitReason]string{
	models.ExitReEngaged:      "élève raccroché",
	models.ExitReoriented:     "réorientation",
	models.ExitMovedAway:      "déménagement",
	models.ExitNoDiploma:      "sortie sans diplôme",
	models.ExitEndOfSchooling: "fin de scolarité",
	models.ExitOther:          "autre motif",
}

var statusComments = map[models.PupilStatus][]string{
	models.StatusIdentified: {"Repérage par le CPE : absences répétées.", "Signalé en GPDS.",
		"Repérage par le professeur principal : décrochage en cours.", "Demande de la famille."},
	models.StatusActive:     {"Passage en suivi actif après un premier entretien.", "Suivi actif décidé en GPDS."},
	models.StatusMonitoring: {"Assiduité rétablie : passage en veille.", "Veille décidée en GPDS."},
}

var reopenComments = []string{"Réouverture : reprise des absences après les vacances.",
	"Réouverture à la demande du CPE : nouvelles absences non justifiées."}

// nextActions: what a follow-up leaves to do, and who does it ("" for the referent mediator).
var nextActions = []struct{ owner, text string }{
	{"", "Rappeler {g} pour faire le point sur l'assiduité"},
	{"", "Présenter la situation de {p} au prochain GPDS"},
	{"", "Contacter l'assistante sociale scolaire"},
	{"", "Vérifier les absences de la semaine avec la vie scolaire"},
	{"", "Proposer un rendez-vous à la famille"},
	{"", "Relancer le partenaire sur la demande en cours"},
	{"famille", "Fournir le justificatif d'absence"},
	{"famille", "Renvoyer le dossier CAF complété"},
	{"CPE", "Transmettre le relevé d'absences du mois"},
	{"CPE", "Organiser un tutorat avec un professeur volontaire"},
	{"professeur principal", "Faire un point sur le travail en classe"},
	{"élève", "Apporter le carnet de correspondance signé"},
	{"infirmière scolaire", "Recevoir {p} pour un bilan de santé"},
}

// meetingActions are who-does-what lines of a recap, as next actions.
var meetingActions = []struct{ owner, text string }{
	{"famille", "Justifier chaque absence sous 48 heures"},
	{"CPE", "Faire un point sur l'assiduité chaque vendredi"},
	{"", "Rappeler la famille dans deux semaines"},
	{"professeur principal", "Proposer un tutorat à {p}"},
	{"", "Préparer le dossier d'orientation vers le partenaire"},
}

var meetingPurposes = []string{
	"Point sur l'assiduité de {p}",
	"Bilan du trimestre avec la famille",
	"Présentation du suivi de médiation à la famille",
	"Préparer l'orientation de {p}",
	"Retour après l'exclusion temporaire de {p}",
	"Rencontre après un conflit entre élèves",
}

var meetingPlaces = []string{"Bureau de la médiation", "Salle des familles", "Bureau du CPE", "Salle de réunion"}

var recapFindings = []string{
	"Constat partagé : les absences se concentrent le lundi et le vendredi.",
	"Constat partagé : les retards ont diminué mais le travail personnel reste irrégulier.",
	"La famille découvre l'ampleur des absences et s'engage à les suivre sur l'ENT.",
	"{p} exprime un mal-être en classe ; la famille souhaite un accompagnement extérieur.",
	"Résultats en baisse au trimestre ; {p} dit manquer de méthode.",
}

var recapDecisions = []string{
	"fiche de suivi quotidienne",
	"aide aux devoirs deux soirs par semaine",
	"point hebdomadaire avec la médiation",
	"orientation vers un partenaire proposée à la famille",
	"tutorat par le professeur principal",
	"nouvelle rencontre dans six semaines",
}

// referralRequests: the request written for each reason of referral.
var referralRequests = map[models.ReferralReason][]string{
	models.ReasonSocialRights: {
		"Aider la famille à mettre à jour ses droits : ressources en baisse depuis une perte d'emploi.",
		"Accompagner la famille dans l'ouverture de ses droits : dossier incomplet depuis son arrivée.",
	},
	models.ReasonParenting: {
		"Proposer un accompagnement à la parentalité : la mère se dit dépassée par les horaires de son enfant.",
		"Soutien éducatif demandé par la famille, en difficulté depuis la séparation des parents.",
	},
	models.ReasonHousing:         {"Logement suroccupé : appui pour une demande de logement social."},
	models.ReasonHealth:          {"Premier rendez-vous pour un bilan psychologique : anxiété importante le matin.", "Suivi de santé à reprendre : la famille n'a plus de médecin traitant."},
	models.ReasonChildProtection: {"Information préoccupante : l'élève dit être souvent seul le soir ; évaluation demandée."},
	models.ReasonSchooling:       {"Parcours de réussite éducative : aide aux devoirs et activité sportive."},
	models.ReasonInsertion:       {"Jeune de 16 ans sans solution : accompagnement vers une formation ou un apprentissage."},
	models.ReasonOther:           {"Mise en relation avec une permanence de quartier à la demande de la famille."},
}

var declineReasons = []string{
	"La famille est déjà accompagnée par un autre service pour la même demande.",
	"Demande hors de notre champ : orienter vers le CCAS de la commune.",
	"Ressources au-dessus des plafonds pour l'aide demandée.",
}

var acceptFeedback = []string{
	"Demande acceptée : une conseillère contactera la famille sous huit jours.",
	"Prise en charge acceptée ; premier rendez-vous fixé avec la famille.",
	"Dossier attribué au travailleur social de secteur, qui prend contact avec la famille.",
}

var outcomeFeedback = map[models.ReferralOutcome]string{
	models.OutcomeSupportInPlace: "Accompagnement en place : rencontres réalisées, droits ouverts.",
	models.OutcomeFamilyDeclined: "La famille n'a pas donné suite aux propositions de rendez-vous.",
	models.OutcomeNotEligible:    "Après étude, la famille n'est pas éligible au dispositif demandé.",
	models.OutcomeNoFollowUp:     "Sans nouvelles de la famille après trois relances ; dossier clos.",
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
