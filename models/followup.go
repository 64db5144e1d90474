package models

import "time"

// FollowUp is one contact logged by a mediator (suivi). A restricted note is visible to the
// mediators of the pupil's establishment only.
type FollowUp struct {
	ID              uint
	PupilID         uint
	AuthorID        uint
	OccurredOn      time.Time
	Kind            FollowUpKind
	DurationMinutes int
	Note            string
	Restricted      bool
	// Version protects an edit against overwriting a change made in between (optimistic locking).
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NextAction is something to do for a pupil by a due date, set by a follow-up, by a meeting's
// recap or by a decision of the prevention group (CaseReviewID). The owner is an account when it is one of ours, else a label ("la famille", "CPE").
type NextAction struct {
	ID         uint
	PupilID    uint
	FollowUpID *uint
	MeetingID  *uint
	// CaseReviewID is the prevention group's session whose decision made the action.
	CaseReviewID *uint
	Description  string
	DueOn        time.Time
	OwnerUserID  *uint
	OwnerLabel   string
	CreatedByID  *uint
	DoneAt       *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
