package models

// The enumerations of the domain. Each is stored as its code; the migrations hold the same
// lists as CHECK constraints, so that the database refuses a value the code does not know.

// Role is what a user account may do; see DESIGN.md's role table.
type Role string

// The five roles.
const (
	RoleMediator    Role = "mediator"
	RoleHeadTeacher Role = "head_teacher"
	RolePartner     Role = "partner"
	RoleCoordinator Role = "coordinator"
	RoleAdmin       Role = "admin"
)

// Roles lists every role, in the order the interface shows them.
var Roles = []Role{RoleMediator, RoleHeadTeacher, RolePartner, RoleCoordinator, RoleAdmin}

// Valid tells whether r is one of Roles.
func (r Role) Valid() bool { return oneOf(r, Roles) }

// EstablishmentType is collège, lycée général et technologique or lycée professionnel.
type EstablishmentType string

// The establishment types kept by the product.
const (
	TypeCollege  EstablishmentType = "college"
	TypeLyceeGT  EstablishmentType = "lycee_gt"
	TypeLyceePro EstablishmentType = "lycee_pro"
)

// EstablishmentTypes lists the establishment types.
var EstablishmentTypes = []EstablishmentType{TypeCollege, TypeLyceeGT, TypeLyceePro}

// Valid tells whether t is one of EstablishmentTypes.
func (t EstablishmentType) Valid() bool { return oneOf(t, EstablishmentTypes) }

// Sector is public or privé sous contrat.
type Sector string

// The sectors.
const (
	SectorPublic  Sector = "public"
	SectorPrivate Sector = "private"
)

// Sectors lists the sectors.
var Sectors = []Sector{SectorPublic, SectorPrivate}

// Valid tells whether s is one of Sectors.
func (s Sector) Valid() bool { return oneOf(s, Sectors) }

// PriorityLabel is the priority-education label: REP, REP+ or none.
type PriorityLabel string

// The priority-education labels.
const (
	PriorityNone    PriorityLabel = "none"
	PriorityREP     PriorityLabel = "rep"
	PriorityREPPlus PriorityLabel = "rep_plus"
)

// PriorityLabels lists the labels.
var PriorityLabels = []PriorityLabel{PriorityNone, PriorityREP, PriorityREPPlus}

// Valid tells whether p is one of PriorityLabels.
func (p PriorityLabel) Valid() bool { return oneOf(p, PriorityLabels) }

// PartnerKind is the kind of a partner organisation.
type PartnerKind string

// The partner kinds.
const (
	PartnerCAF               PartnerKind = "caf"
	PartnerDepartementASE    PartnerKind = "departement_ase"
	PartnerDepartementPMI    PartnerKind = "departement_pmi"
	PartnerDepartementSocial PartnerKind = "departement_social"
	PartnerMissionLocale     PartnerKind = "mission_locale"
	PartnerCMP               PartnerKind = "cmp"
	PartnerPRE               PartnerKind = "pre"
	PartnerAssociation       PartnerKind = "association"
	PartnerOther             PartnerKind = "other"
)

// PartnerKinds lists the partner kinds.
var PartnerKinds = []PartnerKind{PartnerCAF, PartnerDepartementASE, PartnerDepartementPMI,
	PartnerDepartementSocial, PartnerMissionLocale, PartnerCMP, PartnerPRE, PartnerAssociation, PartnerOther}

// Valid tells whether k is one of PartnerKinds.
func (k PartnerKind) Valid() bool { return oneOf(k, PartnerKinds) }

// ClassLevel is the pupil's level, from 6e to Terminale and the vocational courses.
type ClassLevel string

// The class levels.
const (
	Level6e     ClassLevel = "6e"
	Level5e     ClassLevel = "5e"
	Level4e     ClassLevel = "4e"
	Level3e     ClassLevel = "3e"
	Level2nde   ClassLevel = "2nde"
	Level1re    ClassLevel = "1re"
	LevelTle    ClassLevel = "tle"
	LevelCAP1   ClassLevel = "cap1"
	LevelCAP2   ClassLevel = "cap2"
	LevelBacPro ClassLevel = "bac_pro"
)

// ClassLevels lists the class levels in school order.
var ClassLevels = []ClassLevel{Level6e, Level5e, Level4e, Level3e, Level2nde, Level1re, LevelTle,
	LevelCAP1, LevelCAP2, LevelBacPro}

// Valid tells whether l is one of ClassLevels.
func (l ClassLevel) Valid() bool { return oneOf(l, ClassLevels) }

// PupilStatus is where a pupil file stands: repéré, suivi actif, veille, clos.
type PupilStatus string

// The pupil statuses.
const (
	StatusIdentified PupilStatus = "identified"
	StatusActive     PupilStatus = "active"
	StatusMonitoring PupilStatus = "monitoring"
	StatusClosed     PupilStatus = "closed"
)

// PupilStatuses lists the statuses in the order of a file's life.
var PupilStatuses = []PupilStatus{StatusIdentified, StatusActive, StatusMonitoring, StatusClosed}

// Valid tells whether s is one of PupilStatuses.
func (s PupilStatus) Valid() bool { return oneOf(s, PupilStatuses) }

// ExitReason says why a file was closed.
type ExitReason string

// The exit reasons.
const (
	ExitReEngaged      ExitReason = "re_engaged"
	ExitReoriented     ExitReason = "reoriented"
	ExitMovedAway      ExitReason = "moved_away"
	ExitNoDiploma      ExitReason = "left_without_diploma"
	ExitEndOfSchooling ExitReason = "end_of_schooling"
	ExitOther          ExitReason = "other"
)

// ExitReasons lists the exit reasons.
var ExitReasons = []ExitReason{ExitReEngaged, ExitReoriented, ExitMovedAway, ExitNoDiploma,
	ExitEndOfSchooling, ExitOther}

// Valid tells whether r is one of ExitReasons.
func (r ExitReason) Valid() bool { return oneOf(r, ExitReasons) }

// FollowUpKind is the kind of a follow-up (suivi).
type FollowUpKind string

// The follow-up kinds.
const (
	FollowUpPupilInterview       FollowUpKind = "pupil_interview"
	FollowUpFamilyPhone          FollowUpKind = "family_phone"
	FollowUpHomeVisit            FollowUpKind = "home_visit"
	FollowUpConflictMediation    FollowUpKind = "conflict_mediation"
	FollowUpGPDSMeeting          FollowUpKind = "gpds_meeting"
	FollowUpPartnerAccompaniment FollowUpKind = "partner_accompaniment"
	FollowUpOther                FollowUpKind = "other"
)

// FollowUpKinds lists the follow-up kinds.
var FollowUpKinds = []FollowUpKind{FollowUpPupilInterview, FollowUpFamilyPhone, FollowUpHomeVisit,
	FollowUpConflictMediation, FollowUpGPDSMeeting, FollowUpPartnerAccompaniment, FollowUpOther}

// Valid tells whether k is one of FollowUpKinds.
func (k FollowUpKind) Valid() bool { return oneOf(k, FollowUpKinds) }

// MeetingStatus is where a family–school meeting stands.
type MeetingStatus string

// The meeting statuses.
const (
	MeetingPlanned      MeetingStatus = "planned"
	MeetingHeld         MeetingStatus = "held"
	MeetingFamilyAbsent MeetingStatus = "family_absent"
	MeetingPostponed    MeetingStatus = "postponed"
	MeetingCancelled    MeetingStatus = "cancelled"
)

// MeetingStatuses lists the meeting statuses.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingHeld, MeetingFamilyAbsent,
	MeetingPostponed, MeetingCancelled}

// Valid tells whether s is one of MeetingStatuses.
func (s MeetingStatus) Valid() bool { return oneOf(s, MeetingStatuses) }

// ParticipantRole is the role of a participant in a meeting.
type ParticipantRole string

// The participant roles.
const (
	ParticipantGuardian         ParticipantRole = "guardian"
	ParticipantPupil            ParticipantRole = "pupil"
	ParticipantCPE              ParticipantRole = "cpe"
	ParticipantPrincipalTeacher ParticipantRole = "principal_teacher"
	ParticipantHeadTeacher      ParticipantRole = "head_teacher"
	ParticipantMediator         ParticipantRole = "mediator"
	ParticipantSocialWorker     ParticipantRole = "social_worker"
	ParticipantNurse            ParticipantRole = "nurse"
	ParticipantInterpreter      ParticipantRole = "interpreter"
	ParticipantPartner          ParticipantRole = "partner"
)

// ParticipantRoles lists the participant roles.
var ParticipantRoles = []ParticipantRole{ParticipantGuardian, ParticipantPupil, ParticipantCPE,
	ParticipantPrincipalTeacher, ParticipantHeadTeacher, ParticipantMediator, ParticipantSocialWorker,
	ParticipantNurse, ParticipantInterpreter, ParticipantPartner}

// Valid tells whether r is one of ParticipantRoles.
func (r ParticipantRole) Valid() bool { return oneOf(r, ParticipantRoles) }

// ReferralStatus is where a referral (orientation) stands.
type ReferralStatus string

// The referral statuses.
const (
	ReferralDraft        ReferralStatus = "draft"
	ReferralSent         ReferralStatus = "sent"
	ReferralAcknowledged ReferralStatus = "acknowledged"
	ReferralAccepted     ReferralStatus = "accepted"
	ReferralDeclined     ReferralStatus = "declined"
	ReferralClosed       ReferralStatus = "closed"
	ReferralWithdrawn    ReferralStatus = "withdrawn"
)

// ReferralStatuses lists the referral statuses.
var ReferralStatuses = []ReferralStatus{ReferralDraft, ReferralSent, ReferralAcknowledged,
	ReferralAccepted, ReferralDeclined, ReferralClosed, ReferralWithdrawn}

// Valid tells whether s is one of ReferralStatuses.
func (s ReferralStatus) Valid() bool { return oneOf(s, ReferralStatuses) }

// ReferralReason is the subject of a referral, used to count referrals by reason.
type ReferralReason string

// The referral reasons.
const (
	ReasonParenting       ReferralReason = "parenting_support"
	ReasonSocialRights    ReferralReason = "social_rights"
	ReasonHealth          ReferralReason = "health"
	ReasonChildProtection ReferralReason = "child_protection"
	ReasonSchooling       ReferralReason = "schooling_support"
	ReasonInsertion       ReferralReason = "youth_insertion"
	ReasonHousing         ReferralReason = "housing"
	ReasonOther           ReferralReason = "other"
)

// ReferralReasons lists the referral reasons.
var ReferralReasons = []ReferralReason{ReasonParenting, ReasonSocialRights, ReasonHealth,
	ReasonChildProtection, ReasonSchooling, ReasonInsertion, ReasonHousing, ReasonOther}

// Valid tells whether r is one of ReferralReasons.
func (r ReferralReason) Valid() bool { return oneOf(r, ReferralReasons) }

// ReferralOutcome is how a closed referral ended.
type ReferralOutcome string

// The referral outcomes.
const (
	OutcomeSupportInPlace ReferralOutcome = "support_in_place"
	OutcomeFamilyDeclined ReferralOutcome = "family_declined"
	OutcomeNotEligible    ReferralOutcome = "not_eligible"
	OutcomeNoFollowUp     ReferralOutcome = "no_follow_up"
)

// ReferralOutcomes lists the outcomes.
var ReferralOutcomes = []ReferralOutcome{OutcomeSupportInPlace, OutcomeFamilyDeclined,
	OutcomeNotEligible, OutcomeNoFollowUp}

// Valid tells whether o is one of ReferralOutcomes.
func (o ReferralOutcome) Valid() bool { return oneOf(o, ReferralOutcomes) }

// ConsentMethod is how the family's consent to a referral was given.
type ConsentMethod string

// The consent methods.
const (
	ConsentWritten  ConsentMethod = "written"
	ConsentInPerson ConsentMethod = "oral_in_person"
	ConsentPhone    ConsentMethod = "phone"
	ConsentEmail    ConsentMethod = "email"
)

// ConsentMethods lists the consent methods.
var ConsentMethods = []ConsentMethod{ConsentWritten, ConsentInPerson, ConsentPhone, ConsentEmail}

// Valid tells whether m is one of ConsentMethods.
func (m ConsentMethod) Valid() bool { return oneOf(m, ConsentMethods) }

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}
