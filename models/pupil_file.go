package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
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
	db = db.WithContext(ctx)
	// The file, its establishment, its referent's name and its last contact in one statement.
	var head struct {
		Pupil
		Est          Establishment `gorm:"embedded;embeddedPrefix:est_"`
		ReferentName string
		Contact      contactDates `gorm:"embedded"`
	}
	err := s.Pupils(db.Table("pupils")).
		Select("pupils.*, "+establishmentColumns("est_")+", COALESCE(referent.display_name, '') AS referent_name, "+contactColumns(db.Dialector.Name())).
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Joins("LEFT JOIN users referent ON referent.id = pupils.referent_mediator_id").
		Where("pupils.id = ? AND pupils.anonymised_at IS NULL", id).Limit(1).Scan(&head).Error
	if err != nil {
		return f, fmt.Errorf("models: load pupil %d: %w", id, err)
	}
	if head.ID == 0 {
		return f, ErrNotFound
	}
	p := head.Pupil
	if err := db.Where("pupil_id = ?", id).Order("id").Find(&p.Guardians).Error; err != nil {
		return f, fmt.Errorf("models: guardians of pupil %d: %w", id, err)
	}
	f.Pupil, f.Establishment, f.ReferentName, f.LastContact = p, head.Est, head.ReferentName, head.Contact.contact()
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
	// The page of follow-ups carries the count of them all (a subquery computed once), so
	// that both come in one statement; past the last page there is no row to carry it.
	total, totalArgs := "(SELECT COUNT(*) FROM follow_ups AS counted WHERE counted.pupil_id = ?)", []any{id}
	if !s.SeesRestrictedNotes() {
		total, totalArgs = "(SELECT COUNT(*) FROM follow_ups AS counted WHERE counted.pupil_id = ? AND counted.restricted = ?)", []any{id, false}
	}
	var page []struct {
		FollowUpRow
		Total int64
	}
	err = VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id).
		Select("follow_ups.*, users.display_name AS author_name, "+total+" AS total", totalArgs...).
		Joins("JOIN users ON users.id = follow_ups.author_id").
		Order("follow_ups.occurred_on DESC, follow_ups.id DESC").Limit(limit).Offset(offset).Scan(&page).Error
	if err != nil {
		return f, fmt.Errorf("models: follow-ups of pupil %d: %w", id, err)
	}
	f.FollowUps = make([]FollowUpRow, len(page))
	for i := range page {
		f.FollowUps[i], f.FollowUpTotal = page[i].FollowUpRow, page[i].Total
	}
	if len(page) == 0 && offset > 0 {
		if err := VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id).Count(&f.FollowUpTotal).Error; err != nil {
			return f, fmt.Errorf("models: count follow-ups of pupil %d: %w", id, err)
		}
	}
	if f.Actions, f.DoneActions, err = actionsOfFile(db, id); err != nil {
		return f, err
	}
	return f, nil
}

// actionsOfFile reads, in one statement, the open next actions of a file (soonest due first)
// and the latest DoneActionsOnFile done ones (latest first).
func actionsOfFile(db *gorm.DB, id uint) (open, done []ActionRow, err error) {
	var rows []ActionRow
	err = db.Raw(`SELECT * FROM (SELECT next_actions.*, users.display_name AS owner_name FROM next_actions
			LEFT JOIN users ON users.id = next_actions.owner_user_id
			WHERE next_actions.pupil_id = ? AND next_actions.done_at IS NULL) AS open_actions
		UNION ALL SELECT * FROM (SELECT next_actions.*, users.display_name AS owner_name FROM next_actions
			LEFT JOIN users ON users.id = next_actions.owner_user_id
			WHERE next_actions.pupil_id = ? AND next_actions.done_at IS NOT NULL
			ORDER BY next_actions.done_at DESC, next_actions.id DESC LIMIT ?) AS done_actions`,
		id, id, DoneActionsOnFile).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("models: next actions of pupil %d: %w", id, err)
	}
	for _, r := range rows {
		if r.DoneAt == nil {
			open = append(open, r)
		} else {
			done = append(done, r)
		}
	}
	slices.SortFunc(open, func(a, b ActionRow) int {
		return cmp.Or(a.DueOn.Compare(b.DueOn), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(done, func(a, b ActionRow) int {
		return cmp.Or(b.DoneAt.Compare(*a.DoneAt), cmp.Compare(b.ID, a.ID))
	})
	return open, done, nil
}

// VisibleFollowUps leaves out the restricted follow-ups for a scope that may not read them.
func VisibleFollowUps(q *gorm.DB, s Scope) *gorm.DB {
	if s.SeesRestrictedNotes() {
		return q
	}
	return q.Where("follow_ups.restricted = ?", false)
}

// establishmentColumns selects every column of establishments, each renamed with prefix (a
// statement that reads a file's row and its establishment's, whose names collide).
func establishmentColumns(prefix string) string {
	cols := make([]string, len(establishmentFields))
	for i, c := range establishmentFields {
		cols[i] = "establishments." + c + " AS " + prefix + c
	}
	return strings.Join(cols, ", ")
}

// establishmentFields are the columns of Establishment, as GORM names them.
var establishmentFields = func() []string {
	s, err := schema.Parse(&Establishment{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		panic(err)
	}
	return s.DBNames
}()
