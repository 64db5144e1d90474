package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
	"mediation/models/risk"
)

// PupilExport is everything held about a pupil, for the family's right of access (RGPD art.
// 15): the JSON file a mediator hands over with the dossier PDF.
type PupilExport struct {
	GeneratedAt   time.Time            `json:"generated_at"`
	Establishment ExportEstablishment  `json:"establishment"`
	Pupil         ExportPupil          `json:"pupil"`
	Guardians     []ExportGuardian     `json:"guardians"`
	StatusHistory []ExportStatusChange `json:"status_history"`
	Indicators    []ExportIndicator    `json:"monthly_indicators"`
	FollowUps     []ExportFollowUp     `json:"follow_ups"`
	NextActions   []ExportAction       `json:"next_actions"`
	Meetings      []ExportMeeting      `json:"meetings"`
	Referrals     []ExportReferral     `json:"referrals"`
	CaseReviews   []ExportCaseReview   `json:"case_reviews"`
	Conflicts     []ExportConflict     `json:"conflicts"`
	Accesses      []ExportAccess       `json:"accesses"`
	Notice        string               `json:"notice"`
}

// The export's parts, with French-readable JSON names kept in English like the code.
type (
	ExportEstablishment struct {
		UAI     string `json:"uai"`
		Name    string `json:"name"`
		Commune string `json:"commune"`
	}
	ExportPupil struct {
		LastName     string      `json:"last_name"`
		FirstName    string      `json:"first_name"`
		BirthDate    string      `json:"birth_date"`
		ClassLevel   ClassLevel  `json:"class_level"`
		ClassName    string      `json:"class_name"`
		INE          *string     `json:"ine"`
		Status       PupilStatus `json:"status"`
		ExitReason   *ExitReason `json:"exit_reason"`
		IdentifiedOn string      `json:"identified_on"`
		RiskLevel    risk.Level  `json:"risk_level"`
		Referent     string      `json:"referent"`
	}
	ExportGuardian struct {
		Name              string `json:"name"`
		Relation          string `json:"relation"`
		Phone             string `json:"phone"`
		Email             string `json:"email"`
		HomeLanguage      string `json:"home_language"`
		InterpreterNeeded bool   `json:"interpreter_needed"`
	}
	ExportStatusChange struct {
		At         time.Time    `json:"at"`
		From       *PupilStatus `json:"from"`
		To         PupilStatus  `json:"to"`
		ExitReason *ExitReason  `json:"exit_reason"`
		Comment    string       `json:"comment"`
		By         string       `json:"by"`
	}
	ExportIndicator struct {
		Month               calendar.Month `json:"month"`
		UnjustifiedHalfDays *int           `json:"unjustified_half_days"`
		JustifiedHalfDays   *int           `json:"justified_half_days"`
		SchoolHalfDays      *int           `json:"school_half_days"`
		TemporaryExclusions *int           `json:"temporary_exclusions"`
		Incidents           *int           `json:"incidents"`
		TermAverage         *float64       `json:"term_average"`
	}
	ExportFollowUp struct {
		Date       string       `json:"date"`
		Kind       FollowUpKind `json:"kind"`
		Minutes    int          `json:"duration_minutes"`
		Note       string       `json:"note"`
		Restricted bool         `json:"restricted"`
		Author     string       `json:"author"`
	}
	ExportAction struct {
		Description string     `json:"description"`
		DueOn       string     `json:"due_on"`
		Owner       string     `json:"owner"`
		DoneAt      *time.Time `json:"done_at"`
	}
	ExportMeeting struct {
		ScheduledAt  time.Time           `json:"scheduled_at"`
		Place        string              `json:"place"`
		Purpose      string              `json:"purpose"`
		Status       MeetingStatus       `json:"status"`
		Recap        string              `json:"recap"`
		Participants []ExportParticipant `json:"participants"`
	}
	ExportParticipant struct {
		Role     ParticipantRole `json:"role"`
		Name     string          `json:"name"`
		Attended *bool           `json:"attended"`
	}
	ExportReferral struct {
		Partner        string           `json:"partner"`
		Reason         ReferralReason   `json:"reason"`
		Request        string           `json:"request"`
		Status         ReferralStatus   `json:"status"`
		ConsentGivenBy string           `json:"consent_given_by"`
		ConsentGivenOn *time.Time       `json:"consent_given_on"`
		ConsentMethod  *ConsentMethod   `json:"consent_method"`
		Outcome        *ReferralOutcome `json:"outcome"`
		DeclineReason  string           `json:"decline_reason"`
		Feedback       string           `json:"feedback"`
		SentAt         *time.Time       `json:"sent_at"`
	}
	ExportCaseReview struct {
		HeldOn     string         `json:"held_on"`
		Kind       CaseReviewKind `json:"kind"`
		Decision   ReviewDecision `json:"decision"`
		Note       string         `json:"note"`
		Restricted bool           `json:"restricted"`
	}
	// ExportConflict is the pupil's part of a conflict mediation: what, where, when, the steps
	// and the outcome. The other parties appear by role only (a file or a description would
	// name or single out someone else), and the notes are withheld: they concern several people
	// (NotesWithheld says there are some, which the mediator may pass on in part).
	ExportConflict struct {
		OccurredOn    string           `json:"occurred_on"`
		Place         ConflictPlace    `json:"place"`
		Kind          ConflictKind     `json:"kind"`
		Relation      ConflictRelation `json:"relation"`
		OtherParties  []PartyRole      `json:"other_parties"`
		ListenedOn    *string          `json:"listened_on"`
		MeetingOn     *string          `json:"meeting_on"`
		AgreementOn   *string          `json:"agreement_on"`
		Outcome       *ConflictOutcome `json:"outcome"`
		FollowUpOn    *string          `json:"follow_up_on"`
		ClosedOn      *string          `json:"closed_on"`
		NotesWithheld bool             `json:"notes_withheld"`
	}
	ExportAccess struct {
		At     time.Time `json:"at"`
		Who    string    `json:"who"`
		Action string    `json:"action"`
	}
)

// ExportPupilFile gathers everything held about a file of the scope, one query per part.
// Restricted notes are included only for a scope that may read them (the mediators), who
// decide what to hand over.
func ExportPupilFile(ctx context.Context, db *gorm.DB, s Scope, id uint, now time.Time) (PupilExport, error) {
	f, err := LoadPupilFile(ctx, db, s, id)
	if err != nil {
		return PupilExport{}, err
	}
	db = db.WithContext(ctx)
	p := f.Pupil
	out := PupilExport{GeneratedAt: now.UTC(), Notice: "Données détenues par le service de médiation scolaire de la Métropole au sujet de l'élève, " +
		"communiquées au titre du droit d'accès (article 15 du RGPD). Les médiations de conflit n'en donnent que la part de l'élève : " +
		"les autres parties y figurent par leur rôle seulement, et leurs notes, qui concernent plusieurs personnes, n'y sont pas.",
		Establishment: ExportEstablishment{UAI: f.Establishment.UAI, Name: f.Establishment.Name, Commune: f.Establishment.Commune},
		Pupil: ExportPupil{LastName: p.LastName, FirstName: p.FirstName, BirthDate: p.BirthDate.Format(time.DateOnly), ClassLevel: p.ClassLevel,
			ClassName: p.ClassName, INE: p.INE, Status: p.Status, ExitReason: p.ExitReason, IdentifiedOn: p.IdentifiedOn.Format(time.DateOnly),
			RiskLevel: p.RiskLevel, Referent: f.ReferentName}}
	out.Guardians = make([]ExportGuardian, 0, len(p.Guardians))
	for _, g := range p.Guardians {
		out.Guardians = append(out.Guardians, ExportGuardian{g.Name, g.Relation, g.Phone, g.Email, g.HomeLanguage, g.InterpreterNeeded})
	}
	out.StatusHistory = make([]ExportStatusChange, 0, len(f.History))
	for _, h := range f.History {
		out.StatusHistory = append(out.StatusHistory, ExportStatusChange{h.ChangedAt, h.FromStatus, h.ToStatus, h.ExitReason, h.Comment, h.ChangedByName})
	}
	out.Indicators = make([]ExportIndicator, 0, len(f.Indicators))
	for _, m := range f.Indicators {
		out.Indicators = append(out.Indicators, ExportIndicator{m.Month, m.UnjustifiedHalfDays, m.JustifiedHalfDays, m.SchoolHalfDays,
			m.TemporaryExclusions, m.Incidents, m.TermAverage})
	}
	var fus []FollowUpRow // all of them, not only the latest shown on the page
	err = VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id).
		Select("follow_ups.*, users.display_name AS author_name").Joins("JOIN users ON users.id = follow_ups.author_id").
		Order("follow_ups.occurred_on, follow_ups.id").Scan(&fus).Error
	if err != nil {
		return out, fmt.Errorf("models: export follow-ups: %w", err)
	}
	out.FollowUps = make([]ExportFollowUp, 0, len(fus))
	for _, fu := range fus {
		out.FollowUps = append(out.FollowUps, ExportFollowUp{fu.OccurredOn.Format(time.DateOnly), fu.Kind, fu.DurationMinutes, fu.Note, fu.Restricted, fu.AuthorName})
	}
	var actions []ActionRow
	err = db.Table("next_actions").Select("next_actions.*, users.display_name AS owner_name").
		Joins("LEFT JOIN users ON users.id = next_actions.owner_user_id").Where("next_actions.pupil_id = ?", id).
		Order("next_actions.due_on, next_actions.id").Scan(&actions).Error
	if err != nil {
		return out, fmt.Errorf("models: export actions: %w", err)
	}
	out.NextActions = make([]ExportAction, 0, len(actions))
	for _, a := range actions {
		owner := a.OwnerName
		if owner == "" {
			owner = a.OwnerLabel
		}
		out.NextActions = append(out.NextActions, ExportAction{a.Description, a.DueOn.Format(time.DateOnly), owner, a.DoneAt})
	}
	var meetings []Meeting
	if err := db.Preload("Participants").Where("pupil_id = ?", id).Order("scheduled_at").Find(&meetings).Error; err != nil {
		return out, fmt.Errorf("models: export meetings: %w", err)
	}
	out.Meetings = make([]ExportMeeting, 0, len(meetings))
	for _, m := range meetings {
		em := ExportMeeting{ScheduledAt: m.ScheduledAt, Place: m.Place, Purpose: m.Purpose, Status: m.Status, Recap: m.Recap}
		for _, pt := range m.Participants {
			em.Participants = append(em.Participants, ExportParticipant{pt.Role, pt.Name, pt.Attended})
		}
		out.Meetings = append(out.Meetings, em)
	}
	var refs []struct {
		Referral
		PartnerName string
	}
	err = db.Table("referrals").Select("referrals.*, partner_organisations.name AS partner_name").
		Joins("JOIN partner_organisations ON partner_organisations.id = referrals.partner_organisation_id").
		Where("referrals.pupil_id = ?", id).Order("referrals.created_at").Scan(&refs).Error
	if err != nil {
		return out, fmt.Errorf("models: export referrals: %w", err)
	}
	out.Referrals = make([]ExportReferral, 0, len(refs))
	for _, r := range refs {
		out.Referrals = append(out.Referrals, ExportReferral{r.PartnerName, r.Reason, r.Request, r.Status, r.ConsentGivenBy, r.ConsentGivenOn,
			r.ConsentMethod, r.Outcome, r.DeclineReason, r.Feedback, r.SentAt})
	}
	reviews, err := ReviewsOfPupil(ctx, db, s, id)
	if err != nil {
		return out, err
	}
	out.CaseReviews = make([]ExportCaseReview, 0, len(reviews))
	for _, r := range reviews {
		out.CaseReviews = append(out.CaseReviews, ExportCaseReview{r.HeldOn.Format(time.DateOnly), r.Kind, r.Decision, r.Note, r.Restricted})
	}
	if out.Conflicts, err = exportConflicts(ctx, db, s, id); err != nil {
		return out, err
	}
	var accesses []AccessRow
	if s.SeesAccessHistory() {
		if accesses, _, err = PupilAccessHistory(ctx, db, s, id, 10000); err != nil {
			return out, err
		}
	}
	out.Accesses = make([]ExportAccess, 0, len(accesses))
	for _, a := range accesses {
		out.Accesses = append(out.Accesses, ExportAccess{a.At, a.Who, a.Action})
	}
	return out, nil
}

// exportConflicts gives the pupil's part of the conflicts of the scope in which the file is a
// party, the oldest first.
func exportConflicts(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]ExportConflict, error) {
	parts, err := ConflictPartsOfPupil(ctx, db, s, pupilID)
	if err != nil {
		return nil, err
	}
	out := make([]ExportConflict, 0, len(parts))
	for _, c := range parts {
		out = append(out, ExportConflict{OccurredOn: c.OccurredOn.Format(time.DateOnly), Place: c.Place, Kind: c.Kind, Relation: c.Relation,
			OtherParties: c.OtherParties, ListenedOn: optionalDate(c.ListenedOn), MeetingOn: optionalDate(c.MeetingOn),
			AgreementOn: optionalDate(c.AgreementOn), Outcome: c.Outcome, FollowUpOn: optionalDate(c.FollowUpOn),
			ClosedOn: optionalDate(c.ClosedOn), NotesWithheld: c.NotesWithheld})
	}
	return out, nil
}

// optionalDate writes a date column as 2026-11-25, nil staying nil.
func optionalDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}
