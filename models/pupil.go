package models

import (
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// Pupil is a pupil file (dossier élève): the nominative record that mediators follow.
// Version protects edits against overwriting a change made in between (optimistic locking).
type Pupil struct {
	ID                 uint
	EstablishmentID    uint
	LastName           string
	FirstName          string
	BirthDate          time.Time
	ClassLevel         ClassLevel
	ClassName          string
	INE                *string `gorm:"column:ine"`
	ReferentMediatorID *uint
	Status             PupilStatus
	ExitReason         *ExitReason
	IdentifiedOn       time.Time
	ClosedAt           *time.Time
	AnonymisedAt       *time.Time
	RiskLevel          risk.Level `gorm:"default:low"` // stored by RecomputeRisk, for lists to filter and sort by
	RiskScore          int
	Version            int
	// SearchName is SearchName(LastName, FirstName), kept by every write of the names: what
	// the list searches and sorts by names on, through an index.
	SearchName string
	CreatedAt  time.Time
	UpdatedAt  time.Time

	Guardians []Guardian
}

// BeforeCreate fills the search name of a new file, whoever creates it (form, import, demo,
// generator).
func (p *Pupil) BeforeCreate(*gorm.DB) error {
	p.SearchName = SearchName(p.LastName, p.FirstName)
	return nil
}

// Guardian is a pupil's legal guardian, with what the mediator needs to reach them.
type Guardian struct {
	ID                uint
	PupilID           uint
	Name              string
	Relation          string
	Phone             string
	Email             string
	HomeLanguage      string
	InterpreterNeeded bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// PupilStatusChange is one step of a file's status history, dated and attributed.
type PupilStatusChange struct {
	ID          uint
	PupilID     uint
	FromStatus  *PupilStatus
	ToStatus    PupilStatus
	ExitReason  *ExitReason
	Comment     string
	ChangedByID *uint
	ChangedAt   time.Time
}

// MonthlyIndicator holds a pupil's school-life figures for one calendar month. SchoolHalfDays
// is the number of half-days the pupil was expected in school, when known.
type MonthlyIndicator struct {
	ID      uint
	PupilID uint
	Month   calendar.Month
	// The counts are nil when not entered ("not entered" is not zero).
	UnjustifiedHalfDays *int
	JustifiedHalfDays   *int
	SchoolHalfDays      *int
	TemporaryExclusions *int
	Incidents           *int
	TermAverage         *float64
	Source              string
	UpdatedByID         *uint
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Indicator sources.
const (
	SourceManual = "manual"
	SourceImport = "import"
)
