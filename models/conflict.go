package models

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// Conflict is a conflict mediation (médiation de conflit) handled in an establishment: where
// and what happened, between whom, the steps of the mediation, its outcome and when to look at
// it again. Its notes concern several minors: they are restricted (mediators only) by default.
type Conflict struct {
	ID              uint
	EstablishmentID uint
	AuthorID        uint
	OccurredOn      time.Time
	Place           ConflictPlace
	Kind            ConflictKind
	Relation        ConflictRelation
	ListenedOn      *time.Time
	MeetingOn       *time.Time
	AgreementOn     *time.Time
	// Outcome is nil while the mediation goes on.
	Outcome *ConflictOutcome
	// FollowUpOn is when to look at the conflict again: it is on the author's worklist from that
	// day until the conflict is closed.
	FollowUpOn *time.Time
	ClosedOn   *time.Time
	Notes      string
	// NotesRestricted keeps the notes from head teachers.
	NotesRestricted bool
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Parties []ConflictParty
}

// ConflictParty is one side of a conflict: a pupil file of the establishment (PupilID) or a
// role described without a name ("élève de 4e", "parent", "enseignante de SVT").
type ConflictParty struct {
	ID          uint
	ConflictID  uint
	Role        PartyRole
	PupilID     *uint
	Description string
}

// ConflictPlace is where a conflict happened.
type ConflictPlace string

// The places of a conflict.
const (
	PlaceClass        ConflictPlace = "class"
	PlaceYard         ConflictPlace = "yard"
	PlaceSurroundings ConflictPlace = "surroundings"
	PlaceOnline       ConflictPlace = "online"
	PlaceOther        ConflictPlace = "other"
)

// ConflictPlaces lists the places in the order the form offers them.
var ConflictPlaces = []ConflictPlace{PlaceClass, PlaceYard, PlaceSurroundings, PlaceOnline, PlaceOther}

// Valid tells whether p is one of ConflictPlaces.
func (p ConflictPlace) Valid() bool { return oneOf(p, ConflictPlaces) }

// ConflictKind is the nature of a conflict.
type ConflictKind string

// The kinds of conflict.
const (
	ConflictVerbal     ConflictKind = "verbal"
	ConflictPhysical   ConflictKind = "physical"
	ConflictHarassment ConflictKind = "harassment"
	ConflictOnline     ConflictKind = "online"
	ConflictOther      ConflictKind = "other"
)

// ConflictKinds lists the kinds in the order the form and the figures show them.
var ConflictKinds = []ConflictKind{ConflictVerbal, ConflictPhysical, ConflictHarassment, ConflictOnline, ConflictOther}

// Valid tells whether k is one of ConflictKinds.
func (k ConflictKind) Valid() bool { return oneOf(k, ConflictKinds) }

// ConflictRelation says between whom a conflict is.
type ConflictRelation string

// The relations of a conflict.
const (
	BetweenPupils       ConflictRelation = "pupils"
	BetweenPupilAdult   ConflictRelation = "pupil_adult"
	BetweenFamilySchool ConflictRelation = "family_school"
)

// ConflictRelations lists the relations.
var ConflictRelations = []ConflictRelation{BetweenPupils, BetweenPupilAdult, BetweenFamilySchool}

// Valid tells whether r is one of ConflictRelations.
func (r ConflictRelation) Valid() bool { return oneOf(r, ConflictRelations) }

// ConflictOutcome is how a mediation ended.
type ConflictOutcome string

// The outcomes of a mediation.
const (
	OutcomeAgreement  ConflictOutcome = "agreement"
	OutcomePartial    ConflictOutcome = "partial"
	OutcomeNone       ConflictOutcome = "none"
	OutcomeDiscipline ConflictOutcome = "discipline"
	OutcomePartner    ConflictOutcome = "partner"
)

// ConflictOutcomes lists the outcomes in the order the form and the figures show them.
var ConflictOutcomes = []ConflictOutcome{OutcomeAgreement, OutcomePartial, OutcomeNone, OutcomeDiscipline, OutcomePartner}

// Valid tells whether o is one of ConflictOutcomes.
func (o ConflictOutcome) Valid() bool { return oneOf(o, ConflictOutcomes) }

// PartyRole is what a party of a conflict is.
type PartyRole string

// The roles of a party.
const (
	PartyPupil    PartyRole = "pupil"
	PartyGuardian PartyRole = "guardian"
	PartyTeacher  PartyRole = "teacher"
	PartyStaff    PartyRole = "staff"
	PartyOther    PartyRole = "other"
)

// PartyRoles lists the roles of a party.
var PartyRoles = []PartyRole{PartyPupil, PartyGuardian, PartyTeacher, PartyStaff, PartyOther}

// Valid tells whether r is one of PartyRoles.
func (r PartyRole) Valid() bool { return oneOf(r, PartyRoles) }

// MaxConflictParties bounds the parties of a conflict; MinConflictParties is the two sides.
const (
	MaxConflictParties = 8
	MinConflictParties = 2
)

// ConflictInput is a conflict as its form gives it.
type ConflictInput struct {
	EstablishmentID uint
	OccurredOn      time.Time
	Place           ConflictPlace
	Kind            ConflictKind
	Relation        ConflictRelation
	ListenedOn      time.Time
	MeetingOn       time.Time
	AgreementOn     time.Time
	// Outcome is "" while the mediation goes on.
	Outcome    ConflictOutcome
	FollowUpOn time.Time
	// Closed closes the conflict (it needs an outcome); unticked, it reopens it.
	Closed          bool
	Notes           string
	NotesRestricted bool
	// Parties are the rows of the form, empty ones included (they are skipped).
	Parties []PartyInput
}

// PartyInput is a party row of the form.
type PartyInput struct {
	Role        PartyRole
	PupilID     *uint
	Description string
	// row is the party's row in the form, which names the fields of its messages.
	row int
}

func (p PartyInput) empty() bool {
	return p.Role == "" && p.PupilID == nil && strings.TrimSpace(p.Description) == ""
}

// civility are the words that introduce a person's name: a description starting or holding one
// names somebody.
var civility = regexp.MustCompile(`(?i)(^|[^\p{L}])(m\.|mme|mlle|mr|mrs|ms|monsieur|madame|mademoiselle)([^\p{L}]|$)`)

// roleWords are capitalised words a description of a role may hold without naming anybody.
var roleWords = map[string]bool{"Tle": true, "Terminale": true, "Seconde": true, "Première": true, "Bac": true, "Pro": true,
	"Ulis": true, "Segpa": true, "Vie": true, "Scolaire": true}

// LooksLikeName tells whether a party's description seems to hold a person's name: a civility
// (M., Mme…) or, after the first word, a capitalised word that is not an acronym (CPE, SVT), a
// class (4e B) or a word of roleWords. A party without a file is described by its role only:
// the record concerns minors, and names belong in pupil files.
func LooksLikeName(s string) bool {
	if civility.MatchString(s) {
		return true
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' })
	for i, w := range words {
		if i == 0 {
			continue
		}
		if k := strings.LastIndexAny(w, "'’"); k >= 0 {
			w = w[k+1:]
		}
		first, size := utf8.DecodeRuneInString(w)
		if size == len(w) || !unicode.IsUpper(first) || roleWords[w] {
			continue
		}
		rest := w[size:]
		if strings.ToUpper(rest) == rest { // an acronym: CPE, SVT, EPS
			continue
		}
		return true
	}
	return false
}

// MaxConflictNotes bounds the notes of a conflict.
const MaxConflictNotes = 10_000

func (in *ConflictInput) validate(now time.Time) ValidationError {
	v := ValidationError{}
	today := calendar.Today(now)
	in.Notes = strings.TrimSpace(in.Notes)
	switch {
	case in.OccurredOn.IsZero():
		v.Add("occurred_on", "field.date_required")
	case in.OccurredOn.After(today):
		v.Add("occurred_on", "conflicts.error.date_future")
	case in.OccurredOn.Before(today.AddDate(-1, 0, 0)):
		v.Add("occurred_on", "conflicts.error.date_too_old")
	}
	if !in.Place.Valid() {
		v.Add("place", "conflicts.error.place_required")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "conflicts.error.kind_required")
	}
	if !in.Relation.Valid() {
		v.Add("relation", "conflicts.error.relation_required")
	}
	for _, step := range []struct {
		field string
		on    time.Time
	}{{"listened_on", in.ListenedOn}, {"meeting_on", in.MeetingOn}, {"agreement_on", in.AgreementOn}} {
		switch {
		case step.on.IsZero():
		case !in.OccurredOn.IsZero() && step.on.Before(in.OccurredOn):
			v.Add(step.field, "conflicts.error.step_before_conflict")
		case step.on.After(today):
			v.Add(step.field, "conflicts.error.step_future")
		}
	}
	switch {
	case in.Outcome != "" && !in.Outcome.Valid():
		v.Add("outcome", "conflicts.error.outcome_unknown")
	case (in.Outcome == OutcomeAgreement || in.Outcome == OutcomePartial) && in.AgreementOn.IsZero():
		v.Add("agreement_on", "conflicts.error.agreement_date_required")
	case in.Closed && in.Outcome == "":
		v.Add("outcome", "conflicts.error.outcome_to_close")
	}
	switch {
	case in.FollowUpOn.IsZero():
	case !in.OccurredOn.IsZero() && in.FollowUpOn.Before(in.OccurredOn):
		v.Add("follow_up_on", "conflicts.error.follow_up_before_conflict")
	case in.FollowUpOn.After(today.AddDate(1, 0, 0)):
		v.Add("follow_up_on", "conflicts.error.follow_up_too_far")
	}
	if utf8.RuneCountInString(in.Notes) > MaxConflictNotes {
		v.Put("notes", TooLong(MaxConflictNotes))
	}
	var parties []PartyInput
	for i, p := range in.Parties {
		if p.empty() {
			continue
		}
		if i >= MaxConflictParties {
			v.Add("parties", "conflicts.error.too_many_parties", "Count", MaxConflictParties)
			break
		}
		field := func(name string) string { return partyField(i, name) }
		p.Description, p.row = strings.TrimSpace(p.Description), i
		switch {
		case !p.Role.Valid():
			v.Add(field("role"), "conflicts.error.party_role_required")
		case p.PupilID != nil && p.Role != PartyPupil:
			v.Add(field("pupil_id"), "conflicts.error.file_for_pupil_only")
		}
		switch {
		case p.PupilID == nil && p.Description == "":
			v.Add(field("description"), "conflicts.error.party_description_required")
		case utf8.RuneCountInString(p.Description) > 100:
			v.Put(field("description"), TooLong(100))
		case LooksLikeName(p.Description):
			v.Add(field("description"), "conflicts.error.party_named")
		}
		parties = append(parties, p)
	}
	if len(parties) < MinConflictParties {
		v.Add("parties", "conflicts.error.two_parties")
	}
	in.Parties = parties
	return v
}

// partyField names a field of a party row of the form, as its messages do: party2_role.
func partyField(row int, name string) string { return fmt.Sprintf("party%d_%s", row, name) }

// checkPartyFiles verifies, in one query, that the files named as parties are files of the
// conflict's establishment that the scope reads and that are not anonymised.
func (in ConflictInput) checkPartyFiles(tx *gorm.DB, s Scope, v ValidationError) error {
	var ids []uint
	for _, p := range in.Parties {
		if p.PupilID != nil {
			ids = append(ids, *p.PupilID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var found []uint
	err := s.Pupils(tx.Table("pupils")).Where("pupils.id IN ? AND pupils.establishment_id = ? AND pupils.anonymised_at IS NULL",
		ids, in.EstablishmentID).Pluck("pupils.id", &found).Error
	if err != nil {
		return err
	}
	ok := map[uint]bool{}
	for _, id := range found {
		ok[id] = true
	}
	seen := map[uint]bool{}
	for _, p := range in.Parties {
		field := partyField(p.row, "pupil_id")
		switch {
		case p.PupilID == nil:
		case !ok[*p.PupilID]:
			v.Add(field, "conflicts.error.file_not_in_establishment")
		case seen[*p.PupilID]:
			v.Add(field, "conflicts.error.file_twice")
		}
		if p.PupilID != nil {
			seen[*p.PupilID] = true
		}
	}
	return nil
}

// dateOrNil stores an optional civil date: nil for the zero time.
func dateOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	d := calendar.Date(t)
	return &d
}

// apply writes the input on the conflict; closing dates the closure today, reopening clears it.
func (in ConflictInput) apply(c *Conflict, s Scope, now time.Time) {
	c.EstablishmentID = in.EstablishmentID
	c.OccurredOn = calendar.Date(in.OccurredOn)
	c.Place, c.Kind, c.Relation = in.Place, in.Kind, in.Relation
	c.ListenedOn, c.MeetingOn, c.AgreementOn = dateOrNil(in.ListenedOn), dateOrNil(in.MeetingOn), dateOrNil(in.AgreementOn)
	c.Outcome = nil
	if in.Outcome != "" {
		o := in.Outcome
		c.Outcome = &o
	}
	c.FollowUpOn = dateOrNil(in.FollowUpOn)
	switch {
	case in.Closed && c.ClosedOn == nil:
		c.ClosedOn = dateOrNil(calendar.Today(now))
	case !in.Closed:
		c.ClosedOn = nil
	}
	c.Notes = in.Notes
	// Only a mediator may lift the restriction; nobody else writes here anyway.
	c.NotesRestricted = in.NotesRestricted || !s.SeesRestrictedNotes()
	c.Parties = nil
	for _, p := range in.Parties {
		c.Parties = append(c.Parties, ConflictParty{Role: p.Role, PupilID: p.PupilID, Description: p.Description})
	}
}

// WritesConflicts tells whether the scope records conflicts: the mediators of establishments.
func (s Scope) WritesConflicts() bool { return s.Role == RoleMediator && s.SeesPupilFiles() }

// Conflicts restricts a query on the conflicts table to those of the scope's establishments;
// outside the roles that read files it matches nothing.
func (s Scope) Conflicts(db *gorm.DB) *gorm.DB {
	if !s.SeesPupilFiles() {
		return db.Where("1 = 0")
	}
	return db.Where("conflicts.establishment_id IN ?", s.EstablishmentIDs)
}

// CreateConflict records a conflict of one of the scope's establishments with its parties, in
// one transaction; only mediators record conflicts (anybody else: ErrNotFound).
func CreateConflict(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in ConflictInput) (Conflict, error) {
	var c Conflict
	if !s.WritesConflicts() || actor.UserID == nil {
		return c, ErrNotFound
	}
	v := in.validate(now)
	if !s.CoversEstablishment(in.EstablishmentID) {
		v.Add("establishment_id", "conflicts.error.establishment_required")
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := in.checkPartyFiles(tx, s, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		in.apply(&c, s, now)
		c.AuthorID, c.Version, c.CreatedAt, c.UpdatedAt = *actor.UserID, 1, now.UTC(), now.UTC()
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "conflict", fmt.Sprint(c.ID), conflictAuditDetail(c))
	})
	return c, wrapEdit(err, "create conflict")
}

// conflictAuditDetail says which files a change touched, never a note or a description.
func conflictAuditDetail(c Conflict) string {
	var files []string
	for _, p := range c.Parties {
		if p.PupilID != nil {
			files = append(files, fmt.Sprintf("pupil %d", *p.PupilID))
		}
	}
	d := fmt.Sprintf("establishment %d", c.EstablishmentID)
	if len(files) > 0 {
		d += ", " + strings.Join(files, ", ")
	}
	return d
}

// conflictInScope loads a conflict of the scope with its parties, or ErrNotFound.
func conflictInScope(tx *gorm.DB, s Scope, id uint) (Conflict, error) {
	var c Conflict
	err := s.Conflicts(tx.Table("conflicts")).Where("conflicts.id = ?", id).Take(&c).Error
	if err == gorm.ErrRecordNotFound {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	err = tx.Where("conflict_id = ?", id).Order("id").Find(&c.Parties).Error
	return c, err
}

// UpdateConflict saves a mediator's edit of a conflict of the scope, parties included, if it is
// based on the current version; otherwise it changes nothing and returns a *StaleError.
func UpdateConflict(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in ConflictInput) (Conflict, error) {
	var c Conflict
	if !s.WritesConflicts() {
		return c, ErrNotFound
	}
	v := in.validate(now)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = conflictInScope(tx, s, id); err != nil {
			return err
		}
		if c.Version != version {
			return staleError(ctx, tx, "conflict", c.ID, c.Version, c, "conflicts.stale")
		}
		if !s.CoversEstablishment(in.EstablishmentID) {
			v.Add("establishment_id", "conflicts.error.establishment_required")
		}
		if err := in.checkPartyFiles(tx, s, v); err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		in.apply(&c, s, now)
		c.Version, c.UpdatedAt = version+1, now.UTC()
		res := tx.Model(&Conflict{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"establishment_id": c.EstablishmentID, "occurred_on": c.OccurredOn, "place": c.Place, "kind": c.Kind,
			"relation": c.Relation, "listened_on": c.ListenedOn, "meeting_on": c.MeetingOn, "agreement_on": c.AgreementOn,
			"outcome": c.Outcome, "follow_up_on": c.FollowUpOn, "closed_on": c.ClosedOn, "notes": c.Notes,
			"notes_restricted": c.NotesRestricted, "version": c.Version, "updated_at": c.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := conflictInScope(tx, s, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "conflict", latest.ID, latest.Version, latest, "conflicts.stale")
		}
		if err := tx.Where("conflict_id = ?", id).Delete(&ConflictParty{}).Error; err != nil {
			return err
		}
		for i := range c.Parties {
			c.Parties[i].ConflictID = id
		}
		if len(c.Parties) > 0 {
			if err := tx.Create(&c.Parties).Error; err != nil {
				return err
			}
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "conflict", fmt.Sprint(id), conflictAuditDetail(c))
	})
	return c, wrapEdit(err, "update conflict")
}

// PartyRow is a party as the conflict page shows it: with its file's name and class when it
// has one and the reader may see it (PupilFirstName empty otherwise).
type PartyRow struct {
	ConflictParty
	PupilFirstName  string
	PupilLastName   string
	PupilClassLevel ClassLevel
	PupilClassName  string
}

// HasFile tells whether the party is a pupil file the reader may open.
func (p PartyRow) HasFile() bool { return p.PupilID != nil && p.PupilLastName != "" }

// ConflictDetail is everything the conflict page shows.
type ConflictDetail struct {
	Conflict          Conflict
	EstablishmentName string
	AuthorName        string
	Parties           []PartyRow
	// NotesHidden: the notes are restricted and the reader is not a mediator; Notes is empty.
	NotesHidden bool
	// NamesHidden: the reader sees the parties by role and class, without names or links.
	NamesHidden bool
}

// LoadConflict loads a conflict of the scope, or ErrNotFound. Parties' names are given to the
// mediators of the establishment only, and restricted notes likewise: a head teacher reads the
// conflict by roles and classes.
func LoadConflict(ctx context.Context, db *gorm.DB, s Scope, id uint) (ConflictDetail, error) {
	var d ConflictDetail
	db = db.WithContext(ctx)
	var head struct {
		Conflict
		EstablishmentName string
		AuthorName        string
	}
	err := s.Conflicts(db.Table("conflicts")).
		Select("conflicts.*, establishments.name AS establishment_name, users.display_name AS author_name").
		Joins("JOIN establishments ON establishments.id = conflicts.establishment_id").
		Joins("JOIN users ON users.id = conflicts.author_id").
		Where("conflicts.id = ?", id).Take(&head).Error
	if err == gorm.ErrRecordNotFound {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("models: load conflict %d: %w", id, err)
	}
	d.Conflict, d.EstablishmentName, d.AuthorName = head.Conflict, head.EstablishmentName, head.AuthorName
	err = db.Table("conflict_parties").
		Select("conflict_parties.*, COALESCE(pupils.first_name, '') AS pupil_first_name, COALESCE(pupils.last_name, '') AS pupil_last_name, "+
			"COALESCE(pupils.class_level, '') AS pupil_class_level, COALESCE(pupils.class_name, '') AS pupil_class_name").
		Joins("LEFT JOIN pupils ON pupils.id = conflict_parties.pupil_id AND pupils.anonymised_at IS NULL").
		Where("conflict_parties.conflict_id = ?", id).Order("conflict_parties.id").Scan(&d.Parties).Error
	if err != nil {
		return d, fmt.Errorf("models: parties of conflict %d: %w", id, err)
	}
	for _, p := range d.Parties {
		d.Conflict.Parties = append(d.Conflict.Parties, p.ConflictParty)
	}
	if !s.SeesRestrictedNotes() {
		d.NamesHidden = true
		for i := range d.Parties {
			d.Parties[i].PupilFirstName, d.Parties[i].PupilLastName, d.Parties[i].PupilClassName = "", "", ""
		}
		if d.Conflict.NotesRestricted {
			d.NotesHidden, d.Conflict.Notes = d.Conflict.Notes != "", ""
		}
	}
	return d, nil
}

// ConflictRow is a conflict as a list shows it: no names, its establishment and its number of
// parties joined.
type ConflictRow struct {
	ID                uint
	EstablishmentID   uint
	EstablishmentName string
	OccurredOn        time.Time
	Place             ConflictPlace
	Kind              ConflictKind
	Relation          ConflictRelation
	Outcome           *ConflictOutcome
	FollowUpOn        *time.Time
	ClosedOn          *time.Time
	PartyCount        int
}

// Open tells whether the conflict is not closed yet.
func (r ConflictRow) Open() bool { return r.ClosedOn == nil }

// conflictRowColumns are the columns of a ConflictRow.
const conflictRowColumns = "conflicts.id, conflicts.establishment_id, establishments.name AS establishment_name, conflicts.occurred_on, " +
	"conflicts.place, conflicts.kind, conflicts.relation, conflicts.outcome, conflicts.follow_up_on, conflicts.closed_on, " +
	"(SELECT COUNT(*) FROM conflict_parties cp WHERE cp.conflict_id = conflicts.id) AS party_count"

// ConflictFilter narrows the conflict list.
type ConflictFilter struct {
	EstablishmentID uint
	Kind            ConflictKind
	// Outcome keeps one outcome; OutcomePending keeps the conflicts without one.
	Outcome ConflictOutcome
	// OpenFollowUps keeps the conflicts not closed that have a follow-up date.
	OpenFollowUps bool
	Page          int
}

// OutcomePending is the filter value of the conflicts without an outcome yet.
const OutcomePending ConflictOutcome = "pending"

// ConflictsPerPage is the length of a page of the conflict list.
const ConflictsPerPage = 50

// ConflictList is a page of conflicts and the number that match.
type ConflictList struct {
	Rows  []ConflictRow
	Total int64
}

func (f ConflictFilter) apply(q *gorm.DB) *gorm.DB {
	if f.EstablishmentID != 0 {
		q = q.Where("conflicts.establishment_id = ?", f.EstablishmentID)
	}
	if f.Kind != "" {
		q = q.Where("conflicts.kind = ?", f.Kind)
	}
	switch {
	case f.Outcome == OutcomePending:
		q = q.Where("conflicts.outcome IS NULL")
	case f.Outcome != "":
		q = q.Where("conflicts.outcome = ?", f.Outcome)
	}
	if f.OpenFollowUps {
		q = q.Where("conflicts.closed_on IS NULL AND conflicts.follow_up_on IS NOT NULL")
	}
	return q
}

// ListConflicts returns a page of the scope's conflicts that match the filter, the latest first:
// one query for the count, one for the page.
func ListConflicts(ctx context.Context, db *gorm.DB, s Scope, f ConflictFilter) (ConflictList, error) {
	var out ConflictList
	db = db.WithContext(ctx)
	if err := f.apply(s.Conflicts(db.Table("conflicts"))).Count(&out.Total).Error; err != nil {
		return out, fmt.Errorf("models: count conflicts: %w", err)
	}
	if out.Total == 0 {
		return out, nil
	}
	err := onPage(f.apply(s.Conflicts(db.Table("conflicts"))).Select(conflictRowColumns).
		Joins("JOIN establishments ON establishments.id = conflicts.establishment_id").
		Order("conflicts.occurred_on DESC, conflicts.id DESC"), f.Page, ConflictsPerPage).Scan(&out.Rows).Error
	if err != nil {
		return out, fmt.Errorf("models: list conflicts: %w", err)
	}
	return out, nil
}

// ConflictsOfPupil lists the conflicts in which a file of the scope is a party, the latest
// first, in one query: the file's history shows them.
func ConflictsOfPupil(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]ConflictRow, error) {
	var rows []ConflictRow
	err := s.Conflicts(db.WithContext(ctx).Table("conflicts")).Select(conflictRowColumns).
		Joins("JOIN establishments ON establishments.id = conflicts.establishment_id").
		Where("conflicts.id IN (?)", db.Session(&gorm.Session{NewDB: true}).Table("conflict_parties").
			Select("conflict_id").Where("pupil_id = ?", pupilID)).
		Order("conflicts.occurred_on DESC, conflicts.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: conflicts of pupil %d: %w", pupilID, err)
	}
	return rows, nil
}

// ConflictsToReview lists the conflicts a mediator recorded whose follow-up date has come and
// that are not closed, the oldest date first, in one query: the worklist's « Conflits à revoir ».
func ConflictsToReview(ctx context.Context, db *gorm.DB, s Scope, userID uint, now time.Time) ([]ConflictRow, error) {
	if !s.WritesConflicts() {
		return nil, nil
	}
	var rows []ConflictRow
	err := s.Conflicts(db.WithContext(ctx).Table("conflicts")).Select(conflictRowColumns).
		Joins("JOIN establishments ON establishments.id = conflicts.establishment_id").
		Where("conflicts.author_id = ? AND conflicts.follow_up_on <= ? AND conflicts.closed_on IS NULL", userID, calendar.Today(now)).
		Order("conflicts.follow_up_on, conflicts.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: conflicts to review: %w", err)
	}
	return rows, nil
}

// PartyFileOption is a pupil file the conflict form offers as a party.
type PartyFileOption struct {
	ID              uint
	EstablishmentID uint
	LastName        string
	FirstName       string
	ClassName       string
}

// PartyFiles lists the files of the scope a mediator may name as parties (not anonymised, open
// or closed since the last school year began), by establishment and name, in one query: those of
// one establishment, or of all the scope's for 0.
func PartyFiles(ctx context.Context, db *gorm.DB, s Scope, establishmentID uint, now time.Time) ([]PartyFileOption, error) {
	var out []PartyFileOption
	q := s.Pupils(db.WithContext(ctx).Table("pupils"))
	if establishmentID != 0 {
		q = q.Where("pupils.establishment_id = ?", establishmentID)
	}
	err := q.
		Select("pupils.id, pupils.establishment_id, pupils.last_name, pupils.first_name, pupils.class_name").
		Where("pupils.anonymised_at IS NULL AND (pupils.closed_at IS NULL OR pupils.closed_at >= ?)",
			calendar.SchoolYearOf(now).Previous().Start().UTC()).
		Order("pupils.establishment_id, pupils.search_name, pupils.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: files for conflict parties: %w", err)
	}
	return out, nil
}

// ConflictFigures are the conflicts of a school year in a set of establishments, by kind and
// outcome: the figures the reports carry (they protect them, not this function).
type ConflictFigures struct {
	Total int
	// ByKindOutcome counts the conflicts of each kind and outcome; the outcome of the conflicts
	// still going on is OutcomePending.
	ByKindOutcome map[ConflictKind]map[ConflictOutcome]int
	ByKind        map[ConflictKind]int
	ByOutcome     map[ConflictOutcome]int
}

// Decided is the number of conflicts with an outcome.
func (f ConflictFigures) Decided() int { return f.Total - f.ByOutcome[OutcomePending] }

// ResolutionRate is the share of the conflicts with an outcome that ended in an agreement
// (partial agreements are not counted as resolved), from 0 to 1; ok is false when no conflict
// has an outcome yet.
func (f ConflictFigures) ResolutionRate() (rate float64, ok bool) {
	if f.Decided() == 0 {
		return 0, false
	}
	return float64(f.ByOutcome[OutcomeAgreement]) / float64(f.Decided()), true
}

// LoadConflictFigures counts, in one query, the conflicts that occurred in the school year in
// the given establishments, by kind and outcome.
func LoadConflictFigures(ctx context.Context, db *gorm.DB, year calendar.SchoolYear, establishmentIDs []uint) (ConflictFigures, error) {
	f := ConflictFigures{ByKindOutcome: map[ConflictKind]map[ConflictOutcome]int{}, ByKind: map[ConflictKind]int{},
		ByOutcome: map[ConflictOutcome]int{}}
	if len(establishmentIDs) == 0 {
		return f, nil
	}
	var rows []struct {
		Kind    ConflictKind
		Outcome *ConflictOutcome
		N       int
	}
	err := db.WithContext(ctx).Table("conflicts").Select("kind, outcome, COUNT(*) AS n").
		Where("establishment_id IN ? AND occurred_on >= ? AND occurred_on <= ?", establishmentIDs,
			calendar.Date(year.Start()), calendar.Date(year.LastDay())).
		Group("kind, outcome").Scan(&rows).Error
	if err != nil {
		return f, fmt.Errorf("models: conflict figures of %s: %w", year, err)
	}
	for _, r := range rows {
		o := OutcomePending
		if r.Outcome != nil {
			o = *r.Outcome
		}
		if f.ByKindOutcome[r.Kind] == nil {
			f.ByKindOutcome[r.Kind] = map[ConflictOutcome]int{}
		}
		f.ByKindOutcome[r.Kind][o] += r.N
		f.ByKind[r.Kind] += r.N
		f.ByOutcome[o] += r.N
		f.Total += r.N
	}
	return f, nil
}

// PupilConflictPart is a pupil's part of a conflict mediation, as the right-of-access export
// and the printed dossier give it: what, where, when, the steps and the outcome. The other
// parties appear by role only (a file or a description would name or single out someone else)
// and the notes are not in it: they concern several minors. NotesWithheld says there are some.
type PupilConflictPart struct {
	ID            uint
	OccurredOn    time.Time
	Place         ConflictPlace
	Kind          ConflictKind
	Relation      ConflictRelation
	OtherParties  []PartyRole
	ListenedOn    *time.Time
	MeetingOn     *time.Time
	AgreementOn   *time.Time
	Outcome       *ConflictOutcome
	FollowUpOn    *time.Time
	ClosedOn      *time.Time
	NotesWithheld bool
}

// ConflictPartsOfPupil gives the pupil's part of the conflicts of the scope in which the file
// is a party, the oldest first, with the roles of the other parties, in two queries.
func ConflictPartsOfPupil(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]PupilConflictPart, error) {
	db = db.WithContext(ctx)
	var cs []Conflict
	err := s.Conflicts(db.Table("conflicts")).Select("conflicts.*").
		Where("conflicts.id IN (?)", db.Session(&gorm.Session{NewDB: true}).Table("conflict_parties").
			Select("conflict_id").Where("pupil_id = ?", pupilID)).
		Order("conflicts.occurred_on, conflicts.id").Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("models: conflicts of pupil %d: %w", pupilID, err)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	ids := make([]uint, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var parties []ConflictParty
	if err := db.Where("conflict_id IN ?", ids).Order("id").Find(&parties).Error; err != nil {
		return nil, fmt.Errorf("models: parties of the conflicts of pupil %d: %w", pupilID, err)
	}
	others := map[uint][]PartyRole{}
	for _, p := range parties {
		if p.PupilID == nil || *p.PupilID != pupilID {
			others[p.ConflictID] = append(others[p.ConflictID], p.Role)
		}
	}
	out := make([]PupilConflictPart, 0, len(cs))
	for _, c := range cs {
		out = append(out, PupilConflictPart{ID: c.ID, OccurredOn: c.OccurredOn, Place: c.Place, Kind: c.Kind, Relation: c.Relation,
			OtherParties: others[c.ID], ListenedOn: c.ListenedOn, MeetingOn: c.MeetingOn, AgreementOn: c.AgreementOn,
			Outcome: c.Outcome, FollowUpOn: c.FollowUpOn, ClosedOn: c.ClosedOn, NotesWithheld: c.Notes != ""})
	}
	return out, nil
}
