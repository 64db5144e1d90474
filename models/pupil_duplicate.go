package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// PupilMatch is an existing file that a new one may duplicate: what the warning shows and
// links to.
type PupilMatch struct {
	ID                uint
	LastName          string
	FirstName         string
	BirthDate         time.Time
	ClassName         string
	Status            PupilStatus
	EstablishmentName string
}

// DuplicateError refuses to open a file when files of the scope already carry the same name
// and birth date: it is probably the same pupil. The mediator may confirm a real homonym
// (PupilInput.Homonym) and send again.
type DuplicateError struct {
	Matches []PupilMatch
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("models: %d files with the same name and birth date", len(e.Matches))
}

// SameNamedPupils lists the files of the scope (all the establishments the user works in, not
// only the one chosen: a pupil changes school) born on in's birth date whose names are the same
// once case, accents, hyphens, apostrophes and spaces are set aside, first and last names
// either way round. Anonymised files have no name left to compare.
func SameNamedPupils(ctx context.Context, db *gorm.DB, s Scope, in PupilInput) ([]PupilMatch, error) {
	var rows []PupilMatch
	err := s.Pupils(db.WithContext(ctx).Table("pupils")).
		Select("pupils.id, pupils.last_name, pupils.first_name, pupils.birth_date, pupils.class_name, pupils.status, e.name AS establishment_name").
		Joins("JOIN establishments e ON e.id = pupils.establishment_id").
		Where("pupils.birth_date = ? AND pupils.anonymised_at IS NULL", calendar.Date(in.BirthDate)).
		Order("pupils.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: same-named pupils: %w", err)
	}
	last, first := foldName(in.LastName), foldName(in.FirstName)
	var out []PupilMatch
	for _, r := range rows {
		l, f := foldName(r.LastName), foldName(r.FirstName)
		if l == last && f == first || l == first && f == last {
			out = append(out, r)
		}
	}
	return out, nil
}
