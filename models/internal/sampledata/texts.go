package sampledata

import "mediation/models"

// The texts are templates: see Text for what {p}, {g}, {il} and {e} stand for.

// Action is a next action as the texts set it: its owner's label, "" for the referent
// mediator, and what to do.
type Action struct{ Owner, Text string }

// CPENames are the conseillers principaux d'éducation who attend meetings without an account,
// one per establishment (by its index, modulo their number). Invented, as are all the names here.
var CPENames = []string{"Mme Roussel", "M. Lefranc", "Mme Dewitte", "M. Hocquet", "Mme Sauvage", "M. Ben Youssef",
	"Mme Lagache", "M. Cardon", "Mme Descamps", "M. Brunet", "Mme Delval", "M. Petitprez", "Mme Castelain", "M. Dufour"}

// TeacherNames are the professeurs principaux who attend meetings without an account.
var TeacherNames = []string{"M. Dumoulin", "Mme Vanhove", "Mme Haquette", "M. Kerbrat", "Mme Ramdane", "M. Gosselin",
	"Mme Fontaine", "M. Lemaître", "Mme Bertin", "M. Carré"}

// FollowUpNotes are the notes of follow-ups, by kind.
var FollowUpNotes = map[models.FollowUpKind][]string{
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

// RestrictedNotes are the kind of confidences that only mediators may read.
var RestrictedNotes = []string{
	"{g} évoque une séparation conflictuelle en cours ; {p} partage sa semaine entre deux domiciles. Ne pas diffuser.",
	"{p} confie des difficultés familiales importantes ; information partagée avec l'assistante sociale scolaire.",
	"Problème de santé d'un parent évoqué par {g} ; la famille demande la discrétion.",
	"{p} évoque des moqueries répétées sur sa situation ; vigilance harcèlement, CPE informé sans détail.",
	"Dettes de loyer importantes signalées par {g}. Orientation vers le service social envisagée.",
	"{p} dit dormir peu à cause de tensions au domicile. Suivi à renforcer, infirmière informée.",
	"{g} évoque un deuil récent dans la famille ; {p} ne souhaite pas que la classe le sache.",
}

// ClosingNotes are the last follow-up of a closed file, by exit reason.
var ClosingNotes = map[models.ExitReason]string{
	models.ExitReEngaged:      "Bilan de fin de suivi avec {p} et {g} : assiduité rétablie depuis deux mois, résultats en progrès. Clôture du dossier.",
	models.ExitReoriented:     "Bilan avant changement de filière : {p} rejoint une formation qui correspond à son projet. Clôture.",
	models.ExitMovedAway:      "{g} annonce le déménagement de la famille hors de la métropole. Dossier scolaire transmis ; clôture.",
	models.ExitNoDiploma:      "{p} a quitté l'établissement sans diplôme malgré les propositions ; coordonnées de la Mission locale remises.",
	models.ExitEndOfSchooling: "Fin de scolarité : bilan positif avec {p} et {g}. Clôture du dossier.",
	models.ExitOther:          "Clôture du dossier à la demande de la famille, qui ne souhaite plus d'accompagnement.",
}

// NextActions are what a follow-up leaves to do, and who does it.
var NextActions = []Action{
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

// MeetingPurposes are the purposes of family–school meetings.
var MeetingPurposes = []string{
	"Point sur l'assiduité de {p}",
	"Bilan du trimestre avec la famille",
	"Présentation du suivi de médiation à la famille",
	"Préparer l'orientation de {p}",
	"Retour après l'exclusion temporaire de {p}",
	"Rencontre après un conflit entre élèves",
}

// MeetingPlaces are the rooms of the establishment where meetings take place.
var MeetingPlaces = []string{"Bureau de la médiation", "Salle des familles", "Bureau du CPE", "Salle de réunion"}

// recapFindings and recapDecisions make the recap of a meeting (see Recap).
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

// MeetingActions are the who-does-what lines of a meeting recap, as next actions.
var MeetingActions = []Action{
	{"famille", "Justifier chaque absence sous 48 heures"},
	{"CPE", "Faire un point sur l'assiduité chaque vendredi"},
	{"", "Rappeler la famille dans deux semaines"},
	{"professeur principal", "Proposer un tutorat à {p}"},
	{"", "Préparer le dossier d'orientation vers le partenaire"},
	{"famille", "Prendre rendez-vous avec l'assistante sociale de secteur"},
}

// ReferralRequests are the requests written to a partner, by reason of referral.
var ReferralRequests = map[models.ReferralReason][]string{
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
	models.ReasonChildProtection: {
		"Information préoccupante : l'élève dit être souvent seul le soir ; évaluation demandée.",
	},
	models.ReasonOther: {
		"Mise en relation avec une permanence de quartier à la demande de la famille.",
	},
}

// DeclineReasons are why a partner declines a referral (see DeclineFeedback).
var DeclineReasons = []string{
	"La famille est déjà accompagnée par un autre service pour la même demande.",
	"Demande hors de notre champ : orienter vers le CCAS de la commune.",
	"Ressources au-dessus des plafonds pour l'aide demandée.",
}

// AcceptFeedback is what a partner answers when it accepts a referral.
var AcceptFeedback = []string{
	"Demande acceptée : une conseillère contactera la famille sous huit jours.",
	"Prise en charge acceptée ; premier rendez-vous fixé avec la famille.",
	"Dossier attribué au travailleur social de secteur, qui prend contact avec la famille.",
}

// OutcomeFeedback is what a partner answers when it closes a referral, by outcome.
var OutcomeFeedback = map[models.ReferralOutcome]string{
	models.OutcomeSupportInPlace: "Accompagnement en place : trois rencontres réalisées, droits ouverts.",
	models.OutcomeFamilyDeclined: "La famille n'a pas donné suite aux propositions de rendez-vous et ne souhaite pas d'accompagnement.",
	models.OutcomeNotEligible:    "Après étude, la famille n'est pas éligible au dispositif demandé ; orientation vers le CCAS conseillée.",
	models.OutcomeNoFollowUp:     "Sans nouvelles de la famille après trois relances ; dossier clos.",
}

// StatusComments are the comments of a change of a pupil file's status, by the new status.
var StatusComments = map[models.PupilStatus][]string{
	models.StatusIdentified: {"Repérage par le CPE : absences répétées.", "Signalé en GPDS.", "Repérage par le professeur principal : décrochage en cours.", "Demande de la famille."},
	models.StatusActive:     {"Passage en suivi actif après un premier entretien.", "Suivi actif décidé en GPDS."},
	models.StatusMonitoring: {"Assiduité rétablie : passage en veille.", "Veille décidée en GPDS."},
	models.StatusClosed:     {"Clôture du suivi."},
}

// ReopenComments are the comments of a closed file's reopening.
var ReopenComments = []string{"Réouverture : reprise des absences après les vacances.",
	"Réouverture à la demande du CPE : nouvelles absences non justifiées."}

// ExitLabels name the exit reasons in the comment of a closure.
var ExitLabels = map[models.ExitReason]string{
	models.ExitReEngaged:      "élève raccroché",
	models.ExitReoriented:     "réorientation",
	models.ExitMovedAway:      "déménagement",
	models.ExitNoDiploma:      "sortie sans diplôme",
	models.ExitEndOfSchooling: "fin de scolarité",
	models.ExitOther:          "autre motif",
}
