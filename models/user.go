package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
)

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

// NewUser is what creating an account takes. Establishments are given by UAI, the partner
// organisation by name, as an administrator types them.
type NewUser struct {
	Email              string
	DisplayName        string
	Role               Role
	EstablishmentUAIs  []string
	PartnerName        string
	Locale             string
	PasswordHash       string
	MustChangePassword bool
}

// NormalizeEmail lower-cases and trims an email, so that logins and uniqueness ignore case.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// CreateUser validates and stores an account with its assignments, in one transaction.
func CreateUser(ctx context.Context, db *gorm.DB, n NewUser) (User, error) {
	u := User{
		Email: NormalizeEmail(n.Email), DisplayName: strings.TrimSpace(n.DisplayName), Role: n.Role,
		Locale: n.Locale, Active: true, PasswordHash: n.PasswordHash, MustChangePassword: n.MustChangePassword,
	}
	if u.Locale == "" {
		u.Locale = LocaleFrench
	}
	v := ValidationError{}
	if _, err := mail.ParseAddress(u.Email); err != nil || !strings.Contains(u.Email, "@") || len(u.Email) > 254 {
		v.Add("email", "Adresse électronique invalide.")
	}
	if u.DisplayName == "" {
		v.Add("display_name", "Le nom affiché est obligatoire.")
	}
	if !u.Role.Valid() {
		v.Add("role", "Rôle inconnu : mediator, head_teacher, partner, coordinator ou admin.")
	}
	if u.Locale != LocaleFrench && u.Locale != LocaleEnglish {
		v.Add("locale", "Langue inconnue : fr ou en.")
	}
	needsEstablishments := u.Role == RoleMediator || u.Role == RoleHeadTeacher
	switch {
	case needsEstablishments && len(n.EstablishmentUAIs) == 0:
		v.Add("establishments", "Un compte médiateur ou chef d'établissement doit être rattaché à au moins un établissement.")
	case !needsEstablishments && len(n.EstablishmentUAIs) > 0:
		v.Add("establishments", "Seuls les médiateurs et les chefs d'établissement sont rattachés à des établissements.")
	}
	switch {
	case u.Role == RolePartner && strings.TrimSpace(n.PartnerName) == "":
		v.Add("partner", "Un compte partenaire doit être rattaché à un organisme partenaire.")
	case u.Role != RolePartner && strings.TrimSpace(n.PartnerName) != "":
		v.Add("partner", "Seuls les comptes partenaires sont rattachés à un organisme.")
	}
	if u.PasswordHash == "" {
		v.Add("password", "Le mot de passe est obligatoire.")
	}
	if err := v.OrNil(); err != nil {
		return User{}, err
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ValidationError{"email": "Un compte existe déjà avec cette adresse."}
		}
		for _, code := range n.EstablishmentUAIs {
			var e Establishment
			err := tx.Where("uai = ?", NormalizeUAI(code)).First(&e).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ValidationError{"establishments": fmt.Sprintf("Établissement %s inconnu.", NormalizeUAI(code))}
			} else if err != nil {
				return err
			}
			u.Establishments = append(u.Establishments, e)
		}
		if u.Role == RolePartner {
			var p PartnerOrganisation
			err := tx.Where("name = ?", strings.TrimSpace(n.PartnerName)).First(&p).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ValidationError{"partner": fmt.Sprintf("Organisme partenaire « %s » inconnu.", strings.TrimSpace(n.PartnerName))}
			} else if err != nil {
				return err
			}
			u.PartnerOrganisationID = &p.ID
		}
		return tx.Omit("Establishments.*").Create(&u).Error
	})
	if err != nil {
		var ve ValidationError
		if errors.As(err, &ve) {
			return User{}, ve
		}
		return User{}, fmt.Errorf("models: create user %s: %w", u.Email, err)
	}
	return u, nil
}
