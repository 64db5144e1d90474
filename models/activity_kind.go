package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ActivityKinds lists the catalogue of kinds of collective actions, in its order; activeOnly
// keeps those offered for new actions.
func ActivityKinds(ctx context.Context, db *gorm.DB, activeOnly bool) ([]ActivityKind, error) {
	q := db.WithContext(ctx).Order("position, id")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	var out []ActivityKind
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: activity kinds: %w", err)
	}
	return out, nil
}

// ActivityKindInput is a kind as the coordination's form gives it.
type ActivityKindInput struct {
	LabelFr  string
	LabelEn  string
	Presence bool
	Active   bool
}

func (in *ActivityKindInput) validate() ValidationError {
	in.LabelFr = strings.Join(strings.Fields(in.LabelFr), " ")
	in.LabelEn = strings.Join(strings.Fields(in.LabelEn), " ")
	v := ValidationError{}
	for field, label := range map[string]string{"label_fr": in.LabelFr, "label_en": in.LabelEn} {
		switch {
		case label == "":
			v.Add(field, "activities.kind_label_required")
		case len([]rune(label)) > 100:
			v.Put(field, TooLong(100))
		}
	}
	return v
}

// checkLabels refuses a label that another kind bears in the same language, whatever its case.
func (in ActivityKindInput) checkLabels(tx *gorm.DB, id uint, v ValidationError) error {
	for field, label := range map[string]string{"label_fr": in.LabelFr, "label_en": in.LabelEn} {
		if label == "" {
			continue
		}
		var n int64
		if err := tx.Model(&ActivityKind{}).Where("LOWER("+field+") = LOWER(?) AND id <> ?", label, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			v.Add(field, "activities.kind_label_taken")
		}
	}
	return nil
}

// kindCode makes the stable code of a new kind from its French label (« Théâtre forum » →
// "theatre_forum"), with a number after it when another kind has it already.
func kindCode(tx *gorm.DB, label string) (string, error) {
	var b strings.Builder
	sep := false
	for _, r := range label {
		f := foldRune(r)
		if f == "" {
			sep = b.Len() > 0
			continue
		}
		if sep {
			b.WriteByte('_')
			sep = false
		}
		b.WriteString(f)
	}
	base := b.String()
	if len(base) > 32 {
		base = strings.TrimRight(base[:32], "_")
	}
	if base == "" {
		base = "kind"
	}
	code := base
	for i := 2; ; i++ {
		var n int64
		if err := tx.Model(&ActivityKind{}).Where("code = ?", code).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return code, nil
		}
		code = fmt.Sprintf("%s_%d", base, i)
	}
}

// CreateActivityKind adds a kind to the catalogue, after the others; the coordination does.
func CreateActivityKind(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, in ActivityKindInput) (ActivityKind, error) {
	v := in.validate()
	var k ActivityKind
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := in.checkLabels(tx, 0, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		code, err := kindCode(tx, in.LabelFr)
		if err != nil {
			return err
		}
		var last int
		if err := tx.Model(&ActivityKind{}).Select("COALESCE(MAX(position), 0)").Scan(&last).Error; err != nil {
			return err
		}
		k = ActivityKind{Code: code, LabelFr: in.LabelFr, LabelEn: in.LabelEn, Presence: in.Presence, Active: in.Active,
			Position: last + 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&k).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "activity_kind", fmt.Sprint(k.ID), k.Code)
	})
	return k, wrapEdit(err, "create activity kind")
}

// UpdateActivityKind renames a kind, changes whether it is a presence slot, or (de)activates it.
// Its code and its actions stay; a deactivated kind is no longer offered for new actions.
func UpdateActivityKind(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, id uint, in ActivityKindInput) (ActivityKind, error) {
	v := in.validate()
	var k ActivityKind
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var current ActivityKind
		err := tx.Take(&current, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := in.checkLabels(tx, id, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := tx.Model(&ActivityKind{}).Where("id = ?", id).Updates(map[string]any{"label_fr": in.LabelFr, "label_en": in.LabelEn,
			"presence": in.Presence, "active": in.Active, "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		if err := tx.Take(&k, id).Error; err != nil {
			return err
		}
		changed := namesOfChanges([]fieldChange{{"label_fr", current.LabelFr != k.LabelFr}, {"label_en", current.LabelEn != k.LabelEn},
			{"presence", current.Presence != k.Presence}, {"active", current.Active != k.Active}})
		if changed == "" {
			return nil
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "activity_kind", fmt.Sprint(id), changed)
	})
	return k, wrapEdit(err, "update activity kind")
}
