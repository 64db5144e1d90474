package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0001Initial creates the whole data model of DESIGN.md. The structs below are frozen copies:
// they describe the tables as this migration made them, whatever the live models become.
// Their names give the table names (pupil → pupils); the association fields give the foreign
// keys; the CHECK constraints hold the enumerations so that the database refuses unknown codes.
func m0001Initial() *gormigrate.Migration {
	type establishment struct {
		ID                uint      `gorm:"primaryKey"`
		UAI               string    `gorm:"column:uai;size:8;not null;uniqueIndex"`
		Name              string    `gorm:"size:200;not null"`
		Type              string    `gorm:"size:20;not null;index;check:chk_establishments_type,type IN ('college','lycee_gt','lycee_pro')"`
		Sector            string    `gorm:"size:10;not null;check:chk_establishments_sector,sector IN ('public','private')"`
		Commune           string    `gorm:"size:100;not null;index"`
		PostalCode        string    `gorm:"size:5;not null"`
		PriorityEducation string    `gorm:"size:10;not null;default:none;index;check:chk_establishments_priority,priority_education IN ('none','rep','rep_plus')"`
		Active            bool      `gorm:"not null;default:true"`
		CreatedAt         time.Time `gorm:"not null"`
		UpdatedAt         time.Time `gorm:"not null"`
	}
	type partnerOrganisation struct {
		ID           uint      `gorm:"primaryKey"`
		Name         string    `gorm:"size:200;not null;uniqueIndex"`
		Kind         string    `gorm:"size:30;not null;check:chk_partner_organisations_kind,kind IN ('caf','departement_ase','departement_pmi','departement_social','mission_locale','cmp','pre','association','other')"`
		ContactName  string    `gorm:"size:200;not null;default:''"`
		ContactEmail string    `gorm:"size:254;not null;default:''"`
		ContactPhone string    `gorm:"size:30;not null;default:''"`
		ResponseDays int       `gorm:"not null;default:15;check:chk_partner_organisations_response_days,response_days BETWEEN 1 AND 365"`
		Active       bool      `gorm:"not null;default:true"`
		CreatedAt    time.Time `gorm:"not null"`
		UpdatedAt    time.Time `gorm:"not null"`
	}
	type user struct {
		ID                    uint                 `gorm:"primaryKey"`
		Email                 string               `gorm:"size:254;not null;uniqueIndex"`
		DisplayName           string               `gorm:"size:200;not null"`
		Role                  string               `gorm:"size:20;not null;index;check:chk_users_role,role IN ('mediator','head_teacher','partner','coordinator','admin')"`
		PartnerOrganisationID *uint                `gorm:"index;check:chk_users_partner,(role = 'partner') = (partner_organisation_id IS NOT NULL)"`
		PartnerOrganisation   *partnerOrganisation `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		Locale                string               `gorm:"size:5;not null;default:fr;check:chk_users_locale,locale IN ('fr','en')"`
		Active                bool                 `gorm:"not null;default:true"`
		PasswordHash          string               `gorm:"size:255;not null"`
		MustChangePassword    bool                 `gorm:"not null;default:false"`
		LastLoginAt           *time.Time
		CreatedAt             time.Time `gorm:"not null"`
		UpdatedAt             time.Time `gorm:"not null"`
	}
	type userEstablishment struct {
		UserID          uint           `gorm:"primaryKey;autoIncrement:false"`
		User            *user          `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		EstablishmentID uint           `gorm:"primaryKey;autoIncrement:false;index"`
		Establishment   *establishment `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
	}
	type pupil struct {
		ID                 uint           `gorm:"primaryKey"`
		EstablishmentID    uint           `gorm:"not null;index:idx_pupils_establishment_status,priority:1;index:idx_pupils_establishment_name,priority:1"`
		Establishment      *establishment `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		LastName           string         `gorm:"size:100;not null;index:idx_pupils_establishment_name,priority:2"`
		FirstName          string         `gorm:"size:100;not null;index:idx_pupils_establishment_name,priority:3"`
		BirthDate          time.Time      `gorm:"type:date;not null"`
		ClassLevel         string         `gorm:"size:10;not null;check:chk_pupils_class_level,class_level IN ('6e','5e','4e','3e','2nde','1re','tle','cap1','cap2','bac_pro')"`
		ClassName          string         `gorm:"size:20;not null;default:''"`
		INE                *string        `gorm:"column:ine;size:11;uniqueIndex"`
		ReferentMediatorID *uint          `gorm:"index"`
		ReferentMediator   *user          `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		Status             string         `gorm:"size:12;not null;index:idx_pupils_establishment_status,priority:2;check:chk_pupils_status,status IN ('identified','active','monitoring','closed')"`
		ExitReason         *string        `gorm:"size:30;check:chk_pupils_exit_reason,(exit_reason IS NULL OR exit_reason IN ('re_engaged','reoriented','moved_away','left_without_diploma','end_of_schooling','other')) AND ((status = 'closed') = (exit_reason IS NOT NULL))"`
		IdentifiedOn       time.Time      `gorm:"type:date;not null"`
		ClosedAt           *time.Time     `gorm:"index"`
		AnonymisedAt       *time.Time
		Version            int       `gorm:"not null;default:1"`
		CreatedAt          time.Time `gorm:"not null"`
		UpdatedAt          time.Time `gorm:"not null"`
	}
	type guardian struct {
		ID                uint      `gorm:"primaryKey"`
		PupilID           uint      `gorm:"not null;index"`
		Pupil             *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Name              string    `gorm:"size:200;not null"`
		Relation          string    `gorm:"size:30;not null;default:''"`
		Phone             string    `gorm:"size:30;not null;default:''"`
		Email             string    `gorm:"size:254;not null;default:''"`
		HomeLanguage      string    `gorm:"size:50;not null;default:''"`
		InterpreterNeeded bool      `gorm:"not null;default:false"`
		CreatedAt         time.Time `gorm:"not null"`
		UpdatedAt         time.Time `gorm:"not null"`
	}
	type pupilStatusChange struct {
		ID          uint      `gorm:"primaryKey"`
		PupilID     uint      `gorm:"not null;index:idx_pupil_status_changes_pupil,priority:1"`
		Pupil       *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		FromStatus  *string   `gorm:"size:12;check:chk_pupil_status_changes_from,from_status IS NULL OR from_status IN ('identified','active','monitoring','closed')"`
		ToStatus    string    `gorm:"size:12;not null;index;check:chk_pupil_status_changes_to,to_status IN ('identified','active','monitoring','closed')"`
		ExitReason  *string   `gorm:"size:30;check:chk_pupil_status_changes_exit,exit_reason IS NULL OR exit_reason IN ('re_engaged','reoriented','moved_away','left_without_diploma','end_of_schooling','other')"`
		Comment     string    `gorm:"size:1000;not null;default:''"`
		ChangedByID *uint     `gorm:"index"`
		ChangedBy   *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		ChangedAt   time.Time `gorm:"not null;index:idx_pupil_status_changes_pupil,priority:2"`
	}
	type monthlyIndicator struct {
		ID                  uint      `gorm:"primaryKey"`
		PupilID             uint      `gorm:"not null;uniqueIndex:idx_monthly_indicators_pupil_month,priority:1"`
		Pupil               *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Month               string    `gorm:"size:7;not null;index;uniqueIndex:idx_monthly_indicators_pupil_month,priority:2"`
		UnjustifiedHalfDays int       `gorm:"not null;default:0;check:chk_monthly_indicators_unjustified,unjustified_half_days >= 0"`
		JustifiedHalfDays   int       `gorm:"not null;default:0;check:chk_monthly_indicators_justified,justified_half_days >= 0"`
		SchoolHalfDays      *int      `gorm:"check:chk_monthly_indicators_school,school_half_days IS NULL OR (school_half_days BETWEEN 1 AND 62 AND unjustified_half_days + justified_half_days <= school_half_days)"`
		TemporaryExclusions int       `gorm:"not null;default:0;check:chk_monthly_indicators_exclusions,temporary_exclusions >= 0"`
		Incidents           int       `gorm:"not null;default:0;check:chk_monthly_indicators_incidents,incidents >= 0"`
		TermAverage         *float64  `gorm:"type:numeric(4,2);check:chk_monthly_indicators_average,term_average IS NULL OR term_average BETWEEN 0 AND 20"`
		Source              string    `gorm:"size:10;not null;default:manual;check:chk_monthly_indicators_source,source IN ('manual','import')"`
		UpdatedByID         *uint     `gorm:"index"`
		UpdatedBy           *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		CreatedAt           time.Time `gorm:"not null"`
		UpdatedAt           time.Time `gorm:"not null"`
	}
	type followUp struct {
		ID              uint      `gorm:"primaryKey"`
		PupilID         uint      `gorm:"not null;index:idx_follow_ups_pupil_date,priority:1"`
		Pupil           *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		AuthorID        uint      `gorm:"not null;index:idx_follow_ups_author_date,priority:1"`
		Author          *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		OccurredOn      time.Time `gorm:"type:date;not null;index:idx_follow_ups_pupil_date,priority:2;index:idx_follow_ups_author_date,priority:2"`
		Kind            string    `gorm:"size:30;not null;check:chk_follow_ups_kind,kind IN ('pupil_interview','family_phone','home_visit','conflict_mediation','gpds_meeting','partner_accompaniment','other')"`
		DurationMinutes int       `gorm:"not null;default:0;check:chk_follow_ups_duration,duration_minutes BETWEEN 0 AND 720"`
		Note            string    `gorm:"type:text;not null;default:''"`
		Restricted      bool      `gorm:"not null;default:false"`
		CreatedAt       time.Time `gorm:"not null"`
		UpdatedAt       time.Time `gorm:"not null"`
	}
	type meeting struct {
		ID                uint      `gorm:"primaryKey"`
		PupilID           uint      `gorm:"not null;index:idx_meetings_pupil_time,priority:1"`
		Pupil             *pupil    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		OrganiserID       uint      `gorm:"not null;index:idx_meetings_organiser_time,priority:1"`
		Organiser         *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		ScheduledAt       time.Time `gorm:"not null;index:idx_meetings_pupil_time,priority:2;index:idx_meetings_organiser_time,priority:2;index:idx_meetings_status_time,priority:2"`
		DurationMinutes   int       `gorm:"not null;default:60;check:chk_meetings_duration,duration_minutes BETWEEN 5 AND 480"`
		Place             string    `gorm:"size:200;not null;default:''"`
		Purpose           string    `gorm:"size:1000;not null;default:''"`
		InterpreterNeeded bool      `gorm:"not null;default:false"`
		Status            string    `gorm:"size:15;not null;index:idx_meetings_status_time,priority:1;check:chk_meetings_status,status IN ('planned','held','family_absent','postponed','cancelled')"`
		Recap             string    `gorm:"type:text;not null;default:''"`
		RecapAt           *time.Time
		Version           int       `gorm:"not null;default:1"`
		CreatedAt         time.Time `gorm:"not null"`
		UpdatedAt         time.Time `gorm:"not null"`
	}
	type meetingParticipant struct {
		ID        uint     `gorm:"primaryKey"`
		MeetingID uint     `gorm:"not null;index"`
		Meeting   *meeting `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Role      string   `gorm:"size:20;not null;check:chk_meeting_participants_role,role IN ('guardian','pupil','cpe','principal_teacher','head_teacher','mediator','social_worker','nurse','interpreter','partner')"`
		Name      string   `gorm:"size:200;not null;default:''"`
		UserID    *uint    `gorm:"index"`
		User      *user    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		Attended  *bool
	}
	type nextAction struct {
		ID          uint       `gorm:"primaryKey"`
		PupilID     uint       `gorm:"not null;index:idx_next_actions_pupil_open,priority:1"`
		Pupil       *pupil     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		FollowUpID  *uint      `gorm:"index"`
		FollowUp    *followUp  `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		MeetingID   *uint      `gorm:"index"`
		Meeting     *meeting   `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		Description string     `gorm:"size:500;not null"`
		DueOn       time.Time  `gorm:"type:date;not null;index:idx_next_actions_owner_open,priority:3"`
		OwnerUserID *uint      `gorm:"index:idx_next_actions_owner_open,priority:1"`
		OwnerUser   *user      `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		OwnerLabel  string     `gorm:"size:100;not null;default:''"`
		CreatedByID *uint      `gorm:"index"`
		CreatedBy   *user      `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		DoneAt      *time.Time `gorm:"index:idx_next_actions_owner_open,priority:2;index:idx_next_actions_pupil_open,priority:2"`
		CreatedAt   time.Time  `gorm:"not null"`
		UpdatedAt   time.Time  `gorm:"not null"`
	}
	type referral struct {
		ID                    uint                 `gorm:"primaryKey"`
		PupilID               uint                 `gorm:"not null;index"`
		Pupil                 *pupil               `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		PartnerOrganisationID uint                 `gorm:"not null;index:idx_referrals_partner_status,priority:1"`
		PartnerOrganisation   *partnerOrganisation `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		SenderID              uint                 `gorm:"not null;index"`
		Sender                *user                `gorm:"constraint:OnUpdate:CASCADE,OnDelete:RESTRICT"`
		Reason                string               `gorm:"size:30;not null;check:chk_referrals_reason,reason IN ('parenting_support','social_rights','health','child_protection','schooling_support','youth_insertion','housing','other')"`
		Request               string               `gorm:"type:text;not null;default:''"`
		ConsentGivenBy        string               `gorm:"size:200;not null;default:''"`
		ConsentGivenOn        *time.Time
		ConsentMethod         *string `gorm:"size:20;check:chk_referrals_consent_method,consent_method IS NULL OR consent_method IN ('written','oral_in_person','phone','email')"`
		// No consent, no referral: only a draft (or a draft withdrawn) may lack it.
		Status         string     `gorm:"size:15;not null;index:idx_referrals_partner_status,priority:2;index:idx_referrals_status_sent,priority:1;check:chk_referrals_status,status IN ('draft','sent','acknowledged','accepted','declined','closed','withdrawn') AND (status IN ('draft','withdrawn') OR (consent_given_on IS NOT NULL AND consent_method IS NOT NULL AND consent_given_by <> ''))"`
		DeclineReason  string     `gorm:"size:1000;not null;default:''"`
		Outcome        *string    `gorm:"size:20;check:chk_referrals_outcome,outcome IS NULL OR outcome IN ('support_in_place','family_declined','not_eligible','no_follow_up')"`
		Feedback       string     `gorm:"type:text;not null;default:''"`
		SentAt         *time.Time `gorm:"index:idx_referrals_status_sent,priority:2"`
		AcknowledgedAt *time.Time
		AnsweredAt     *time.Time
		ClosedAt       *time.Time
		WithdrawnAt    *time.Time
		Version        int       `gorm:"not null;default:1"`
		CreatedAt      time.Time `gorm:"not null"`
		UpdatedAt      time.Time `gorm:"not null"`
	}
	type referralTransition struct {
		ID         uint      `gorm:"primaryKey"`
		ReferralID uint      `gorm:"not null;index:idx_referral_transitions_referral,priority:1"`
		Referral   *referral `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE"`
		FromStatus string    `gorm:"size:15;not null;default:''"`
		ToStatus   string    `gorm:"size:15;not null;check:chk_referral_transitions_to,to_status IN ('draft','sent','acknowledged','accepted','declined','closed','withdrawn')"`
		ActorID    *uint     `gorm:"index"`
		Actor      *user     `gorm:"constraint:OnUpdate:CASCADE,OnDelete:SET NULL"`
		At         time.Time `gorm:"not null;index:idx_referral_transitions_referral,priority:2"`
		Comment    string    `gorm:"size:1000;not null;default:''"`
	}
	// The audit trail has no foreign key on purpose: it must outlive what it mentions.
	type auditEvent struct {
		ID         uint      `gorm:"primaryKey"`
		At         time.Time `gorm:"not null;index"`
		UserID     *uint     `gorm:"index:idx_audit_events_user_at,priority:1"`
		ActorEmail string    `gorm:"size:254;not null;default:''"`
		RemoteIP   string    `gorm:"size:45;not null;default:''"`
		Action     string    `gorm:"size:50;not null;index"`
		RecordType string    `gorm:"size:30;not null;default:'';index:idx_audit_events_record,priority:1"`
		RecordID   string    `gorm:"size:40;not null;default:'';index:idx_audit_events_record,priority:2"`
		Detail     string    `gorm:"size:500;not null;default:''"`
		RequestID  string    `gorm:"size:64;not null;default:''"`
	}
	type setting struct {
		Key       string    `gorm:"primaryKey;size:100"`
		Value     string    `gorm:"type:text;not null"`
		UpdatedAt time.Time `gorm:"not null"`
	}
	type session struct {
		Token  string    `gorm:"primaryKey;size:64"`
		Data   []byte    `gorm:"not null"`
		Expiry time.Time `gorm:"not null;index"`
	}
	type loginAttempt struct {
		ID       uint      `gorm:"primaryKey"`
		Email    string    `gorm:"size:254;not null;index:idx_login_attempts_email_at,priority:1"`
		RemoteIP string    `gorm:"size:45;not null;index:idx_login_attempts_ip_at,priority:1"`
		At       time.Time `gorm:"not null;index:idx_login_attempts_email_at,priority:2;index:idx_login_attempts_ip_at,priority:2"`
		Success  bool      `gorm:"not null"`
	}
	tables := []any{
		&establishment{}, &partnerOrganisation{}, &user{}, &userEstablishment{}, &pupil{}, &guardian{},
		&pupilStatusChange{}, &monthlyIndicator{}, &followUp{}, &meeting{}, &meetingParticipant{},
		&nextAction{}, &referral{}, &referralTransition{}, &auditEvent{}, &setting{}, &session{}, &loginAttempt{},
	}
	return &gormigrate.Migration{
		ID: "0001_initial",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(tables...)
		},
		Rollback: func(tx *gorm.DB) error {
			for i := len(tables) - 1; i >= 0; i-- {
				if err := tx.Migrator().DropTable(tables[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
