package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is an account. Mediators and head teachers are tied to establishments, partner agents to
// one organisation; coordinators and administrators to neither.
type User struct {
	ID          uint
	Email       string
	DisplayName string
	// Phone is the work phone a partner calls back on; empty when none was given.
	Phone                 string
	Role                  Role
	PartnerOrganisationID *uint
	Locale                string
	Active                bool
	PasswordHash          string
	MustChangePassword    bool
	LastLoginAt           *time.Time
	// WorklistSeenAt is when the user last opened their worklist.
	WorklistSeenAt *time.Time
	// MailPreference is how the user is told by e-mail; "" is the role's default
	// (EffectiveMailPreference).
	MailPreference MailPreference
	CreatedAt      time.Time
	UpdatedAt      time.Time

	Establishments      []Establishment `gorm:"many2many:user_establishments"`
	PartnerOrganisation *PartnerOrganisation
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

// Account is what an administrator sets on an account: identity, role and assignments.
type Account struct {
	Email                 string
	DisplayName           string
	Phone                 string
	Role                  Role
	EstablishmentIDs      []uint
	PartnerOrganisationID *uint
	Locale                string
	Active                bool
}

// NormalizeEmail lower-cases and trims an email, so that logins and uniqueness ignore case.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// validate checks the fields and that the assignments fit the role, in French, field by field.
func (a *Account) validate() ValidationError {
	a.Email = NormalizeEmail(a.Email)
	a.DisplayName = strings.TrimSpace(a.DisplayName)
	if a.Locale == "" {
		a.Locale = LocaleFrench
	}
	v := ValidationError{}
	if !ValidEmail(a.Email) {
		v.Add("email", "field.email_invalid")
	}
	if a.DisplayName == "" {
		v.Add("display_name", "account.display_name_required")
	} else if len([]rune(a.DisplayName)) > 200 {
		v.Add("display_name", "account.display_name_too_long")
	}
	checkPhone(&a.Phone, v)
	if !a.Role.Valid() {
		v.Add("role", "account.role_unknown")
	}
	if a.Locale != LocaleFrench && a.Locale != LocaleEnglish {
		v.Add("locale", "account.locale_unknown")
	}
	needsEstablishments := a.Role == RoleMediator || a.Role == RoleHeadTeacher
	switch {
	case needsEstablishments && len(a.EstablishmentIDs) == 0:
		v.Add("establishments", "account.establishments_required")
	case !needsEstablishments && len(a.EstablishmentIDs) > 0:
		v.Add("establishments", "account.establishments_only_for_staff")
	}
	switch {
	case a.Role == RolePartner && a.PartnerOrganisationID == nil:
		v.Add("partner", "account.partner_required")
	case a.Role != RolePartner && a.PartnerOrganisationID != nil:
		v.Add("partner", "account.partner_only_for_partners")
	}
	return v
}

// SaveAccount creates (id 0, with a password hash) or updates an account and its
// establishments, in one transaction. It returns the account as stored.
func SaveAccount(ctx context.Context, db *gorm.DB, id uint, a Account, passwordHash string, mustChange bool) (User, error) {
	v := a.validate()
	if id == 0 && passwordHash == "" {
		v.Add("password", "password.required")
	}
	if err := v.OrNil(); err != nil {
		return User{}, err
	}
	var saved User
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Model(&User{}).Where("email = ? AND id <> ?", a.Email, id).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return ValidationError{"email": Msg("account.email_taken")}
		}
		var establishments []Establishment
		if len(a.EstablishmentIDs) > 0 {
			if err := tx.Where("id IN ?", a.EstablishmentIDs).Find(&establishments).Error; err != nil {
				return err
			}
			if len(establishments) != len(uniqueIDs(a.EstablishmentIDs)) {
				return ValidationError{"establishments": Msg("account.establishment_missing")}
			}
		}
		if a.PartnerOrganisationID != nil {
			var n int64
			if err := tx.Model(&PartnerOrganisation{}).Where("id = ?", *a.PartnerOrganisationID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ValidationError{"partner": Msg("account.partner_missing")}
			}
		}
		u := User{ID: id}
		if id != 0 {
			if err := tx.Take(&u, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
		} else {
			u.PasswordHash, u.MustChangePassword = passwordHash, mustChange
		}
		u.Email, u.DisplayName, u.Phone, u.Role, u.Locale, u.Active = a.Email, a.DisplayName, a.Phone, a.Role, a.Locale, a.Active
		u.PartnerOrganisationID = a.PartnerOrganisationID
		// The count above misses an account created at the same moment by another request:
		// the unique index decides, and its violation is the same message.
		if err := tx.Omit("Establishments").Save(&u).Error; errors.Is(err, gorm.ErrDuplicatedKey) {
			return ValidationError{"email": Msg("account.email_taken")}
		} else if err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&UserEstablishment{}).Error; err != nil {
			return err
		}
		for _, e := range establishments {
			if err := tx.Create(&UserEstablishment{UserID: u.ID, EstablishmentID: e.ID}).Error; err != nil {
				return err
			}
		}
		u.Establishments = establishments
		saved = u
		return nil
	})
	var ve ValidationError
	switch {
	case errors.As(err, &ve):
		return User{}, ve
	case errors.Is(err, ErrNotFound):
		return User{}, ErrNotFound
	case err != nil:
		return User{}, fmt.Errorf("models: save account %d: %w", id, err) // no email: errors are logged
	}
	return saved, nil
}

func uniqueIDs(ids []uint) map[uint]bool {
	m := make(map[uint]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// NewUser is an account as typed on the command line: establishments by UAI, the partner
// organisation by name.
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

// CreateUser resolves the UAIs and partner name of a command-line account, then creates it.
func CreateUser(ctx context.Context, db *gorm.DB, n NewUser) (User, error) {
	a := Account{Email: n.Email, DisplayName: n.DisplayName, Role: n.Role, Locale: n.Locale, Active: true}
	for _, code := range n.EstablishmentUAIs {
		var e Establishment
		err := db.WithContext(ctx).Where("uai = ?", NormalizeUAI(code)).Take(&e).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return User{}, ValidationError{"establishments": Msg("account.establishment_unknown", "UAI", NormalizeUAI(code))}
		} else if err != nil {
			return User{}, fmt.Errorf("models: find establishment %s: %w", code, err)
		}
		a.EstablishmentIDs = append(a.EstablishmentIDs, e.ID)
	}
	if name := strings.TrimSpace(n.PartnerName); name != "" {
		var p PartnerOrganisation
		err := db.WithContext(ctx).Where("name = ?", name).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return User{}, ValidationError{"partner": Msg("account.partner_unknown", "Name", name)}
		} else if err != nil {
			return User{}, fmt.Errorf("models: find partner %s: %w", name, err)
		}
		a.PartnerOrganisationID = &p.ID
	} else if n.Role == RolePartner {
		return User{}, ValidationError{"partner": Msg("account.partner_required")}
	}
	return SaveAccount(ctx, db, 0, a, n.PasswordHash, n.MustChangePassword)
}

// UserFilter narrows the account list of the administration pages.
type UserFilter struct {
	Role Role
	// State is "active", "inactive" or empty for both.
	State string
	Query string
	Page  int
}

// UsersPerPage is the length of a page of the account list.
const UsersPerPage = 50

// ListUsers returns a page of accounts matching the filter, by email, with their establishments
// and organisation loaded once for the page, and the number of matching accounts.
func ListUsers(ctx context.Context, db *gorm.DB, f UserFilter) ([]User, int64, error) {
	q := db.WithContext(ctx).Model(&User{})
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	switch f.State {
	case "active":
		q = q.Where("active = ?", true)
	case "inactive":
		q = q.Where("active = ?", false)
	}
	if term := strings.ToLower(strings.TrimSpace(f.Query)); term != "" {
		like := "%" + strings.NewReplacer("%", "\\%", "_", "\\_").Replace(term) + "%"
		q = q.Where("(LOWER(email) LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("models: count users: %w", err)
	}
	var users []User
	err := onPage(q.Preload("Establishments", func(q *gorm.DB) *gorm.DB { return q.Order("name") }).Preload("PartnerOrganisation").
		Order("email"), f.Page, UsersPerPage).Find(&users).Error
	if err != nil {
		return nil, 0, fmt.Errorf("models: list users: %w", err)
	}
	return users, total, nil
}
