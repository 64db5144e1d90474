package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// EstablishmentInput is what the coordination may change of an establishment. The UAI, the
// commune and the postal code come from the national directory and stay as imported.
type EstablishmentInput struct {
	Name              string
	Type              EstablishmentType
	Sector            Sector
	PriorityEducation PriorityLabel
	Active            bool
}

func (in *EstablishmentInput) validate() ValidationError {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	v := ValidationError{}
	requireName(v, in.Name, "field.required")
	if !in.Type.Valid() {
		v.Add("type", "roles.establishment.type_required")
	}
	if !in.Sector.Valid() {
		v.Add("sector", "roles.establishment.sector_required")
	}
	if !in.PriorityEducation.Valid() {
		v.Add("priority_education", "roles.establishment.priority_required")
	}
	return v
}

// EstablishmentOfUAI loads an establishment by its UAI code, or ErrNotFound.
func EstablishmentOfUAI(ctx context.Context, db *gorm.DB, uai string) (Establishment, error) {
	var e Establishment
	err := db.WithContext(ctx).Where("uai = ?", uai).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("models: load establishment %s: %w", uai, err)
	}
	return e, nil
}

// UpdateEstablishment changes an establishment's name, type, sector, priority-education label
// and state, and records which of them changed in the audit log, in one transaction. An
// inactive establishment keeps its files and figures.
func UpdateEstablishment(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, uai string, in EstablishmentInput) (Establishment, error) {
	v := in.validate()
	var e Establishment
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := EstablishmentOfUAI(ctx, tx, uai)
		if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := tx.Model(&Establishment{}).Where("id = ?", current.ID).Updates(map[string]any{"name": in.Name, "type": in.Type,
			"sector": in.Sector, "priority_education": in.PriorityEducation, "active": in.Active, "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		if e, err = EstablishmentOfUAI(ctx, tx, uai); err != nil {
			return err
		}
		changed := namesOfChanges([]fieldChange{{"name", current.Name != e.Name}, {"type", current.Type != e.Type},
			{"sector", current.Sector != e.Sector}, {"priority_education", current.PriorityEducation != e.PriorityEducation},
			{"active", current.Active != e.Active}})
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "establishment", e.UAI, changed)
	})
	return e, wrapEdit(err, "update establishment")
}

// requireName checks the name of an establishment or an organisation: present (missing is the
// message key given), 200 characters at most.
func requireName(v ValidationError, name, missing string) {
	switch {
	case name == "":
		v.Add("name", missing)
	case len([]rune(name)) > 200:
		v.Put("name", TooLong(200))
	}
}

// fieldChange tells whether a field of a record differs after a change.
type fieldChange struct {
	name    string
	differs bool
}

// namesOfChanges names the fields a change touched, for the audit detail: "name, active".
func namesOfChanges(fs []fieldChange) string {
	var changed []string
	for _, f := range fs {
		if f.differs {
			changed = append(changed, f.name)
		}
	}
	return strings.Join(changed, ", ")
}
