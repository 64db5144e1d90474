package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// StatusChangeRow is a step of the status history with the name of who made it.
type StatusChangeRow struct {
	PupilStatusChange
	ChangedByName string
}

// FollowUpRow is a follow-up with its author's name.
type FollowUpRow struct {
	FollowUp
	AuthorName string
}

// ActionRow is a next action with its pupil and owner as a list shows them.
type ActionRow struct {
	NextAction
	OwnerName      string
	PupilLastName  string
	PupilFirstName string
}

// PupilFile is everything the file page shows, loaded with one query per part whatever the
// number of rows.
type PupilFile struct {
	Pupil         Pupil
	Establishment Establishment
	ReferentName  string
	// LastContact is the latest recorded contact with the family (LoadLastContact).
	LastContact   Contact
	History       []StatusChangeRow
	Indicators    []MonthlyIndicator
	FollowUps     []FollowUpRow
	FollowUpTotal int64
	Actions       []ActionRow
	// DoneActions are the latest actions marked done (DoneActionsOnFile at most), latest first:
	// what was done stays in the file's history.
	DoneActions []ActionRow
}

// DoneActionsOnFile bounds the done actions shown on a file.
const DoneActionsOnFile = 20

// FollowUpsOnFile bounds the follow-ups shown on a file, newest first.
const FollowUpsOnFile = 100

// LoadPupilFile loads a file within the scope, or ErrNotFound. Restricted follow-ups are left
// out, in SQL, for a scope that may not read them.
func LoadPupilFile(ctx context.Context, db *gorm.DB, s Scope, id uint) (PupilFile, error) {
	return loadPupilFile(ctx, db, s, id, FollowUpsOnFile, 0)
}

// FollowUpsPerPage is how many follow-ups a page of the file's history shows.
const FollowUpsPerPage = 20

// LoadPupilFilePage is LoadPupilFile with page (from 1) of its follow-ups, FollowUpsPerPage a
// page, newest first; FollowUpTotal still counts them all.
func LoadPupilFilePage(ctx context.Context, db *gorm.DB, s Scope, id uint, page int) (PupilFile, error) {
	return loadPupilFile(ctx, db, s, id, FollowUpsPerPage, (max(page, 1)-1)*FollowUpsPerPage)
}

func loadPupilFile(ctx context.Context, db *gorm.DB, s Scope, id uint, limit, offset int) (PupilFile, error) {
	var f PupilFile
	p, err := pupilInScope(ctx, db, s, id)
	if err != nil {
		return f, err
	}
	db = db.WithContext(ctx)
	if err := db.Where("pupil_id = ?", id).Order("id").Find(&p.Guardians).Error; err != nil {
		return f, fmt.Errorf("models: guardians of pupil %d: %w", id, err)
	}
	f.Pupil = p
	if err := db.Take(&f.Establishment, p.EstablishmentID).Error; err != nil {
		return f, fmt.Errorf("models: establishment of pupil %d: %w", id, err)
	}
	if p.ReferentMediatorID != nil {
		if err := db.Model(&User{}).Where("id = ?", *p.ReferentMediatorID).Pluck("display_name", &f.ReferentName).Error; err != nil {
			return f, fmt.Errorf("models: referent of pupil %d: %w", id, err)
		}
	}
	if f.LastContact, err = LoadLastContact(ctx, db, id); err != nil {
		return f, err
	}
	err = db.Table("pupil_status_changes").Select("pupil_status_changes.*, users.display_name AS changed_by_name").
		Joins("LEFT JOIN users ON users.id = pupil_status_changes.changed_by_id").
		Where("pupil_status_changes.pupil_id = ?", id).Order("pupil_status_changes.changed_at DESC, pupil_status_changes.id DESC").
		Scan(&f.History).Error
	if err != nil {
		return f, fmt.Errorf("models: status history of pupil %d: %w", id, err)
	}
	if err := db.Where("pupil_id = ?", id).Order("month DESC").Find(&f.Indicators).Error; err != nil {
		return f, fmt.Errorf("models: indicators of pupil %d: %w", id, err)
	}
	fu := VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id)
	if err := fu.Count(&f.FollowUpTotal).Error; err != nil {
		return f, fmt.Errorf("models: count follow-ups of pupil %d: %w", id, err)
	}
	err = VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id).
		Select("follow_ups.*, users.display_name AS author_name").
		Joins("JOIN users ON users.id = follow_ups.author_id").
		Order("follow_ups.occurred_on DESC, follow_ups.id DESC").Limit(limit).Offset(offset).Scan(&f.FollowUps).Error
	if err != nil {
		return f, fmt.Errorf("models: follow-ups of pupil %d: %w", id, err)
	}
	err = db.Table("next_actions").Select("next_actions.*, users.display_name AS owner_name").
		Joins("LEFT JOIN users ON users.id = next_actions.owner_user_id").
		Where("next_actions.pupil_id = ? AND next_actions.done_at IS NULL", id).
		Order("next_actions.due_on, next_actions.id").Scan(&f.Actions).Error
	if err != nil {
		return f, fmt.Errorf("models: next actions of pupil %d: %w", id, err)
	}
	err = db.Table("next_actions").Select("next_actions.*, users.display_name AS owner_name").
		Joins("LEFT JOIN users ON users.id = next_actions.owner_user_id").
		Where("next_actions.pupil_id = ? AND next_actions.done_at IS NOT NULL", id).
		Order("next_actions.done_at DESC, next_actions.id DESC").Limit(DoneActionsOnFile).Scan(&f.DoneActions).Error
	if err != nil {
		return f, fmt.Errorf("models: done actions of pupil %d: %w", id, err)
	}
	return f, nil
}

// VisibleFollowUps leaves out the restricted follow-ups for a scope that may not read them.
func VisibleFollowUps(q *gorm.DB, s Scope) *gorm.DB {
	if s.SeesRestrictedNotes() {
		return q
	}
	return q.Where("follow_ups.restricted = ?", false)
}
