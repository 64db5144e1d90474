package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// PartnerInput is a partner organisation as the coordinator's form gives it.
type PartnerInput struct {
	Name         string
	Kind         PartnerKind
	ContactName  string
	ContactEmail string
	ContactPhone string
	ResponseDays int
	Active       bool
}

// Bounds of the response time a partner is expected to keep, in calendar days.
const (
	MinResponseDays = 1
	MaxResponseDays = 365
)

func (in *PartnerInput) validate() ValidationError {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	v := ValidationError{}
	requireName(v, in.Name, "partner.name_required")
	if !in.Kind.Valid() {
		v.Add("kind", "partner.kind_required")
	}
	if len([]rune(in.ContactName)) > 200 {
		v.Put("contact_name", TooLong(200))
	}
	if in.ContactEmail != "" && !ValidEmail(in.ContactEmail) {
		v.Add("contact_email", "field.email_invalid")
	}
	if in.ContactPhone != "" && !phonePattern.MatchString(in.ContactPhone) {
		v.Add("contact_phone", "field.phone_invalid")
	}
	if in.ResponseDays < MinResponseDays || in.ResponseDays > MaxResponseDays {
		v.Add("response_days", "partner.response_days_range")
	}
	return v
}

// checkName refuses a name another organisation bears, whatever its case.
func (in PartnerInput) checkName(tx *gorm.DB, id uint, v ValidationError) error {
	if in.Name == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&PartnerOrganisation{}).Where("LOWER(name) = LOWER(?) AND id <> ?", in.Name, id).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		v.Add("name", "partner.name_taken")
	}
	return nil
}

func (in PartnerInput) columns(now time.Time) map[string]any {
	return map[string]any{"name": in.Name, "kind": in.Kind, "contact_name": in.ContactName, "contact_email": in.ContactEmail,
		"contact_phone": in.ContactPhone, "response_days": in.ResponseDays, "active": in.Active, "updated_at": now.UTC()}
}

// CreatePartner adds a partner organisation; the coordination manages them.
func CreatePartner(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, in PartnerInput) (PartnerOrganisation, error) {
	v := in.validate()
	var p PartnerOrganisation
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := in.checkName(tx, 0, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		p = PartnerOrganisation{Name: in.Name, Kind: in.Kind, ContactName: in.ContactName, ContactEmail: in.ContactEmail,
			ContactPhone: in.ContactPhone, ResponseDays: in.ResponseDays, Active: in.Active, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&p).Error; err != nil {
			return duplicatePartnerName(err, v)
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "partner_organisation", fmt.Sprint(p.ID), p.Name)
	})
	return p, wrapEdit(err, "create partner")
}

// UpdatePartner changes a partner organisation. Its referrals keep it; an inactive one is no
// longer offered for new drafts.
func UpdatePartner(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, id uint, in PartnerInput) (PartnerOrganisation, error) {
	v := in.validate()
	var p PartnerOrganisation
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := PartnerByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := in.checkName(tx, id, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := tx.Model(&PartnerOrganisation{}).Where("id = ?", id).Updates(in.columns(now)).Error; err != nil {
			return duplicatePartnerName(err, v)
		}
		if p, err = PartnerByID(ctx, tx, id); err != nil {
			return err
		}
		changed := namesOfChanges([]fieldChange{{"name", current.Name != p.Name}, {"kind", current.Kind != p.Kind},
			{"contact", current.ContactName != p.ContactName || current.ContactEmail != p.ContactEmail || current.ContactPhone != p.ContactPhone},
			{"response_days", current.ResponseDays != p.ResponseDays}, {"active", current.Active != p.Active}})
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "partner_organisation", fmt.Sprint(id), changed)
	})
	return p, wrapEdit(err, "update partner")
}

// duplicatePartnerName turns the unique index's refusal (two coordinators saving the same name at
// once) into the field message.
func duplicatePartnerName(err error, v ValidationError) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		v.Add("name", "partner.name_taken")
		return v
	}
	return err
}

// ActivePartners lists the organisations a new referral may be addressed to, by name.
func ActivePartners(ctx context.Context, db *gorm.DB) ([]PartnerOrganisation, error) {
	var ps []PartnerOrganisation
	if err := db.WithContext(ctx).Where("active = ?", true).Order("name").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("models: active partners: %w", err)
	}
	return ps, nil
}
