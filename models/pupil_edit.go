package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// PupilInput is the identity part of a pupil file, as a form gives it.
type PupilInput struct {
	EstablishmentID uint
	LastName        string
	FirstName       string
	BirthDate       time.Time
	ClassLevel      ClassLevel
	ClassName       string
	INE             string
	ReferentID      *uint
	// Homonym confirms, on creation, that files with the same name and birth date are other
	// pupils: without it such files refuse the creation (DuplicateError).
	Homonym bool
}

var inePattern = regexp.MustCompile(`^[0-9A-Z]{10}[A-Z]$`)

// Ages a secondary pupil may plausibly have on the day a file is opened or edited.
const (
	minPupilAge = 9
	maxPupilAge = 25
)

// Validate checks the fields that need no database, in French, field by field: the form and
// the importer share it. It trims the names it checks.
func (in *PupilInput) Validate(now time.Time) ValidationError {
	in.LastName = strings.TrimSpace(in.LastName)
	in.FirstName = strings.TrimSpace(in.FirstName)
	in.ClassName = strings.TrimSpace(in.ClassName)
	in.INE = strings.ToUpper(strings.TrimSpace(in.INE))
	v := ValidationError{}
	for field, value := range map[string]string{"last_name": in.LastName, "first_name": in.FirstName} {
		switch {
		case value == "":
			v.Add(field, "field.required")
		case len([]rune(value)) > 100:
			v.Put(field, TooLong(100))
		}
	}
	today := calendar.Today(now)
	switch {
	case in.BirthDate.IsZero():
		v.Add("birth_date", "pupil.birth_date_required")
	case in.BirthDate.After(today):
		v.Add("birth_date", "pupil.birth_date_future")
	case in.BirthDate.After(today.AddDate(-minPupilAge, 0, 0)) || in.BirthDate.Before(today.AddDate(-maxPupilAge, 0, 0)):
		v.Add("birth_date", "pupil.birth_date_implausible")
	}
	if !in.ClassLevel.Valid() {
		v.Add("class_level", "pupil.class_level_unknown")
	}
	if len([]rune(in.ClassName)) > 20 {
		v.Put("class_name", TooLong(20))
	} else if implied, ok := levelOfClassName(in.ClassName); ok && in.ClassLevel.Valid() && implied != in.ClassLevel {
		v.Put("class_name", Msg("roles.class_level_mismatch", "Class", in.ClassName))
	}
	if in.INE != "" && !inePattern.MatchString(in.INE) {
		v.Add("ine", "pupil.ine_invalid")
	}
	return v
}

// checkAssignments verifies in the database that the establishment is in the scope and that
// the referent is an active mediator of it.
func (in *PupilInput) checkAssignments(tx *gorm.DB, s Scope, v ValidationError) error {
	if !s.CoversEstablishment(in.EstablishmentID) {
		v.Add("establishment_id", "pupil.establishment_choose")
		return nil
	}
	if in.ReferentID == nil {
		return nil
	}
	var n int64
	err := tx.Table("users").Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("users.id = ? AND users.role = ? AND users.active = ? AND ue.establishment_id = ?",
			*in.ReferentID, RoleMediator, true, in.EstablishmentID).Count(&n).Error
	if err != nil {
		return err
	}
	if n == 0 {
		v.Add("referent_id", "pupil.referent_not_mediator")
	}
	return nil
}

func (in *PupilInput) checkINE(tx *gorm.DB, pupilID uint, v ValidationError) error {
	if in.INE == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&Pupil{}).Where("ine = ? AND id <> ?", in.INE, pupilID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		v.Add("ine", "pupil.ine_taken")
	}
	return nil
}

// StoredINE is the INE as the pupil row stores it: nil when none was given.
func (in PupilInput) StoredINE() *string {
	if in.INE == "" {
		return nil
	}
	s := in.INE
	return &s
}

// GuardianInput is a legal guardian as a form gives it.
type GuardianInput struct {
	Name              string
	Relation          string
	Phone             string
	Email             string
	HomeLanguage      string
	InterpreterNeeded bool
}

// Empty tells whether nothing was typed, so that an unused guardian block is ignored.
func (g GuardianInput) Empty() bool {
	return strings.TrimSpace(g.Name+g.Relation+g.Phone+g.Email+g.HomeLanguage) == "" && !g.InterpreterNeeded
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 .()-]{6,20}$`)

func (g *GuardianInput) validate(prefix string, v ValidationError) {
	g.Name = strings.TrimSpace(g.Name)
	g.Relation = strings.TrimSpace(g.Relation)
	g.Phone = strings.TrimSpace(g.Phone)
	g.Email = strings.TrimSpace(g.Email)
	g.HomeLanguage = strings.TrimSpace(g.HomeLanguage)
	if g.Name == "" {
		v.Add(prefix+"name", "guardian.name_required")
	} else if len([]rune(g.Name)) > 200 {
		v.Put(prefix+"name", TooLong(200))
	}
	if len([]rune(g.Relation)) > 30 {
		v.Put(prefix+"relation", TooLong(30))
	}
	if g.Phone != "" && !phonePattern.MatchString(g.Phone) {
		v.Add(prefix+"phone", "field.phone_invalid")
	}
	if g.Email != "" && !ValidEmail(g.Email) {
		v.Add(prefix+"email", "field.email_invalid")
	}
	if len([]rune(g.HomeLanguage)) > 50 {
		v.Put(prefix+"home_language", TooLong(50))
	}
}

func (g GuardianInput) guardian(pupilID uint) Guardian {
	return Guardian{PupilID: pupilID, Name: g.Name, Relation: g.Relation, Phone: g.Phone, Email: g.Email,
		HomeLanguage: g.HomeLanguage, InterpreterNeeded: g.InterpreterNeeded}
}

// CreatePupil opens a file for a newly identified pupil, with its guardians and the first step
// of its status history, in one transaction.
func CreatePupil(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in PupilInput, guardians []GuardianInput) (Pupil, error) {
	v := in.Validate(now)
	var kept []GuardianInput
	for i := range guardians {
		if guardians[i].Empty() {
			continue
		}
		guardians[i].validate(fmt.Sprintf("guardian%d_", i), v)
		kept = append(kept, guardians[i])
	}
	p := Pupil{
		EstablishmentID: in.EstablishmentID, LastName: in.LastName, FirstName: in.FirstName, BirthDate: calendar.Date(in.BirthDate),
		ClassLevel: in.ClassLevel, ClassName: in.ClassName, INE: in.StoredINE(), ReferentMediatorID: in.ReferentID,
		Status: StatusIdentified, IdentifiedOn: calendar.Today(now), Version: 1,
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := in.checkAssignments(tx, s, v); err != nil {
			return err
		}
		if err := in.checkINE(tx, 0, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		matches, err := SameNamedPupils(ctx, tx, s, in)
		if err != nil {
			return err
		}
		if len(matches) > 0 && !in.Homonym {
			return &DuplicateError{Matches: matches}
		}
		p.INE = in.StoredINE()
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		for _, g := range kept {
			row := g.guardian(p.ID)
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		change := PupilStatusChange{PupilID: p.ID, ToStatus: StatusIdentified, Comment: "Dossier ouvert", ChangedByID: actor.UserID, ChangedAt: now.UTC()}
		if err := tx.Create(&change).Error; err != nil {
			return err
		}
		detail := ""
		if len(matches) > 0 {
			detail = fmt.Sprintf("homonym confirmed of %d files", len(matches))
		}
		return RecordFileAudit(ctx, tx, now, actor, p.ID, AuditCreated, "pupil", fmt.Sprint(p.ID), detail)
	})
	return p, wrapEdit(err, "create pupil")
}

// msgPupilChanged refuses a change based on a file shown before someone else changed it.
const msgPupilChanged = "pupil.changed_meanwhile"

// stalePupil refuses a change based on another version than current's.
func stalePupil(ctx context.Context, tx *gorm.DB, current Pupil) error {
	return staleError(ctx, tx, "pupil", current.ID, current.Version, current, msgPupilChanged)
}

// UpdatePupil changes a file's identity if version is still the current one; otherwise it
// changes nothing and returns a *StaleError with the current file.
func UpdatePupil(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in PupilInput) (Pupil, error) {
	v := in.Validate(now)
	var updated Pupil
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := pupilInScope(ctx, tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return stalePupil(ctx, tx, current)
		}
		if err := in.checkAssignments(tx, s, v); err != nil {
			return err
		}
		if err := in.checkINE(tx, id, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		changes := map[string]any{
			"establishment_id": in.EstablishmentID, "last_name": in.LastName, "first_name": in.FirstName,
			"birth_date": calendar.Date(in.BirthDate), "class_level": in.ClassLevel, "class_name": in.ClassName, "ine": in.StoredINE(),
			"referent_mediator_id": in.ReferentID, "search_name": SearchName(in.LastName, in.FirstName),
			"version": version + 1, "updated_at": now.UTC(),
		}
		res := tx.Model(&Pupil{}).Where("id = ? AND version = ?", id, version).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := pupilInScope(ctx, tx, s, id)
			if err != nil {
				return err
			}
			return stalePupil(ctx, tx, latest)
		}
		updated, err = pupilInScope(ctx, tx, s, id)
		if err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, id, AuditChanged, "pupil", fmt.Sprint(id), "identity: "+strings.Join(changedFields(current, updated), ", "))
	})
	return updated, wrapEdit(err, "update pupil")
}

// changedFields names the identity fields that differ, never their values.
func changedFields(a, b Pupil) []string {
	var out []string
	add := func(name string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			out = append(out, name)
		}
	}
	add("establishment", a.EstablishmentID, b.EstablishmentID)
	add("last_name", a.LastName, b.LastName)
	add("first_name", a.FirstName, b.FirstName)
	add("birth_date", a.BirthDate.Format(time.DateOnly), b.BirthDate.Format(time.DateOnly))
	add("class_level", a.ClassLevel, b.ClassLevel)
	add("class_name", a.ClassName, b.ClassName)
	add("ine", deref(a.INE), deref(b.INE))
	add("referent", derefID(a.ReferentMediatorID), derefID(b.ReferentMediatorID))
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefID(id *uint) uint {
	if id == nil {
		return 0
	}
	return *id
}

// statusTransitions lists, for each status, the statuses a file may move to. A closed file is
// reopened into active follow-up; "identified" is only where a file starts.
var statusTransitions = map[PupilStatus][]PupilStatus{
	StatusIdentified: {StatusActive, StatusMonitoring, StatusClosed},
	StatusActive:     {StatusMonitoring, StatusClosed},
	StatusMonitoring: {StatusActive, StatusClosed},
	StatusClosed:     {StatusActive},
}

// NextStatuses lists the statuses a file may move to from status.
func NextStatuses(status PupilStatus) []PupilStatus { return statusTransitions[status] }

// CanMove tells whether a file may move from one status to another.
func CanMove(from, to PupilStatus) bool { return oneOf(to, statusTransitions[from]) }

// ChangeStatus moves a file to another status with a comment (and an exit reason when it is
// closed), records the step in the history, and bumps the version; a stale version, a move not
// allowed from the current status or a missing reason changes nothing.
func ChangeStatus(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int,
	to PupilStatus, exit ExitReason, comment string) (Pupil, error) {
	comment = strings.TrimSpace(comment)
	var updated Pupil
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := pupilInScope(ctx, tx, s, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			return stalePupil(ctx, tx, current)
		}
		v := ValidationError{}
		if !CanMove(current.Status, to) {
			v.Add("status", "status.change_not_allowed")
		}
		if to == StatusClosed && !exit.Valid() {
			v.Add("exit_reason", "pupil.exit_reason_required")
		}
		if comment == "" {
			v.Add("comment", "pupil.status_reason_required")
		} else if len([]rune(comment)) > 1000 {
			v.Put("comment", TooLong(1_000))
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		changes := map[string]any{"status": to, "exit_reason": nil, "closed_at": nil, "version": version + 1, "updated_at": now.UTC()}
		var exitPtr *ExitReason
		if to == StatusClosed {
			exitPtr = &exit
			changes["exit_reason"], changes["closed_at"] = exit, now.UTC()
		}
		res := tx.Model(&Pupil{}).Where("id = ? AND version = ?", id, version).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return stalePupil(ctx, tx, current)
		}
		from := current.Status
		step := PupilStatusChange{PupilID: id, FromStatus: &from, ToStatus: to, ExitReason: exitPtr, Comment: comment,
			ChangedByID: actor.UserID, ChangedAt: now.UTC()}
		if err := tx.Create(&step).Error; err != nil {
			return err
		}
		if updated, err = pupilInScope(ctx, tx, s, id); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, id, AuditChanged, "pupil", fmt.Sprint(id), fmt.Sprintf("status: %s → %s", from, to))
	})
	return updated, wrapEdit(err, "change status")
}

// AddGuardian adds a legal guardian to a file of the scope.
func AddGuardian(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, in GuardianInput) error {
	if err := in.check(); err != nil {
		return err
	}
	return guardianChange(ctx, db, s, actor, now, pupilID, AuditChanged, "guardian added", func(tx *gorm.DB) error {
		g := in.guardian(pupilID)
		return tx.Create(&g).Error
	})
}

// UpdateGuardian changes a guardian of a file of the scope.
func UpdateGuardian(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID, guardianID uint, in GuardianInput) error {
	if err := in.check(); err != nil {
		return err
	}
	return guardianChange(ctx, db, s, actor, now, pupilID, AuditChanged, "guardian changed", func(tx *gorm.DB) error {
		g := in.guardian(pupilID)
		return oneRow(tx.Model(&Guardian{}).Where("id = ? AND pupil_id = ?", guardianID, pupilID).Updates(map[string]any{
			"name": g.Name, "relation": g.Relation, "phone": g.Phone, "email": g.Email, "home_language": g.HomeLanguage,
			"interpreter_needed": g.InterpreterNeeded, "updated_at": now.UTC(),
		}))
	})
}

// DeleteGuardian removes a guardian from a file of the scope.
func DeleteGuardian(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID, guardianID uint) error {
	return guardianChange(ctx, db, s, actor, now, pupilID, AuditDeleted, "guardian removed", func(tx *gorm.DB) error {
		return oneRow(tx.Where("id = ? AND pupil_id = ?", guardianID, pupilID).Delete(&Guardian{}))
	})
}

func (g *GuardianInput) check() error {
	v := ValidationError{}
	g.validate("", v)
	return v.OrNil()
}

// guardianChange runs a change of a file's guardians in one transaction: the file must be in
// the scope, and the change is audited without its content.
func guardianChange(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, pupilID uint, action, detail string, change func(*gorm.DB) error) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := pupilInScope(ctx, tx, s, pupilID); err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, action, "pupil", fmt.Sprint(pupilID), detail)
	})
	return wrapEdit(err, detail)
}

// oneRow turns a statement that touched no row into ErrNotFound.
func oneRow(res *gorm.DB) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// wrapEdit passes the errors callers act on (validation, not found, stale) unwrapped, and wraps
// the others with context.
func wrapEdit(err error, what string) error {
	var v ValidationError
	var stale *StaleError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &v):
		return v
	case errors.As(err, &stale):
		return stale
	case errors.Is(err, ErrNotFound):
		return ErrNotFound
	}
	return fmt.Errorf("models: %s: %w", what, err)
}

// levelOfClassName reads the level a class name states by its first characters, as schools
// name their classes: « 4e D », « 401 », « 2nde 3 », « 1re G2 », « Tle STMG », « T1 ». Names of
// vocational classes (CAP, bac pro), whose numbering is their own, and names that state no
// level say nothing.
func levelOfClassName(name string) (ClassLevel, bool) {
	var b strings.Builder
	for _, r := range name {
		if f := foldRune(r); f != "" {
			b.WriteString(f)
		} else {
			b.WriteByte(' ')
		}
	}
	v := strings.TrimSpace(b.String())
	if v == "" || strings.Contains(v, "cap") || strings.Contains(v, "pro") {
		return "", false
	}
	// A digit states the level whatever follows (« 4e », « 401 »); a word, only when a
	// letter does not go on (« T1 », « Tle S », not « Théâtre »).
	next := func(prefix string) bool {
		rest, ok := strings.CutPrefix(v, prefix)
		return ok && (unicode.IsDigit(rune(prefix[0])) || rest == "" || !unicode.IsLetter([]rune(rest)[0]))
	}
	for _, c := range []struct {
		prefixes []string
		level    ClassLevel
	}{
		{[]string{"sixieme", "6"}, Level6e}, {[]string{"cinquieme", "5"}, Level5e},
		{[]string{"quatrieme", "4"}, Level4e}, {[]string{"troisieme", "3"}, Level3e},
		{[]string{"seconde", "2"}, Level2nde}, {[]string{"premiere", "1"}, Level1re},
		{[]string{"terminale", "term", "tle", "t"}, LevelTle},
	} {
		for _, p := range c.prefixes {
			if next(p) {
				return c.level, true
			}
		}
	}
	return "", false
}
