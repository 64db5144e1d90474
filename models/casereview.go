package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// CaseReviewKind is the body that holds a session: the dropout-prevention group (GPDS) of
// collèges and lycées, or the "cellule de veille" some establishments call it.
type CaseReviewKind string

// The kinds of session.
const (
	ReviewGPDS          CaseReviewKind = "gpds"
	ReviewCelluleVeille CaseReviewKind = "cellule_veille"
)

// CaseReviewKinds lists the kinds of session.
var CaseReviewKinds = []CaseReviewKind{ReviewGPDS, ReviewCelluleVeille}

// Valid tells whether k is one of CaseReviewKinds.
func (k CaseReviewKind) Valid() bool { return oneOf(k, CaseReviewKinds) }

// ReviewRole is the role of someone who takes part in a session.
type ReviewRole string

// The roles of a session's participants.
const (
	ReviewCPE          ReviewRole = "cpe"
	ReviewNurse        ReviewRole = "nurse"
	ReviewSocialWorker ReviewRole = "social_worker"
	ReviewHeadTeacher  ReviewRole = "head_teacher"
	ReviewMediator     ReviewRole = "mediator"
	ReviewTeacher      ReviewRole = "teacher"
	ReviewOther        ReviewRole = "other"
)

// ReviewRoles lists the roles, in the order the form and the minutes give them.
var ReviewRoles = []ReviewRole{ReviewCPE, ReviewNurse, ReviewSocialWorker, ReviewHeadTeacher, ReviewMediator, ReviewTeacher, ReviewOther}

// Valid tells whether r is one of ReviewRoles.
func (r ReviewRole) Valid() bool { return oneOf(r, ReviewRoles) }

// ReviewDecision is what the group decides for a pupil.
type ReviewDecision string

// The decisions of a session, one per pupil.
const (
	DecisionKeepWatching     ReviewDecision = "keep_watching"
	DecisionMediatorFollowUp ReviewDecision = "mediator_follow_up"
	DecisionFamilyMeeting    ReviewDecision = "family_meeting"
	DecisionPartnerReferral  ReviewDecision = "partner_referral"
	DecisionCIOPSAD          ReviewDecision = "cio_psad"
	DecisionNothingMore      ReviewDecision = "nothing_more"
)

// ReviewDecisions lists the decisions.
var ReviewDecisions = []ReviewDecision{DecisionKeepWatching, DecisionMediatorFollowUp, DecisionFamilyMeeting,
	DecisionPartnerReferral, DecisionCIOPSAD, DecisionNothingMore}

// Valid tells whether d is one of ReviewDecisions.
func (d ReviewDecision) Valid() bool { return oneOf(d, ReviewDecisions) }

// Acts tells whether the decision asks someone to do something by a date (every decision but
// "nothing more"): it then becomes a next action.
func (d ReviewDecision) Acts() bool { return d != DecisionNothingMore && d != "" }

// The decisions and kinds as the next actions store them: an action's description is data,
// written once in the product's working language, French (the catalog holds the same words for
// the pages, in both languages).
var (
	decisionText = map[ReviewDecision]string{
		DecisionKeepWatching: "maintenir la veille", DecisionMediatorFollowUp: "suivi actif par la médiation",
		DecisionFamilyMeeting: "rencontre avec la famille", DecisionPartnerReferral: "orientation vers un partenaire",
		DecisionCIOPSAD: "passage au CIO / PSAD", DecisionNothingMore: "pas d'autre suite",
	}
	reviewKindText = map[CaseReviewKind]string{ReviewGPDS: "du GPDS", ReviewCelluleVeille: "de la cellule de veille"}
)

// CaseReview is a session of the establishment's prevention group.
type CaseReview struct {
	ID              uint
	EstablishmentID uint
	HeldOn          time.Time
	Kind            CaseReviewKind
	CreatedByID     *uint
	// Version protects an edit against overwriting a change made in between.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CaseReviewParticipant is a role present at a session with its headcount, or an account of
// the product named among them (UserID, headcount 0: it is counted in its role's headcount).
type CaseReviewParticipant struct {
	ID           uint
	CaseReviewID uint
	Role         ReviewRole
	Headcount    int
	UserID       *uint
}

// CaseReviewPupil is a pupil on a session's list, with the group's decision once taken. A
// restricted note is read by the mediators only and never printed in the minutes.
type CaseReviewPupil struct {
	ID           uint
	CaseReviewID uint
	PupilID      uint
	Decision     ReviewDecision
	Note         string
	Restricted   bool
	DecidedByID  *uint
	DecidedAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Bounds of a session's form.
const (
	// MaxReviewHeadcount bounds the headcount of one role (the CHECK constraint's).
	MaxReviewHeadcount = 50
	// ReviewPreparedAheadDays is how far ahead a session may be prepared.
	ReviewPreparedAheadDays = 183
)

// CaseReviewInput is a session as the new and edit forms give it. Headcounts are by role;
// StaffIDs are the accounts of the establishment named among the participants (names are
// recorded for them only), each counted in its role.
type CaseReviewInput struct {
	EstablishmentID uint
	HeldOn          time.Time
	Kind            CaseReviewKind
	Headcounts      map[ReviewRole]int
	StaffIDs        []uint
}

func (in *CaseReviewInput) validate(now time.Time) ValidationError {
	v := ValidationError{}
	today := calendar.Today(now)
	switch {
	case in.HeldOn.IsZero():
		v.Add("held_on", "field.date_required")
	case in.HeldOn.Before(today.AddDate(-1, 0, 0)):
		v.Add("held_on", "reviews.date_too_old")
	case in.HeldOn.After(today.AddDate(0, 0, ReviewPreparedAheadDays)):
		v.Add("held_on", "reviews.date_too_far")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "reviews.kind_required")
	}
	total := len(in.StaffIDs)
	for _, r := range ReviewRoles {
		n := in.Headcounts[r]
		if n < 0 || n > MaxReviewHeadcount {
			v.Add("count_"+string(r), "reviews.headcount_range", "Max", MaxReviewHeadcount)
		}
		total += max(n, 0)
	}
	if total == 0 {
		v.Add("participants", "reviews.participants_required")
	}
	return v
}

// participants checks the named accounts (active mediators or head teachers of the
// establishment, in one query) and gives the rows to store: one per role with its headcount,
// raised to the accounts named in it, then one per account.
func (in *CaseReviewInput) participants(tx *gorm.DB, reviewID uint, v ValidationError) ([]CaseReviewParticipant, error) {
	named := map[ReviewRole]int{}
	var accounts []CaseReviewParticipant
	if len(in.StaffIDs) > 0 {
		staff, err := meetingStaffOf(tx, in.EstablishmentID, in.StaffIDs)
		if err != nil {
			return nil, err
		}
		roles := map[uint]Role{}
		for _, s := range staff {
			roles[s.ID] = s.Role
		}
		seen := map[uint]bool{}
		for _, id := range in.StaffIDs {
			role, ok := roles[id]
			if !ok {
				v.Add("staff", "reviews.staff_invalid")
				continue
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			r := ReviewMediator
			if role == RoleHeadTeacher {
				r = ReviewHeadTeacher
			}
			named[r]++
			uid := id
			accounts = append(accounts, CaseReviewParticipant{CaseReviewID: reviewID, Role: r, UserID: &uid})
		}
	}
	var out []CaseReviewParticipant
	for _, r := range ReviewRoles {
		if n := max(in.Headcounts[r], named[r]); n > 0 {
			out = append(out, CaseReviewParticipant{CaseReviewID: reviewID, Role: r, Headcount: n})
		}
	}
	return append(out, accounts...), nil
}

// reviewInScope loads a session of an establishment of the scope, or ErrNotFound.
func reviewInScope(db *gorm.DB, s Scope, id uint) (CaseReview, error) {
	var r CaseReview
	if !s.SeesPupilFiles() {
		return r, ErrNotFound
	}
	err := db.Where("id = ? AND establishment_id IN ?", id, s.EstablishmentIDs).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("models: load case review %d: %w", id, err)
	}
	return r, nil
}

// CreateCaseReview prepares a session of an establishment of the scope, with its participants,
// in one transaction.
func CreateCaseReview(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, in CaseReviewInput) (CaseReview, error) {
	v := in.validate(now)
	if !s.CoversEstablishment(in.EstablishmentID) {
		v.Add("establishment_id", "pupil.establishment_choose")
	}
	var r CaseReview
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		parts, err := in.participants(tx, 0, v)
		if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		r = CaseReview{EstablishmentID: in.EstablishmentID, HeldOn: calendar.Date(in.HeldOn), Kind: in.Kind, CreatedByID: actor.UserID,
			Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		for i := range parts {
			parts[i].CaseReviewID = r.ID
		}
		if err := tx.Create(&parts).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditCreated, "case_review", fmt.Sprint(r.ID), fmt.Sprintf("establishment %d", r.EstablishmentID))
	})
	return r, wrapEdit(err, "create case review")
}

// msgCaseReviewChanged refuses an edit based on a session shown before someone changed it.
const msgCaseReviewChanged = "reviews.changed_meanwhile"

// UpdateCaseReview changes a session's date, kind and participants if version is still the
// current one; otherwise it changes nothing and returns a *StaleError. The establishment stays.
func UpdateCaseReview(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, id uint, version int, in CaseReviewInput) (CaseReview, error) {
	v := in.validate(now)
	var r CaseReview
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if r, err = reviewInScope(tx, s, id); err != nil {
			return err
		}
		if r.Version != version {
			return staleError(ctx, tx, "case_review", r.ID, r.Version, r, msgCaseReviewChanged)
		}
		in.EstablishmentID = r.EstablishmentID
		parts, err := in.participants(tx, r.ID, v)
		if err != nil {
			return err
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		r.HeldOn, r.Kind, r.Version, r.UpdatedAt = calendar.Date(in.HeldOn), in.Kind, version+1, now.UTC()
		res := tx.Model(&CaseReview{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"held_on": r.HeldOn, "kind": r.Kind, "version": r.Version, "updated_at": r.UpdatedAt})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			latest, err := reviewInScope(tx, s, id)
			if err != nil {
				return err
			}
			return staleError(ctx, tx, "case_review", latest.ID, latest.Version, latest, msgCaseReviewChanged)
		}
		if err := tx.Where("case_review_id = ?", id).Delete(&CaseReviewParticipant{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&parts).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "case_review", fmt.Sprint(id), "session")
	})
	return r, wrapEdit(err, "update case review")
}

// AddPupilToReview puts a file of the session's establishment on its list. A file already on it
// or of another establishment is refused with a field message ("pupil_id").
func AddPupilToReview(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, reviewID, pupilID uint) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return addPupilToReview(ctx, tx, s, actor, now, reviewID, pupilID)
	})
	return wrapEdit(err, "add pupil to case review")
}

func addPupilToReview(ctx context.Context, tx *gorm.DB, s Scope, actor Actor, now time.Time, reviewID, pupilID uint) error {
	r, err := reviewInScope(tx, s, reviewID)
	if err != nil {
		return err
	}
	p, err := pupilInScope(ctx, tx, s, pupilID)
	if errors.Is(err, ErrNotFound) || err == nil && p.EstablishmentID != r.EstablishmentID {
		return ValidationError{"pupil_id": Msg("reviews.pupil_choose")}
	}
	if err != nil {
		return err
	}
	var n int64
	if err := tx.Model(&CaseReviewPupil{}).Where("case_review_id = ? AND pupil_id = ?", reviewID, pupilID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ValidationError{"pupil_id": Msg("reviews.pupil_already_listed")}
	}
	row := CaseReviewPupil{CaseReviewID: reviewID, PupilID: pupilID, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	return RecordAudit(ctx, tx, now, actor, AuditChanged, "case_review", fmt.Sprint(reviewID), fmt.Sprintf("pupil %d listed", pupilID))
}

// AddNewPupilToReview opens a file, in status « repéré », for a pupil the group names who has
// none yet, through the one creation path of files (CreatePupil: its checks and its duplicate
// warning, a *DuplicateError until the homonym is confirmed), and lists it, in one transaction.
func AddNewPupilToReview(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, reviewID uint, in PupilInput) (Pupil, error) {
	var p Pupil
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := reviewInScope(tx, s, reviewID)
		if err != nil {
			return err
		}
		in.EstablishmentID = r.EstablishmentID
		if p, err = CreatePupil(ctx, tx, s, actor, now, in, nil); err != nil {
			return err
		}
		return addPupilToReview(ctx, tx, s, actor, now, reviewID, p.ID)
	})
	var dup *DuplicateError
	if errors.As(err, &dup) {
		return p, dup
	}
	return p, wrapEdit(err, "add new pupil to case review")
}

// DecisionInput is the decision form of a pupil of a session: the decision, who acts (an
// account of the establishment or a label) and by when, and a note.
type DecisionInput struct {
	Decision    ReviewDecision
	OwnerUserID *uint
	OwnerLabel  string
	DueOn       time.Time
	Note        string
	Restricted  bool
}

func (in *DecisionInput) validate(heldOn time.Time) ValidationError {
	v := ValidationError{}
	in.OwnerLabel = strings.TrimSpace(in.OwnerLabel)
	in.Note = strings.TrimSpace(in.Note)
	if !in.Decision.Valid() {
		v.Add("decision", "reviews.decision_required")
	}
	if in.Decision.Acts() {
		switch {
		case in.DueOn.IsZero():
			v.Add("due_on", "followup.next_action_due_required")
		case in.DueOn.Before(heldOn):
			v.Add("due_on", "reviews.due_before_session")
		case in.DueOn.After(heldOn.AddDate(1, 0, 0)):
			v.Add("due_on", "followup.due_too_far")
		}
		if in.OwnerUserID == nil && in.OwnerLabel == "" {
			v.Add("owner", "reviews.owner_required")
		}
	} else {
		in.OwnerUserID, in.OwnerLabel, in.DueOn = nil, "", time.Time{}
	}
	if len([]rune(in.OwnerLabel)) > 100 {
		v.Put("owner_label", TooLong(100))
	}
	if len([]rune(in.Note)) > 2000 {
		v.Put("note", TooLong(2_000))
	}
	return v
}

// ReviewActionText is a decision as the pupil's next action and history say it: « Décision du
// GPDS du 12/11 : rencontre avec la famille ». The demo and the generator write it so too.
func ReviewActionText(kind CaseReviewKind, heldOn time.Time, d ReviewDecision) string {
	return fmt.Sprintf("Décision %s du %s : %s", reviewKindText[kind], heldOn.Format("02/01"), decisionText[d])
}

// RecordDecision records the group's decision for a pupil of the session, replacing the one
// recorded before; the decision's open next action is replaced by the new one (none for
// "nothing more"), on the owner's worklist. A scope that may not read restricted notes cannot
// mark one, nor change a decision whose note is restricted (it would overwrite what it cannot
// read).
func RecordDecision(ctx context.Context, db *gorm.DB, s Scope, actor Actor, now time.Time, reviewID, pupilID uint, in DecisionInput) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := reviewInScope(tx, s, reviewID)
		if err != nil {
			return err
		}
		var row CaseReviewPupil
		err = tx.Where("case_review_pupils.case_review_id = ? AND case_review_pupils.pupil_id = ?", reviewID, pupilID).
			Where("case_review_pupils.pupil_id IN (?)", s.Pupils(tx.Session(&gorm.Session{NewDB: true}).Table("pupils").Select("pupils.id")).
				Where("pupils.anonymised_at IS NULL")).
			Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		v := in.validate(calendar.Date(r.HeldOn))
		if row.Restricted && !s.SeesRestrictedNotes() {
			v.Add("decision", "reviews.restricted_decision")
		}
		if in.OwnerUserID != nil {
			staff, err := meetingStaffOf(tx, r.EstablishmentID, []uint{*in.OwnerUserID})
			if err != nil {
				return err
			}
			if len(staff) == 0 {
				v.Add("owner", "reviews.owner_invalid")
			}
		}
		if err := v.OrNil(); err != nil {
			return err
		}
		res := tx.Model(&CaseReviewPupil{}).Where("id = ?", row.ID).Updates(map[string]any{"decision": in.Decision, "note": in.Note,
			"restricted": in.Restricted && s.SeesRestrictedNotes(), "decided_by_id": actor.UserID, "decided_at": now.UTC(), "updated_at": now.UTC()})
		if res.Error != nil {
			return res.Error
		}
		// Who already held the decision's action is not told again when it is recorded anew.
		var owners []uint
		if err := tx.Model(&NextAction{}).Where("case_review_id = ? AND pupil_id = ? AND done_at IS NULL AND owner_user_id IS NOT NULL", reviewID, pupilID).
			Pluck("owner_user_id", &owners).Error; err != nil {
			return err
		}
		if err := tx.Where("case_review_id = ? AND pupil_id = ? AND done_at IS NULL", reviewID, pupilID).Delete(&NextAction{}).Error; err != nil {
			return err
		}
		if in.Decision.Acts() {
			a := NextAction{PupilID: pupilID, CaseReviewID: &r.ID, Description: ReviewActionText(r.Kind, r.HeldOn, in.Decision),
				DueOn: calendar.Date(in.DueOn), OwnerUserID: in.OwnerUserID, OwnerLabel: in.OwnerLabel, CreatedByID: actor.UserID,
				CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
			if a.OwnerUserID != nil && !slices.Contains(owners, *a.OwnerUserID) {
				if err := notifyActionOwner(tx, now, actor, a); err != nil {
					return err
				}
			}
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "case_review", fmt.Sprint(reviewID),
			fmt.Sprintf("pupil %d decision %s", pupilID, in.Decision))
	})
	return wrapEdit(err, "record decision")
}

// ReviewParticipantRow is a participant of a session with the name of its account.
type ReviewParticipantRow struct {
	CaseReviewParticipant
	AccountName string
}

// ReviewPupilRow is a pupil of a session as its page and minutes show it: the file, the
// decision, and the next action it made (who, by when, done or not).
type ReviewPupilRow struct {
	CaseReviewPupil
	FirstName   string
	LastName    string
	ClassName   string
	BirthDate   time.Time
	Status      PupilStatus
	ActionID    *uint
	DueOn       calendar.DBTime
	OwnerUserID *uint
	OwnerName   string
	OwnerLabel  string
	DoneAt      calendar.DBTime
}

// Owner is who acts on the decision: the account's name, else the label.
func (r ReviewPupilRow) Owner() string {
	if r.OwnerName != "" {
		return r.OwnerName
	}
	return r.OwnerLabel
}

// CaseReviewDetail is everything a session's page and minutes show.
type CaseReviewDetail struct {
	Review        CaseReview
	Establishment Establishment
	CreatedByName string
	Participants  []ReviewParticipantRow
	Pupils        []ReviewPupilRow
}

// Headcount is the number of people at the session.
func (d CaseReviewDetail) Headcount() int {
	n := 0
	for _, p := range d.Participants {
		n += p.Headcount
	}
	return n
}

// Decided counts the pupils whose decision is recorded.
func (d CaseReviewDetail) Decided() int {
	n := 0
	for _, p := range d.Pupils {
		if p.Decision != "" {
			n++
		}
	}
	return n
}

// LoadCaseReview loads a session of the scope, or ErrNotFound, with one query per part whatever
// the number of participants and pupils. Anonymised files are left out of the list; restricted
// notes are blanked, in SQL, for a scope that may not read them.
func LoadCaseReview(ctx context.Context, db *gorm.DB, s Scope, id uint) (CaseReviewDetail, error) {
	return loadCaseReview(ctx, db, s, id, s.SeesRestrictedNotes())
}

// LoadCaseReviewMinutes is LoadCaseReview for the minutes, which leave the product as a PDF:
// restricted notes are never in them, whoever asks.
func LoadCaseReviewMinutes(ctx context.Context, db *gorm.DB, s Scope, id uint) (CaseReviewDetail, error) {
	return loadCaseReview(ctx, db, s, id, false)
}

func loadCaseReview(ctx context.Context, db *gorm.DB, s Scope, id uint, restricted bool) (CaseReviewDetail, error) {
	var d CaseReviewDetail
	db = db.WithContext(ctx)
	r, err := reviewInScope(db, s, id)
	if err != nil {
		return d, err
	}
	d.Review = r
	if err := db.Take(&d.Establishment, r.EstablishmentID).Error; err != nil {
		return d, fmt.Errorf("models: establishment of case review %d: %w", id, err)
	}
	if r.CreatedByID != nil {
		if err := db.Model(&User{}).Where("id = ?", *r.CreatedByID).Pluck("display_name", &d.CreatedByName).Error; err != nil {
			return d, fmt.Errorf("models: author of case review %d: %w", id, err)
		}
	}
	err = db.Table("case_review_participants").Select("case_review_participants.*, users.display_name AS account_name").
		Joins("LEFT JOIN users ON users.id = case_review_participants.user_id").
		Where("case_review_participants.case_review_id = ?", id).Order("case_review_participants.id").Scan(&d.Participants).Error
	if err != nil {
		return d, fmt.Errorf("models: participants of case review %d: %w", id, err)
	}
	note := "crp.note"
	if !restricted {
		note = "CASE WHEN crp.restricted THEN '' ELSE crp.note END"
	}
	err = db.Table("case_review_pupils crp").
		Select("crp.id, crp.case_review_id, crp.pupil_id, crp.decision, "+note+" AS note, crp.restricted, crp.decided_by_id, "+
			"crp.decided_at, crp.created_at, crp.updated_at, pupils.first_name, pupils.last_name, pupils.class_name, "+
			"pupils.birth_date, pupils.status, na.id AS action_id, na.due_on, na.owner_user_id, na.owner_label, na.done_at, "+
			"users.display_name AS owner_name").
		Joins("JOIN pupils ON pupils.id = crp.pupil_id").
		Joins("LEFT JOIN next_actions na ON na.id = ("+currentReviewAction+")").
		Joins("LEFT JOIN users ON users.id = na.owner_user_id").
		Where("crp.case_review_id = ? AND pupils.anonymised_at IS NULL", id).
		Order("pupils.search_name, pupils.id").Scan(&d.Pupils).Error
	if err != nil {
		return d, fmt.Errorf("models: pupils of case review %d: %w", id, err)
	}
	return d, nil
}

// ReviewCandidate is a file of the session's establishment that may be put on its list.
type ReviewCandidate struct {
	ID        uint
	LastName  string
	FirstName string
	ClassName string
	Status    PupilStatus
}

// ReviewCandidates lists the open files of the session's establishment not on its list yet, by
// name, in one query.
func ReviewCandidates(ctx context.Context, db *gorm.DB, s Scope, r CaseReview) ([]ReviewCandidate, error) {
	var out []ReviewCandidate
	err := s.Pupils(db.WithContext(ctx).Table("pupils")).
		Select("pupils.id, pupils.last_name, pupils.first_name, pupils.class_name, pupils.status").
		Where("pupils.establishment_id = ? AND pupils.anonymised_at IS NULL AND pupils.status <> ?", r.EstablishmentID, StatusClosed).
		Where("NOT EXISTS (SELECT 1 FROM case_review_pupils crp WHERE crp.case_review_id = ? AND crp.pupil_id = pupils.id)", r.ID).
		Order("pupils.search_name, pupils.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: candidates of case review %d: %w", r.ID, err)
	}
	return out, nil
}

// CaseReviewFilter narrows the list of sessions.
type CaseReviewFilter struct {
	// EstablishmentID keeps one establishment of the scope (0: all of them).
	EstablishmentID uint
	// Year keeps the sessions of a school year (nil: every year).
	Year *calendar.SchoolYear
	// Kind keeps one kind ("": both).
	Kind CaseReviewKind
	Page int
}

// CaseReviewsPerPage is the length of a page of the list of sessions.
const CaseReviewsPerPage = 30

// CaseReviewRow is a session as the list shows it.
type CaseReviewRow struct {
	CaseReview
	EstablishmentName string
	PupilCount        int
	DecidedCount      int
	Headcount         int
}

// CaseReviewList is a page of sessions and the number of sessions matching the filter.
type CaseReviewList struct {
	Rows  []CaseReviewRow
	Total int64
}

// ListCaseReviews lists the sessions of the scope's establishments that match the filter,
// latest first, a page at a time: one query for the page (counts of pupils, decisions and
// participants included), one for the total.
func ListCaseReviews(ctx context.Context, db *gorm.DB, s Scope, f CaseReviewFilter) (CaseReviewList, error) {
	var out CaseReviewList
	if !s.SeesPupilFiles() {
		return out, nil
	}
	db = db.WithContext(ctx)
	filtered := func() *gorm.DB {
		q := db.Table("case_reviews").Where("case_reviews.establishment_id IN ?", s.EstablishmentIDs)
		if f.EstablishmentID != 0 {
			q = q.Where("case_reviews.establishment_id = ?", f.EstablishmentID)
		}
		if f.Year != nil {
			q = q.Where("case_reviews.held_on >= ? AND case_reviews.held_on <= ?", calendar.Date(f.Year.Start()), calendar.Date(f.Year.LastDay()))
		}
		if f.Kind != "" {
			q = q.Where("case_reviews.kind = ?", f.Kind)
		}
		return q
	}
	if err := filtered().Count(&out.Total).Error; err != nil {
		return out, fmt.Errorf("models: count case reviews: %w", err)
	}
	err := onPage(filtered().
		Select("case_reviews.*, establishments.name AS establishment_name, "+
			"(SELECT COUNT(*) FROM case_review_pupils crp WHERE crp.case_review_id = case_reviews.id) AS pupil_count, "+
			"(SELECT COUNT(*) FROM case_review_pupils crp WHERE crp.case_review_id = case_reviews.id AND crp.decision <> '') AS decided_count, "+
			"(SELECT COALESCE(SUM(p.headcount), 0) FROM case_review_participants p WHERE p.case_review_id = case_reviews.id) AS headcount").
		Joins("JOIN establishments ON establishments.id = case_reviews.establishment_id").
		Order("case_reviews.held_on DESC, case_reviews.id DESC"), f.Page, CaseReviewsPerPage).Scan(&out.Rows).Error
	if err != nil {
		return out, fmt.Errorf("models: list case reviews: %w", err)
	}
	return out, nil
}

// PupilReviewRow is a decision of the prevention group about a pupil, as the file's history
// shows it.
type PupilReviewRow struct {
	CaseReviewID uint
	HeldOn       time.Time
	Kind         CaseReviewKind
	Decision     ReviewDecision
	Note         string
	Restricted   bool
	// The next action the decision made, if any: ActionID is nil without one.
	ActionID   *uint
	DueOn      calendar.DBTime
	OwnerName  string
	OwnerLabel string
	DoneAt     calendar.DBTime
}

// Owner is who acts on the decision: the account's name, else the label.
func (r PupilReviewRow) Owner() string {
	if r.OwnerName != "" {
		return r.OwnerName
	}
	return r.OwnerLabel
}

// currentReviewAction selects the id of the next action a session's decision about a pupil made
// (joined to case_review_pupils crp): the latest created with or after the decision (the latest,
// for a decision without its time). A decision taken again keeps the actions its earlier version
// made that were done (their history), and those must not show as the new decision's.
const currentReviewAction = "SELECT MAX(x.id) FROM next_actions x WHERE x.case_review_id = crp.case_review_id " +
	"AND x.pupil_id = crp.pupil_id AND (crp.decided_at IS NULL OR x.created_at >= crp.decided_at)"

// ReviewsOfPupil lists the sessions that reviewed a file of the scope, latest first, with the
// decision taken and the next action it made (restricted notes blanked for a scope that may not
// read them), in one query.
func ReviewsOfPupil(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]PupilReviewRow, error) {
	var out []PupilReviewRow
	if !s.SeesPupilFiles() {
		return nil, nil
	}
	note := "crp.note"
	if !s.SeesRestrictedNotes() {
		note = "CASE WHEN crp.restricted THEN '' ELSE crp.note END"
	}
	err := db.WithContext(ctx).Table("case_review_pupils crp").
		Select("crp.case_review_id, cr.held_on, cr.kind, crp.decision, "+note+" AS note, crp.restricted, "+
			"na.id AS action_id, na.due_on, users.display_name AS owner_name, na.owner_label, na.done_at").
		Joins("JOIN case_reviews cr ON cr.id = crp.case_review_id").
		Joins("LEFT JOIN next_actions na ON na.id = ("+currentReviewAction+")").
		Joins("LEFT JOIN users ON users.id = na.owner_user_id").
		Where("crp.pupil_id = ? AND cr.establishment_id IN ?", pupilID, s.EstablishmentIDs).
		Order("cr.held_on DESC, cr.id DESC").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: case reviews of pupil %d: %w", pupilID, err)
	}
	return out, nil
}

// ReviewWorkRow is an open decision of an establishment's last session, on a mediator's
// worklist.
type ReviewWorkRow struct {
	CaseReviewID      uint
	HeldOn            time.Time
	Kind              CaseReviewKind
	EstablishmentName string
	PupilID           uint
	FirstName         string
	LastName          string
	Decision          ReviewDecision
	DueOn             time.Time
	OwnerName         string
	OwnerLabel        string
}

// Owner is who acts on the decision: the account's name, else the label.
func (r ReviewWorkRow) Owner() string {
	if r.OwnerName != "" {
		return r.OwnerName
	}
	return r.OwnerLabel
}

// OpenDecisionsOfLastReviews lists, for each establishment of the scope, the decisions of its
// last session held (on or before today) whose next action is not done yet, whoever owns it:
// the mediator sees what the group asked and what is still waiting. One query; soonest due
// first.
//
// The last sessions are found first, one per establishment (an array on PostgreSQL, planned
// apart), instead of checking every session of the establishments against its last; the names
// of the establishment and of the owner are subqueries rather than joins, which leaves the
// planner four tables to order instead of six (it spent more planning this statement than
// running it).
func OpenDecisionsOfLastReviews(ctx context.Context, db *gorm.DB, s Scope, now time.Time) ([]ReviewWorkRow, error) {
	if !s.SeesPupilFiles() {
		return nil, nil
	}
	today := calendar.Today(now)
	var out []ReviewWorkRow
	last := db.Session(&gorm.Session{NewDB: true}).Table("establishments e").
		Select("(SELECT c2.id FROM case_reviews c2 WHERE c2.establishment_id = e.id AND c2.held_on <= ? "+
			"ORDER BY c2.held_on DESC, c2.id DESC LIMIT 1)", today).
		Where("e.id IN ?", s.EstablishmentIDs)
	err := WhereIn(db.WithContext(ctx).Table("case_reviews cr"), "cr.id", last).
		Select("cr.id AS case_review_id, cr.held_on, cr.kind, "+
			"(SELECT e.name FROM establishments e WHERE e.id = cr.establishment_id) AS establishment_name, pupils.id AS pupil_id, "+
			"pupils.first_name, pupils.last_name, crp.decision, na.due_on, "+
			"(SELECT users.display_name FROM users WHERE users.id = na.owner_user_id) AS owner_name, na.owner_label").
		Joins("JOIN case_review_pupils crp ON crp.case_review_id = cr.id").
		Joins("JOIN pupils ON pupils.id = crp.pupil_id").
		Joins("JOIN next_actions na ON na.case_review_id = cr.id AND na.pupil_id = crp.pupil_id").
		Where("cr.establishment_id IN ? AND na.done_at IS NULL AND pupils.anonymised_at IS NULL", s.EstablishmentIDs).
		Order("na.due_on, pupils.search_name, pupils.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: open decisions of last case reviews: %w", err)
	}
	return out, nil
}

// ReviewFigures are an establishment's prevention-group figures for a school year: sessions
// held and pupils reviewed (each pupil once, however many sessions reviewed them), and the
// reviews (a pupil reviewed at two sessions counts twice).
type ReviewFigures struct {
	EstablishmentID uint
	Sessions        int
	PupilsReviewed  int
	Reviews         int
}

// CaseReviewFiguresOf gives, for a school year and a set of establishments, the sessions held
// (on or before asOf) and the pupils they reviewed, per establishment, in one query. Anonymised
// files still count: the figures survive the purge. An establishment without any session is
// left out. These are raw counts, for the reports to protect.
func CaseReviewFiguresOf(ctx context.Context, db *gorm.DB, year calendar.SchoolYear, establishmentIDs []uint, asOf time.Time) ([]ReviewFigures, error) {
	if len(establishmentIDs) == 0 {
		return nil, nil
	}
	last := calendar.Date(year.LastDay())
	if today := calendar.Today(asOf); today.Before(last) {
		last = today
	}
	var out []ReviewFigures
	err := db.WithContext(ctx).Table("case_reviews cr").
		Select("cr.establishment_id, COUNT(DISTINCT cr.id) AS sessions, COUNT(DISTINCT crp.pupil_id) AS pupils_reviewed, "+
			"COUNT(crp.id) AS reviews").
		Joins("LEFT JOIN case_review_pupils crp ON crp.case_review_id = cr.id").
		Where("cr.establishment_id IN ? AND cr.held_on >= ? AND cr.held_on <= ?", establishmentIDs, calendar.Date(year.Start()), last).
		Group("cr.establishment_id").Order("cr.establishment_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: case review figures %s: %w", year, err)
	}
	return out, nil
}

// ReviewStaffOption is an account that may be named at a session or act on a decision: an
// active mediator or head teacher of the establishment.
type ReviewStaffOption struct {
	StaffOption
	EstablishmentID uint
}

// ReviewStaff lists the active mediators and head teachers of the establishments, by name, in
// one query.
func ReviewStaff(ctx context.Context, db *gorm.DB, establishmentIDs []uint) ([]ReviewStaffOption, error) {
	if len(establishmentIDs) == 0 {
		return nil, nil
	}
	var out []ReviewStaffOption
	err := db.WithContext(ctx).Table("users").Select("users.id, users.display_name, users.role, ue.establishment_id").
		Joins("JOIN user_establishments ue ON ue.user_id = users.id").
		Where("ue.establishment_id IN ? AND users.active = ? AND users.role IN ?", establishmentIDs, true,
			[]Role{RoleMediator, RoleHeadTeacher}).
		Order("users.display_name, users.id, ue.establishment_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: staff of %d establishments: %w", len(establishmentIDs), err)
	}
	return out, nil
}
