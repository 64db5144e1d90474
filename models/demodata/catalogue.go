package demodata

import "mediation/models"

// The fixed part of the demo set: establishments, partners and accounts. Names of people are
// invented; establishment names follow the usual naming of French schools, but every UAI code
// is fictitious (0599…), and phone numbers come from the ranges ARCEP reserves for fiction.

// establishmentSpec is one demo establishment; seq makes its fictitious UAI code.
type establishmentSpec struct {
	name     string
	typ      models.EstablishmentType
	sector   models.Sector
	commune  string
	postal   string
	priority models.PriorityLabel
	active   bool
	seq      int
	pupils   int
}

// establishmentSpecs: the first three are those of the two demo mediators; the first is the
// demo head teacher's. The last one closed (merged into a neighbour), so its files are all old.
var establishmentSpecs = []establishmentSpec{
	{"Collège Jean Jaurès", models.TypeCollege, models.SectorPublic, "Roubaix", "59100", models.PriorityREPPlus, true, 101, 30},
	{"Collège Louise Michel", models.TypeCollege, models.SectorPublic, "Lille", "59000", models.PriorityREPPlus, true, 118, 26},
	{"Collège Albert Camus", models.TypeCollege, models.SectorPublic, "Tourcoing", "59200", models.PriorityREP, true, 134, 24},
	{"Lycée Marie Curie", models.TypeLyceeGT, models.SectorPublic, "Villeneuve-d'Ascq", "59650", models.PriorityNone, true, 152, 9},
	{"Lycée professionnel du Val de Lys", models.TypeLyceePro, models.SectorPublic, "Armentières", "59280", models.PriorityNone, true, 167, 9},
	{"Lycée Sainte-Thérèse", models.TypeLyceeGT, models.SectorPrivate, "Marcq-en-Barœul", "59700", models.PriorityNone, true, 183, 8},
	{"Collège Victor Hugo", models.TypeCollege, models.SectorPublic, "Wattrelos", "59150", models.PriorityREP, true, 209, 8},
	{"Lycée Jules Ferry", models.TypeLyceeGT, models.SectorPublic, "Lambersart", "59130", models.PriorityNone, true, 226, 8},
	{"Lycée professionnel Camille Claudel", models.TypeLyceePro, models.SectorPublic, "Hem", "59510", models.PriorityNone, true, 241, 8},
	{"Collège Jean Moulin", models.TypeCollege, models.SectorPublic, "Loos", "59120", models.PriorityREP, true, 258, 7},
	{"Lycée professionnel Saint-Vincent", models.TypeLyceePro, models.SectorPrivate, "Croix", "59170", models.PriorityNone, true, 274, 7},
	{"Collège Anne Frank", models.TypeCollege, models.SectorPublic, "Mons-en-Barœul", "59370", models.PriorityREP, false, 293, 6},
}

// Partner indexes in partnerSpecs.
const (
	pCAF = iota
	pDepSocial
	pASE
	pPMI
	pMissionLocale
	pPRE
	pCMP
	pAssociation
)

type partnerSpec struct {
	name, contact, email, phone string
	kind                        models.PartnerKind
	responseDays                int
}

var partnerSpecs = []partnerSpec{
	{"CAF du Nord", "Accueil partenaires", "accueil@caf-demo.test", "03 53 01 10 15", models.PartnerCAF, models.DefaultResponseDays},
	{"Département du Nord — Service social", "Cellule orientation, UTPAS de Roubaix", "orientation@nord-demo.test", "03 53 01 20 10", models.PartnerDepartementSocial, 10},
	{"Département du Nord — ASE", "Accueil de l'aide sociale à l'enfance", "ase@nord-demo.test", "03 53 01 20 30", models.PartnerDepartementASE, 7},
	{"Département du Nord — PMI", "Secrétariat de PMI", "pmi@nord-demo.test", "03 53 01 20 50", models.PartnerDepartementPMI, models.DefaultResponseDays},
	{"Mission locale de Lille", "Accueil jeunes", "contact@missionlocale-demo.test", "03 53 01 30 00", models.PartnerMissionLocale, 21},
	{"Programme de réussite éducative de Roubaix", "Coordination du PRE", "pre@roubaix-demo.test", "03 53 01 40 00", models.PartnerPRE, models.DefaultResponseDays},
	{"CMP enfants et adolescents de Tourcoing", "Secrétariat médical", "secretariat@cmp-demo.test", "03 53 01 50 00", models.PartnerCMP, 30},
	{"Association Parents en lien (soutien à la parentalité)", "Permanence d'accueil", "accueil@parents-demo.test", "03 53 01 60 00", models.PartnerAssociation, 20},
}

// User indexes in accountSpecs.
const (
	uAdmin = iota
	uCoordination
	uMediator1
	uMediator2
	uHeadTeacher
	uCAF
	uDepartement
	uMediator3
	uMediator4
	uMediator5
)

type accountSpec struct {
	email, name, description string
	role                     models.Role
	establishments           []int
	partner                  int // index in partnerSpecs, -1 for none
}

var accountSpecs = []accountSpec{
	{"admin@demo.test", "Administration technique", "comptes et journal d'audit, aucun dossier élève", models.RoleAdmin, nil, -1},
	{"coordination@demo.test", "Hélène Vandewalle", "coordination métropolitaine : établissements, partenaires, rapport métropolitain anonymisé", models.RoleCoordinator, nil, -1},
	{"mediation@demo.test", "Nadia Berrada", "médiatrice : Collège Jean Jaurès (Roubaix) et Collège Louise Michel (Lille)", models.RoleMediator, []int{0, 1}, -1},
	{"mediation2@demo.test", "Julien Masquelier", "médiateur : Collège Albert Camus (Tourcoing)", models.RoleMediator, []int{2}, -1},
	{"direction@demo.test", "Laurent Decottignies", "principal du Collège Jean Jaurès (Roubaix)", models.RoleHeadTeacher, []int{0}, -1},
	{"caf@demo.test", "Sandrine Lheureux", "partenaire : CAF du Nord", models.RolePartner, nil, pCAF},
	{"departement@demo.test", "Mehdi Bouaziz", "partenaire : Département du Nord — Service social", models.RolePartner, nil, pDepSocial},
	{"mediation3@demo.test", "Camille Verhaeghe", "médiatrice : lycées de Villeneuve-d'Ascq, Armentières et Marcq-en-Barœul", models.RoleMediator, []int{3, 4, 5}, -1},
	{"mediation4@demo.test", "Yasmina Touati", "médiatrice : établissements de Wattrelos, Lambersart et Hem", models.RoleMediator, []int{6, 7, 8}, -1},
	{"mediation5@demo.test", "Grégory Wambre", "médiateur : établissements de Loos, Croix et Mons-en-Barœul", models.RoleMediator, []int{9, 10, 11}, -1},
}

// mediatorOf is the referent mediator (index in accountSpecs) of each establishment.
func mediatorOf(est int) int {
	for i, a := range accountSpecs {
		if a.role != models.RoleMediator {
			continue
		}
		for _, e := range a.establishments {
			if e == est {
				return i
			}
		}
	}
	return -1
}

// origin is a group of family names as found in the metropolis, with the first names and home
// languages that go with them, so that a family reads plausibly as a whole.
type origin struct {
	weight             int
	last               []string
	boys, girls        []string
	mothers, fathers   []string
	languages          []language
	sameNameForMothers float64
}

type language struct {
	name        string
	weight      int
	interpreter float64 // chance that a guardian speaking it needs an interpreter
}

var origins = []origin{
	{
		weight: 38,
		last: []string{"Lefebvre", "Vandenberghe", "Delattre", "Deleplanque", "Lemaire", "Duhamel", "Desmet", "Vasseur",
			"Caron", "Delcroix", "Wattiez", "Carpentier", "Leroy", "Dupont", "Dubois", "Vermeulen", "Declercq", "Deprez",
			"Dumortier", "Devos", "Lecomte", "Hennebelle", "Leclercq", "Lenoir", "Bonte", "Verbeke", "Dhalluin", "Flament",
			"Kaczmarek", "Nowak", "Szymanski", "Kowalczyk", "Van Hecke", "Delebarre", "Plouvier", "Catteau"},
		boys: []string{"Lucas", "Nathan", "Enzo", "Mathis", "Hugo", "Théo", "Louis", "Jules", "Kylian", "Dylan", "Maxime",
			"Evan", "Nolan", "Killian", "Tom", "Quentin", "Valentin", "Baptiste"},
		girls: []string{"Léa", "Manon", "Chloé", "Camille", "Maëlys", "Jade", "Louise", "Lola", "Emma", "Zoé", "Océane",
			"Romane", "Clara", "Anaïs", "Justine", "Lou", "Eva", "Margaux"},
		mothers: []string{"Sandrine", "Virginie", "Stéphanie", "Aurélie", "Céline", "Émilie", "Audrey", "Delphine",
			"Séverine", "Jessica", "Laetitia", "Mélanie"},
		fathers: []string{"Christophe", "Sébastien", "Frédéric", "David", "Jérôme", "Fabrice", "Grégory", "Ludovic",
			"Mickaël", "Cédric", "Stéphane", "Olivier"},
		languages:          []language{{"français", 1, 0}},
		sameNameForMothers: 0.6,
	},
	{
		weight: 30,
		last: []string{"Benali", "Bouzid", "Haddad", "Mebarki", "Amrani", "El Idrissi", "Cherif", "Belkacem", "Zerrouki",
			"Boukhris", "Hamidi", "Saïdi", "Ouali", "Mansouri", "Benaïssa", "Kaddouri", "Bensalem", "Aït Ahmed", "Lahlou",
			"Ziani", "Brahimi", "Hadjadj", "Mokrani", "Ferhat"},
		boys: []string{"Mohamed", "Ilyes", "Rayan", "Yanis", "Amine", "Bilal", "Adam", "Aylan", "Ismaël", "Sofiane",
			"Nassim", "Walid", "Anis", "Mehdi", "Zakaria", "Ayoub"},
		girls: []string{"Inès", "Lina", "Sarah", "Yasmine", "Aya", "Nour", "Kenza", "Assia", "Malak", "Imane", "Sofia",
			"Meriem", "Salma", "Rania", "Hind", "Dounia"},
		mothers: []string{"Fatima", "Nadia", "Samira", "Malika", "Karima", "Rachida", "Naïma", "Khadija", "Saliha",
			"Leïla", "Houria", "Zohra"},
		fathers: []string{"Mohamed", "Karim", "Rachid", "Farid", "Mustapha", "Abdelkader", "Hamid", "Saïd", "Ahmed",
			"Brahim", "Nordine", "Djamel"},
		languages:          []language{{"français", 45, 0}, {"arabe", 40, 0.25}, {"tamazight", 15, 0.3}},
		sameNameForMothers: 0.4,
	},
	{
		weight:             6,
		last:               []string{"Yilmaz", "Demir", "Kaya", "Çelik", "Şahin", "Aydin", "Öztürk", "Arslan", "Dogan", "Koç"},
		boys:               []string{"Emre", "Yusuf", "Mert", "Burak", "Enes", "Kerem", "Eren"},
		girls:              []string{"Elif", "Zeynep", "Ela", "Defne", "Ecrin", "Büşra", "Esra"},
		mothers:            []string{"Ayşe", "Fatma", "Emine", "Hatice", "Songül", "Derya"},
		fathers:            []string{"Mehmet", "Ali", "Hüseyin", "Mustafa", "Osman", "Ramazan"},
		languages:          []language{{"turc", 70, 0.4}, {"français", 30, 0}},
		sameNameForMothers: 0.7,
	},
	{
		weight:             5,
		last:               []string{"Ferreira", "Da Silva", "Pereira", "Santos", "Oliveira", "Rodrigues", "Gonçalves", "Fernandes", "Teixeira", "Carvalho"},
		boys:               []string{"Rafael", "Tiago", "Diogo", "Rodrigo", "Gabriel"},
		girls:              []string{"Ana", "Beatriz", "Mariana", "Carolina", "Leonor"},
		mothers:            []string{"Maria", "Ana Paula", "Cristina", "Sónia", "Fátima"},
		fathers:            []string{"João", "Carlos", "José", "Manuel", "Paulo"},
		languages:          []language{{"portugais", 60, 0.15}, {"français", 40, 0}},
		sameNameForMothers: 0.5,
	},
	{
		weight: 11,
		last: []string{"Traoré", "Diallo", "Koné", "Camara", "Ndiaye", "Mbala", "Kabongo", "Sissoko", "Keïta", "Mendy",
			"Bamba", "Diop", "Tshibangu", "Nsimba"},
		boys:    []string{"Moussa", "Mamadou", "Ibrahim", "Samuel", "Issa", "Christ", "Ousmane", "Joël"},
		girls:   []string{"Aminata", "Fatoumata", "Mariam", "Awa", "Grâce", "Hawa", "Kadiatou", "Divine"},
		mothers: []string{"Aïssata", "Fanta", "Mariama", "Bintou", "Nathalie", "Espérance"},
		fathers: []string{"Boubacar", "Seydou", "Jean-Pierre", "Lamine", "Patrick", "Amadou"},
		languages: []language{{"français", 60, 0}, {"lingala", 15, 0.1}, {"soninké", 10, 0.5}, {"wolof", 10, 0.3},
			{"peul", 5, 0.5}},
		sameNameForMothers: 0.3,
	},
	{
		weight:             3,
		last:               []string{"Selvarajah", "Tharmalingam", "Kanagaratnam", "Jeyakumar", "Nadarajah"},
		boys:               []string{"Arjun", "Kavin", "Nilan", "Sajeevan"},
		girls:              []string{"Priya", "Harini", "Kavya", "Thanuja"},
		mothers:            []string{"Kalaivani", "Sumathi", "Vasanthi"},
		fathers:            []string{"Ravi", "Suresh", "Mahendran"},
		languages:          []language{{"tamoul", 80, 0.6}, {"français", 20, 0}},
		sameNameForMothers: 0.8,
	},
	{
		weight:             4,
		last:               []string{"Popescu", "Stan", "Dumitru", "Constantin", "Lacatus", "Caldararu"},
		boys:               []string{"Ionut", "Florin", "Marian", "Denis", "Darius"},
		girls:              []string{"Ioana", "Andreea", "Bianca", "Daria", "Alexandra"},
		mothers:            []string{"Elena", "Mariana", "Florentina", "Nicoleta"},
		fathers:            []string{"Ion", "Gheorghe", "Vasile", "Costel"},
		languages:          []language{{"romani", 50, 0.7}, {"roumain", 50, 0.5}},
		sameNameForMothers: 0.8,
	},
	{
		weight:             3,
		last:               []string{"Ahmadi", "Rahimi", "Hakimi", "Noori", "Safi"},
		boys:               []string{"Ahmad", "Omid", "Jawad", "Sohail"},
		girls:              []string{"Marzia", "Zahra", "Farzana", "Nazanin"},
		mothers:            []string{"Zarmina", "Nasrin", "Shakila"},
		fathers:            []string{"Abdul", "Nasir", "Khalid"},
		languages:          []language{{"dari", 50, 0.8}, {"pachto", 50, 0.8}},
		sameNameForMothers: 0.9,
	},
}

// Staff names used as meeting participants; invented, one set per establishment.
var cpeNames = []string{"Mme Roussel", "M. Lefranc", "Mme Dewitte", "M. Hocquet", "Mme Sauvage", "M. Ben Youssef",
	"Mme Lagache", "M. Cardon", "Mme Descamps", "M. Brunet", "Mme Delval", "M. Petitprez"}

var teacherNames = []string{"M. Dumoulin", "Mme Vanhove", "Mme Haquette", "M. Kerbrat", "Mme Ramdane", "M. Gosselin",
	"Mme Fontaine", "M. Lemaître", "Mme Bertin", "M. Carré"}

// Follow-up notes by kind. {p} is the pupil's first name, {g} how the guardian is called.
var followUpNotes = map[models.FollowUpKind][]string{
	models.FollowUpPupilInterview: {
		"Entretien avec {p} sur ses absences du lundi matin : dit avoir du mal à se lever, se couche tard. Objectif fixé : arriver à l'heure toute la semaine.",
		"{p} exprime de l'ennui en classe et des difficultés en mathématiques. Proposition d'inscription à l'aide aux devoirs.",
		"Point hebdomadaire avec {p} : semaine complète sans absence, encouragements. Fiche de suivi remplie avec le CPE.",
		"{p} évoque des tensions avec un groupe d'élèves de la classe, sans violence signalée. À surveiller.",
		"Entretien de reprise après trois jours d'absence non justifiée. {p} reconnaît avoir séché ; engagement écrit signé.",
		"Échange sur le projet d'orientation : {p} s'intéresse aux métiers de la cuisine. Rendez-vous à prendre avec la PsyEN.",
		"{p} arrive de plus en plus tard ; {il} dit accompagner un petit frère à l'école. Solution à chercher avec la famille.",
	},
	models.FollowUpFamilyPhone: {
		"Appel à {g} : les absences n'étaient pas connues de la famille. Accord pour un rendez-vous à l'établissement.",
		"{g} ne répond pas ; message laissé sur la messagerie. Nouvel essai prévu.",
		"Échange avec {g} sur l'assiduité de {p} : amélioration constatée depuis les vacances.",
		"{g} signale un logement suroccupé qui pèse sur le sommeil de {p}.",
		"Appel pour rappeler la rencontre prévue ; {g} confirme sa présence.",
		"{g} explique que {p} garde ses frères et sœurs le matin. Orientation vers le PRE évoquée.",
		"{g} demande comment consulter les absences sur l'ENT ; explications données, identifiants renvoyés par la vie scolaire.",
	},
	models.FollowUpHomeVisit: {
		"Visite à domicile avec l'accord de {g}. {p} présent{e}. Point sur les horaires et le matériel scolaire.",
		"Visite à domicile : personne malgré le rendez-vous. Avis de passage déposé.",
		"Visite au domicile avec l'interprète : la famille comprend mieux le fonctionnement des absences et de l'ENT.",
		"Visite à domicile : {g} présente les démarches en cours ; documents de bourse complétés ensemble.",
	},
	models.FollowUpConflictMediation: {
		"Médiation entre {p} et un camarade après une altercation en récréation. Chacun a pu s'exprimer ; excuses réciproques.",
		"Médiation avec un professeur après un incident en cours ; {p} accepte de présenter des excuses.",
		"Conflit sur les réseaux sociaux entre élèves de la classe ; rappel des règles et information des familles.",
		"Médiation de groupe après des insultes en cours d'EPS ; accord sur des règles communes.",
	},
	models.FollowUpGPDSMeeting: {
		"Situation de {p} présentée en GPDS : maintien du suivi actif, tutorat proposé par le professeur principal.",
		"GPDS : point sur l'assiduité de {p}, amélioration nette. Passage en veille envisagé le mois prochain.",
		"GPDS : absentéisme persistant ; décision de convoquer la famille et d'envisager une orientation vers un partenaire.",
		"GPDS : aménagement de l'emploi du temps proposé pour {p} pendant trois semaines.",
	},
	models.FollowUpPartnerAccompaniment: {
		"Accompagnement de {g} à l'accueil de la CAF pour la mise à jour du dossier.",
		"Accompagnement de {p} au CMP pour le premier rendez-vous ; la famille n'a pas pu se libérer.",
		"Accompagnement à la permanence du PRE ; inscription de {p} à l'atelier de remobilisation.",
		"Accompagnement de {g} au centre social pour un atelier parents.",
	},
	models.FollowUpOther: {
		"Point avec le CPE sur les retards de {p} ; relevé transmis.",
		"Échange avec le professeur principal : travail irrégulier mais participation en hausse.",
		"Courrier aux responsables légaux pour signaler les absences du mois.",
		"Point avec l'assistante sociale scolaire sur la situation de {p}.",
	},
}

// restrictedNotes are the kind of confidences that only mediators may read.
var restrictedNotes = []string{
	"{g} évoque une séparation conflictuelle en cours ; {p} partage sa semaine entre deux domiciles. Ne pas diffuser.",
	"{p} confie des difficultés familiales importantes ; information partagée avec l'assistante sociale scolaire.",
	"Problème de santé d'un parent évoqué par {g} ; la famille demande la discrétion.",
	"{p} évoque des moqueries répétées sur sa situation ; vigilance harcèlement, CPE informé sans détail.",
	"Dettes de loyer importantes signalées par {g}. Orientation vers le service social envisagée.",
	"{p} dit dormir peu à cause de tensions au domicile. Suivi à renforcer, infirmière informée.",
	"{g} évoque un deuil récent dans la famille ; {p} ne souhaite pas que la classe le sache.",
}

// closingNotes is the last follow-up of a closed file, by exit reason.
var closingNotes = map[models.ExitReason]string{
	models.ExitReEngaged:      "Bilan de fin de suivi avec {p} et {g} : assiduité rétablie depuis deux mois, résultats en progrès. Clôture du dossier.",
	models.ExitReoriented:     "Bilan avant changement de filière : {p} rejoint une formation qui correspond à son projet. Clôture.",
	models.ExitMovedAway:      "{g} annonce le déménagement de la famille hors de la métropole. Dossier scolaire transmis ; clôture.",
	models.ExitNoDiploma:      "{p} a quitté l'établissement sans diplôme malgré les propositions ; coordonnées de la Mission locale remises.",
	models.ExitEndOfSchooling: "Fin de scolarité : bilan positif avec {p} et {g}. Clôture du dossier.",
	models.ExitOther:          "Clôture du dossier à la demande de la famille, qui ne souhaite plus d'accompagnement.",
}

// nextActions: what a follow-up leaves to do, and who does it ("" for the referent mediator).
var nextActions = []struct{ owner, text string }{
	{"", "Rappeler {g} pour faire le point sur l'assiduité"},
	{"", "Présenter la situation de {p} au prochain GPDS"},
	{"", "Contacter l'assistante sociale scolaire"},
	{"", "Vérifier les absences de la semaine avec la vie scolaire"},
	{"", "Proposer un rendez-vous à la famille"},
	{"", "Relancer le partenaire sur la demande en cours"},
	{"famille", "Fournir le justificatif d'absence"},
	{"famille", "Prendre rendez-vous au CMP"},
	{"famille", "Renvoyer le dossier CAF complété"},
	{"CPE", "Transmettre le relevé d'absences du mois"},
	{"CPE", "Organiser un tutorat avec un professeur volontaire"},
	{"professeur principal", "Faire un point sur le travail en classe"},
	{"élève", "Apporter le carnet de correspondance signé"},
	{"élève", "S'inscrire à l'aide aux devoirs"},
	{"infirmière scolaire", "Recevoir {p} pour un bilan de santé"},
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
	"mise en place d'une fiche de suivi quotidienne",
	"inscription à l'aide aux devoirs deux soirs par semaine",
	"point hebdomadaire avec la médiation",
	"orientation vers un partenaire proposée à la famille",
	"tutorat par le professeur principal",
	"nouvelle rencontre dans six semaines",
}

// meetingActions are who-does-what lines of a recap, as next actions.
var meetingActions = []struct{ owner, text string }{
	{"famille", "Justifier chaque absence sous 48 heures"},
	{"CPE", "Faire un point sur l'assiduité chaque vendredi"},
	{"", "Rappeler la famille dans deux semaines"},
	{"professeur principal", "Proposer un tutorat à {p}"},
	{"", "Préparer le dossier d'orientation vers le partenaire"},
	{"famille", "Prendre rendez-vous avec l'assistante sociale de secteur"},
}

// referralRequests: the request written for each reason of referral.
var referralRequests = map[models.ReferralReason][]string{
	models.ReasonSocialRights: {
		"Aider la famille à mettre à jour ses droits (prestations familiales, prime d'activité) : ressources en baisse depuis une perte d'emploi.",
		"Accompagner la famille dans l'ouverture de ses droits : dossier incomplet depuis l'arrivée dans la métropole.",
	},
	models.ReasonParenting: {
		"Proposer un accompagnement à la parentalité : la mère se dit dépassée par les horaires de son enfant.",
		"Soutien éducatif à domicile demandé par la famille, en difficulté depuis la séparation des parents.",
	},
	models.ReasonHousing: {
		"Logement suroccupé (cinq personnes dans un T2) : appui pour une demande de logement social.",
	},
	models.ReasonHealth: {
		"Premier rendez-vous pour un bilan psychologique : anxiété importante le matin, absences répétées.",
		"Suivi de santé à reprendre (vaccinations, vue) : la famille n'a plus de médecin traitant.",
	},
	models.ReasonSchooling: {
		"Inscription à un parcours de réussite éducative : aide aux devoirs et activité sportive.",
	},
	models.ReasonInsertion: {
		"Jeune de 16 ans sans solution d'orientation : accompagnement vers une formation ou un apprentissage.",
	},
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
	models.OutcomeSupportInPlace: "Accompagnement en place : trois rencontres réalisées, droits ouverts.",
	models.OutcomeFamilyDeclined: "La famille n'a pas donné suite aux propositions de rendez-vous et ne souhaite pas d'accompagnement.",
	models.OutcomeNotEligible:    "Après étude, la famille n'est pas éligible au dispositif demandé ; orientation vers le CCAS conseillée.",
	models.OutcomeNoFollowUp:     "Sans nouvelles de la famille après trois relances ; dossier clos.",
}

var statusComments = map[models.PupilStatus][]string{
	models.StatusIdentified: {"Repérage par le CPE : absences répétées.", "Signalé en GPDS.", "Repérage par le professeur principal : décrochage en cours.", "Demande de la famille."},
	models.StatusActive:     {"Passage en suivi actif après un premier entretien.", "Suivi actif décidé en GPDS."},
	models.StatusMonitoring: {"Assiduité rétablie : passage en veille.", "Veille décidée en GPDS."},
	models.StatusClosed:     {"Clôture du suivi."},
}
