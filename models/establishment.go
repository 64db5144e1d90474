package models

import "time"

// Establishment is a collège or lycée of the metropolis, known by its UAI code.
type Establishment struct {
	ID                uint
	UAI               string
	Name              string
	Type              EstablishmentType
	Sector            Sector
	Commune           string
	PostalCode        string
	PriorityEducation PriorityLabel
	Active            bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// PartnerOrganisation is a service that families are referred to: CAF, Département, Mission
// locale… ResponseDays is the reply time it is expected to keep; past it a referral is overdue.
type PartnerOrganisation struct {
	ID           uint
	Name         string
	Kind         PartnerKind
	ContactName  string
	ContactEmail string
	ContactPhone string
	ResponseDays int
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// DefaultResponseDays is the reply time expected of a partner when none is set.
const DefaultResponseDays = 15
