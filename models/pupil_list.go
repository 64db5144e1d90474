package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// PupilFilter narrows and orders the pupil list.
type PupilFilter struct {
	Query           string
	EstablishmentID uint
	Status          PupilStatus
	Risk            risk.Level
	ClassLevel      ClassLevel
	ReferentID      uint
	// Sort is "name" (default), "risk", "status", "identified" or "contact".
	Sort string
	Page int
}

// PupilsPerPage is the length of a page of the pupil list.
const PupilsPerPage = 50

// PupilRow is one line of the pupil list.
type PupilRow struct {
	Pupil
	EstablishmentName string
	ReferentName      string
	// LastContact is the date of the latest recorded contact (LastContactSQL), if any.
	LastContact calendar.DBTime
}

// PupilList is a page of the list with its counts.
type PupilList struct {
	Rows     []PupilRow
	Total    int64
	ByStatus map[PupilStatus]int64
}

// ListPupils returns a page of the files the scope may read that match the filter, with the
// establishment, the referent and the last contact of each row joined in the same query, the
// number of matching files and their count by status. Anonymised files are left out.
func ListPupils(ctx context.Context, db *gorm.DB, s Scope, f PupilFilter) (PupilList, error) {
	db = db.WithContext(ctx)
	filtered := func(withStatus bool) *gorm.DB {
		q := s.Pupils(db.Table("pupils")).Where("pupils.anonymised_at IS NULL")
		if strings.TrimSpace(f.Query) != "" {
			q = whereNameMatches(q, f.Query)
		}
		if f.EstablishmentID != 0 {
			q = q.Where("pupils.establishment_id = ?", f.EstablishmentID)
		}
		if withStatus && f.Status != "" {
			q = q.Where("pupils.status = ?", f.Status)
		}
		if f.Risk != "" {
			q = q.Where("pupils.risk_level = ?", f.Risk)
		}
		if f.ClassLevel != "" {
			q = q.Where("pupils.class_level = ?", f.ClassLevel)
		}
		if f.ReferentID != 0 {
			q = q.Where("pupils.referent_mediator_id = ?", f.ReferentID)
		}
		return q
	}
	var out PupilList
	var counts []struct {
		Status PupilStatus
		N      int64
	}
	if err := filtered(false).Select("pupils.status, COUNT(*) AS n").Group("pupils.status").Scan(&counts).Error; err != nil {
		return out, fmt.Errorf("models: count pupils: %w", err)
	}
	out.ByStatus = make(map[PupilStatus]int64, len(counts))
	for _, c := range counts {
		out.ByStatus[c.Status] = c.N
		if f.Status == "" || f.Status == c.Status {
			out.Total += c.N
		}
	}
	order := "pupils.search_name, pupils.last_name, pupils.first_name, pupils.id"
	switch f.Sort {
	case "risk":
		order = "pupils.risk_score DESC, " + order
	case "status":
		order = "CASE pupils.status WHEN 'identified' THEN 1 WHEN 'active' THEN 2 WHEN 'monitoring' THEN 3 ELSE 4 END, " + order
	case "identified":
		order = "pupils.identified_on DESC, " + order
	case "contact":
		order = "last_contact ASC NULLS FIRST, " + order
	}
	lastContact := LastContactSQL(db.Dialector.Name(), "pupils.id")
	rows := filtered(true).
		Select("pupils.*, establishments.name AS establishment_name, users.display_name AS referent_name").
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Joins("LEFT JOIN users ON users.id = pupils.referent_mediator_id")
	var err error
	if f.Sort == "contact" {
		// The order needs every file's last contact.
		err = onPage(rows.Select("pupils.*, establishments.name AS establishment_name, "+
			"users.display_name AS referent_name, "+lastContact+" AS last_contact").Order(order), f.Page, PupilsPerPage).
			Scan(&out.Rows).Error
	} else {
		// The page is chosen first, and the last contact (three probes per file) computed for its
		// rows only: in one query, the rows an OFFSET skips paid the probes too (page 3 of the
		// busiest mediator's list: 2,900 buffers instead of 1,100 for the first page).
		err = db.Raw("SELECT pupils.*, "+lastContact+" AS last_contact FROM (?) AS pupils ORDER BY "+order,
			onPage(rows.Order(order), f.Page, PupilsPerPage)).Scan(&out.Rows).Error
	}
	if err != nil {
		return out, fmt.Errorf("models: list pupils: %w", err)
	}
	return out, nil
}

// whereNameMatches keeps the files whose names hold a word starting with each word of query, in
// any order, whatever the case, accents, apostrophes and hyphens on either side: "ait ahmed",
// "Ahmed Aït" and "AIT-AHM" all find « Aït-Ahmed ». A query with no letter or digit finds
// nothing.
func whereNameMatches(q *gorm.DB, query string) *gorm.DB {
	words := searchWords(query)
	if len(words) == 0 {
		return q.Where("1 = 0")
	}
	for _, w := range words {
		q = q.Where("pupils.search_name LIKE ? ESCAPE '\\'", "% "+escapeLike(w)+"%")
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer("\\", "\\\\", "%", "\\%", "_", "\\_").Replace(s)
}

// MediatorOption is a mediator one may choose as referent or action owner.
type MediatorOption struct {
	ID              uint
	DisplayName     string
	EstablishmentID uint
}

// MediatorsOf lists the active mediators of the given establishments, in one query.
func MediatorsOf(ctx context.Context, db *gorm.DB, establishmentIDs []uint) ([]MediatorOption, error) {
	var out []MediatorOption
	if len(establishmentIDs) == 0 {
		return nil, nil
	}
	err := db.WithContext(ctx).Table("users").
		Select("users.id, users.display_name, user_establishments.establishment_id").
		Joins("JOIN user_establishments ON user_establishments.user_id = users.id").
		Where("users.role = ? AND users.active = ? AND user_establishments.establishment_id IN ?", RoleMediator, true, establishmentIDs).
		Order("users.display_name").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: mediators of establishments: %w", err)
	}
	return out, nil
}

// EstablishmentsOf returns the establishments of a scope, by name.
func EstablishmentsOf(ctx context.Context, db *gorm.DB, s Scope) ([]Establishment, error) {
	if !s.SeesPupilFiles() {
		return nil, nil
	}
	var es []Establishment
	if err := db.WithContext(ctx).Where("id IN ?", s.EstablishmentIDs).Order("name").Find(&es).Error; err != nil {
		return nil, fmt.Errorf("models: establishments of scope: %w", err)
	}
	return es, nil
}

// pupilInScope loads a pupil the scope may read, or ErrNotFound.
func pupilInScope(ctx context.Context, db *gorm.DB, s Scope, id uint) (Pupil, error) {
	var p Pupil
	err := s.Pupils(db.WithContext(ctx).Model(&Pupil{})).Where("pupils.id = ? AND pupils.anonymised_at IS NULL", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("models: load pupil %d: %w", id, err)
	}
	return p, nil
}
