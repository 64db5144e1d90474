package models

import "time"

// Meeting is a family–school meeting (rencontre famille–école) about one pupil.
type Meeting struct {
	ID                uint
	PupilID           uint
	OrganiserID       uint
	ScheduledAt       time.Time
	DurationMinutes   int
	Place             string
	Purpose           string
	InterpreterNeeded bool
	Status            MeetingStatus
	Recap             string
	RecapAt           *time.Time
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time

	Participants []MeetingParticipant
}

// MeetingParticipant is someone invited to a meeting, with their role and whether they came
// (nil until the meeting is over).
type MeetingParticipant struct {
	ID        uint
	MeetingID uint
	Role      ParticipantRole
	Name      string
	UserID    *uint
	Attended  *bool
}
