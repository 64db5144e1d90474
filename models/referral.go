package models

import "time"

// Referral is an orientation of a family to a partner organisation. Nothing reaches the partner
// before the family's consent is recorded: without it the referral stays a draft.
type Referral struct {
	ID                    uint
	PupilID               uint
	PartnerOrganisationID uint
	SenderID              uint
	Reason                ReferralReason
	Request               string
	ConsentGivenBy        string
	ConsentGivenOn        *time.Time
	ConsentMethod         *ConsentMethod
	Status                ReferralStatus
	DeclineReason         string
	Outcome               *ReferralOutcome
	Feedback              string
	SentAt                *time.Time
	AcknowledgedAt        *time.Time
	AnsweredAt            *time.Time
	ClosedAt              *time.Time
	WithdrawnAt           *time.Time
	Version               int
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// ReferralTransition is one dated, attributed step of a referral's lifecycle. Its table also
// names the referral's file (pupil_id), which triggers write (migration 0033): the code never
// sets it, and reads it only in LastContactSQL.
type ReferralTransition struct {
	ID         uint
	ReferralID uint
	FromStatus ReferralStatus
	ToStatus   ReferralStatus
	ActorID    *uint
	At         time.Time
	Comment    string
}
