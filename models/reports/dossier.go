package reports

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// PupilDossier is what the printed dossier of a pupil holds, for a meeting or for the family
// under the right of access: the file, and its indicators, follow-ups, meetings and referrals of
// a school year. Restricted follow-ups are left out, in SQL, for a scope that may not read them.
type PupilDossier struct {
	models.PupilFile
	Year      calendar.SchoolYear
	Meetings  []models.MeetingRow
	Referrals []models.ReferralRow
	// Conflicts are the pupil's part of the conflict mediations of the year it is a party to:
	// the other parties by role only, and never the notes, which concern several minors.
	Conflicts []models.PupilConflictPart
	// Reviews are the prevention group's decisions about the pupil at the sessions of the year,
	// the oldest first. Their remarks are printed only when not restricted: a restricted remark
	// is blank here, whoever reads, as in the minutes.
	Reviews    []DossierReview
	Restricted bool // the dossier includes restricted follow-ups
}

// DossierReview is a decision of the prevention group about the pupil, with the state of the
// next action it made on the day the dossier is printed.
type DossierReview struct {
	models.PupilReviewRow
	Overdue bool // the next action is not done and its due date has passed
}

// LoadPupilDossier loads the dossier of a file within the scope, or models.ErrNotFound.
func LoadPupilDossier(ctx context.Context, db *gorm.DB, s models.Scope, id uint, y calendar.SchoolYear, now time.Time) (PupilDossier, error) {
	d := PupilDossier{Year: y, Restricted: s.SeesRestrictedNotes()}
	f, err := models.LoadPupilFile(ctx, db, s, id)
	if err != nil {
		return d, err
	}
	if f.Pupil.AnonymisedAt != nil {
		return d, models.ErrNotFound
	}
	d.PupilFile = f
	db = db.WithContext(ctx)
	dayStart, dayEnd := calendar.Date(y.Start()), calendar.Date(y.End())
	err = models.VisibleFollowUps(db.Table("follow_ups"), s).Where("follow_ups.pupil_id = ?", id).
		Where("follow_ups.occurred_on >= ? AND follow_ups.occurred_on < ?", dayStart, dayEnd).
		Select("follow_ups.*, users.display_name AS author_name").
		Joins("JOIN users ON users.id = follow_ups.author_id").
		Order("follow_ups.occurred_on, follow_ups.id").Scan(&d.FollowUps).Error
	if err != nil {
		return d, fmt.Errorf("reports: follow-ups of pupil %d in %s: %w", id, y, err)
	}
	d.FollowUpTotal = int64(len(d.FollowUps))
	first, last := y.Months()[0], y.Months()[11]
	kept := d.Indicators[:0]
	for _, in := range d.Indicators {
		if in.Month >= first && in.Month <= last {
			kept = append(kept, in)
		}
	}
	d.Indicators = kept
	meetings, err := models.MeetingsOfPupil(ctx, db, s, id)
	if err != nil {
		return d, err
	}
	for _, m := range meetings {
		if y.Contains(m.ScheduledAt) {
			d.Meetings = append(d.Meetings, m)
		}
	}
	referrals, err := models.ReferralsOfPupil(ctx, db, s, now, id)
	if err != nil {
		return d, err
	}
	for _, r := range referrals {
		if y.Contains(r.CreatedAt) || r.SentAt != nil && y.Contains(*r.SentAt) {
			d.Referrals = append(d.Referrals, r)
		}
	}
	conflicts, err := models.ConflictPartsOfPupil(ctx, db, s, id)
	if err != nil {
		return d, err
	}
	for _, c := range conflicts {
		if !c.OccurredOn.Before(dayStart) && c.OccurredOn.Before(dayEnd) {
			d.Conflicts = append(d.Conflicts, c)
		}
	}
	reviews, err := models.ReviewsOfPupil(ctx, db, s, id)
	if err != nil {
		return d, err
	}
	today := calendar.Today(now)
	for i := len(reviews) - 1; i >= 0; i-- {
		r := reviews[i]
		if r.HeldOn.Before(dayStart) || !r.HeldOn.Before(dayEnd) {
			continue
		}
		if r.Restricted {
			r.Note = ""
		}
		late := r.ActionID != nil && !r.DoneAt.Valid && r.DueOn.Valid && r.DueOn.Time.Before(today)
		d.Reviews = append(d.Reviews, DossierReview{PupilReviewRow: r, Overdue: late})
	}
	return d, nil
}
