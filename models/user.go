package models

import "time"

// User is an account. Mediators and head teachers are tied to establishments, partner agents to
// one organisation; coordinators and administrators to neither.
type User struct {
	ID                    uint
	Email                 string
	DisplayName           string
	Role                  Role
	PartnerOrganisationID *uint
	Locale                string
	Active                bool
	PasswordHash          string
	MustChangePassword    bool
	LastLoginAt           *time.Time
	CreatedAt             time.Time
	UpdatedAt             time.Time

	Establishments []Establishment `gorm:"many2many:user_establishments"`
}

// UserEstablishment ties a mediator or head teacher to an establishment.
type UserEstablishment struct {
	UserID          uint `gorm:"primaryKey"`
	EstablishmentID uint `gorm:"primaryKey"`
}

// Locales the interface is written in; French comes first.
const (
	LocaleFrench  = "fr"
	LocaleEnglish = "en"
)
