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
