package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// errRollback ends a dry run's transaction without an error for the caller.
var errRollback = errors.New("dry run")

// RetentionKey is the setting that holds how many school years a closed file is kept after
// the school year of its closure.
const RetentionKey = "retention.school_years"

// DefaultRetentionYears: a closed file is kept until the end of the school year that follows
// its closure (DESIGN.md).
const DefaultRetentionYears = 1

// LoadRetentionYears reads the retention setting, or its default.
func LoadRetentionYears(ctx context.Context, db *gorm.DB) (int, error) {
	return loadIntSetting(ctx, db, RetentionKey, DefaultRetentionYears, 0, 10)
}

// loadIntSetting reads a whole-number setting, or its default when it was never set; a value
// outside [min, max] is an error, never silently replaced.
func loadIntSetting(ctx context.Context, db *gorm.DB, key string, def, min, max int) (int, error) {
	var s Setting
	err := db.WithContext(ctx).Where("key = ?", key).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return def, nil
	}
	if err != nil {
		return 0, fmt.Errorf("models: read %s: %w", key, err)
	}
	n, err := strconv.Atoi(s.Value)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("models: setting %s = %q: a number from %d to %d is expected", key, s.Value, min, max)
	}
	return n, nil
}

// PurgeCutoff is the instant before which a closure makes a file due for anonymisation: the
// start of the school year `years` before now's (a file closed in 2025-2026, kept one year,
// is anonymised from 1 September 2027).
func PurgeCutoff(now time.Time, years int) time.Time {
	return calendar.SchoolYear{StartYear: calendar.SchoolYearOf(now).StartYear - years}.Start()
}

// PurgeResult counts what a purge anonymised or deleted.
type PurgeResult struct {
	Cutoff    time.Time
	Pupils    int
	Guardians int64
	FollowUps int64
	Actions   int64
	Meetings  int64
	Referrals int64
	// Conflicts counts the conflicts whose notes or parties' descriptions were cleared;
	// ReviewRemarks the prevention group's remarks cleared.
	Conflicts     int64
	ReviewRemarks int64
	// Drafts counts the forms kept after an expired session and never taken back, past
	// DraftLifetime.
	Drafts int64
	DryRun bool
}

// Purge anonymises the closed files whose retention period has passed: names and identifiers
// go, the birth date keeps only its year, guardians, follow-up notes, meeting and referral
// texts and the prevention group's remarks are deleted; the rows and their dates, statuses and
// figures stay, so that the reports of past years count the same. The school-life records
// follow the same period, counted from the record (see purgeSchoolLife). The drafts older than
// DraftLifetime are deleted too (they hold typed text about pupils). One transaction; a dry run
// counts and changes nothing.
func Purge(ctx context.Context, db *gorm.DB, now time.Time, dryRun bool, actor Actor) (PurgeResult, error) {
	years, err := LoadRetentionYears(ctx, db)
	if err != nil {
		return PurgeResult{}, err
	}
	res := PurgeResult{Cutoff: PurgeCutoff(now, years), DryRun: dryRun}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []uint
		err := tx.Model(&Pupil{}).Where("status = ? AND anonymised_at IS NULL AND closed_at < ?", StatusClosed, res.Cutoff.UTC()).
			Order("id").Pluck("id", &ids).Error
		if err != nil {
			return err
		}
		res.Pupils = len(ids)
		for start := 0; start < len(ids); start += 500 {
			if err := purgeBatch(tx, ids[start:min(start+500, len(ids))], now, &res); err != nil {
				return err
			}
		}
		if err := purgeSchoolLife(tx, now, &res); err != nil {
			return err
		}
		if res.Drafts, err = deleteOldDrafts(tx, now); err != nil {
			return err
		}
		if dryRun {
			return errRollback
		}
		if res.Pupils == 0 && res.Conflicts == 0 && res.ReviewRemarks == 0 {
			return nil
		}
		return RecordAudit(ctx, tx, now, actor, AuditPurged, "pupils", "", fmt.Sprintf(
			"%d files closed before %s anonymised; deleted: %d guardians; cleared: %d follow-up notes, %d actions, %d meetings, %d referrals, "+
				"%d conflicts, %d prevention-group remarks",
			res.Pupils, res.Cutoff.Format(time.DateOnly), res.Guardians, res.FollowUps, res.Actions, res.Meetings, res.Referrals,
			res.Conflicts, res.ReviewRemarks))
	})
	if err != nil && !errors.Is(err, errRollback) {
		return res, fmt.Errorf("models: purge: %w", err)
	}
	if !dryRun && res.Pupils > 0 && db.Dialector.Name() == "postgres" {
		// The planner learns at once how many files are anonymised: with the statistics of
		// before, the partner inbox's anti-join on them read the whole list for every referral
		// (2 s at metro scale after the first purge) until autovacuum came by.
		if err := db.WithContext(ctx).Exec("ANALYZE pupils").Error; err != nil {
			return res, fmt.Errorf("models: analyse after the purge: %w", err)
		}
	}
	return res, nil
}

func purgeBatch(tx *gorm.DB, ids []uint, now time.Time, res *PurgeResult) error {
	steps := []struct {
		count *int64
		run   func() *gorm.DB
	}{
		{&res.Guardians, func() *gorm.DB { return tx.Where("pupil_id IN ?", ids).Delete(&Guardian{}) }},
		// The letters printed say which language the family reads: they go with the guardians.
		{nil, func() *gorm.DB { return tx.Where("pupil_id IN ?", ids).Delete(&FamilyLetter{}) }},
		{&res.FollowUps, func() *gorm.DB {
			return tx.Model(&FollowUp{}).Where("pupil_id IN ? AND note <> ''", ids).Updates(map[string]any{"note": "", "updated_at": now.UTC()})
		}},
		{&res.Actions, func() *gorm.DB {
			return tx.Model(&NextAction{}).Where("pupil_id IN ? AND (description <> '' OR owner_label <> '')", ids).
				Updates(map[string]any{"description": "", "owner_label": "", "updated_at": now.UTC()})
		}},
		{&res.Meetings, func() *gorm.DB {
			return tx.Model(&Meeting{}).Where("pupil_id IN ?", ids).Updates(map[string]any{"place": "", "purpose": "", "recap": "", "updated_at": now.UTC()})
		}},
		{nil, func() *gorm.DB {
			return tx.Model(&MeetingParticipant{}).Where("meeting_id IN (?)", tx.Model(&Meeting{}).Select("id").Where("pupil_id IN ?", ids)).
				Update("name", "")
		}},
		{&res.Referrals, func() *gorm.DB {
			// Who consented is a name: it goes, but a referral that left the draft keeps a mark
			// that consent was given (the database refuses a sent referral without one).
			return tx.Model(&Referral{}).Where("pupil_id IN ?", ids).Updates(map[string]any{"request": "", "feedback": "",
				"decline_reason": "", "updated_at": now.UTC(),
				"consent_given_by": gorm.Expr("CASE WHEN consent_given_by = '' THEN '' ELSE ? END", AnonymisedConsent)})
		}},
		{nil, func() *gorm.DB {
			return tx.Model(&ReferralTransition{}).Where("referral_id IN (?)", tx.Model(&Referral{}).Select("id").Where("pupil_id IN ?", ids)).
				Update("comment", "")
		}},
		{nil, func() *gorm.DB {
			return tx.Model(&PupilStatusChange{}).Where("pupil_id IN ?", ids).Update("comment", "")
		}},
		{&res.ReviewRemarks, func() *gorm.DB {
			// The prevention group's remarks about the pupil go; the decision stays, for the counts.
			return tx.Model(&CaseReviewPupil{}).Where("pupil_id IN ? AND note <> ''", ids).Updates(map[string]any{"note": "", "updated_at": now.UTC()})
		}},
	}
	for _, st := range steps {
		r := st.run()
		if r.Error != nil {
			return r.Error
		}
		if st.count != nil {
			*st.count += r.RowsAffected
		}
	}
	// The birth date keeps its year (1 July), so that ages still count; the rest of the
	// identity goes.
	var pupils []Pupil
	if err := tx.Select("id, birth_date").Where("id IN ?", ids).Find(&pupils).Error; err != nil {
		return err
	}
	for _, p := range pupils {
		err := tx.Model(&Pupil{}).Where("id = ?", p.ID).Updates(map[string]any{
			"last_name": "Anonymisé", "first_name": fmt.Sprintf("n° %d", p.ID), "ine": nil, "class_name": "", "search_name": "",
			"birth_date": time.Date(p.BirthDate.Year(), time.July, 1, 0, 0, 0, 0, time.UTC), "referent_mediator_id": nil,
			"anonymised_at": now.UTC(), "version": gorm.Expr("version + 1"), "updated_at": now.UTC(),
		}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// purgeSchoolLife clears the free texts of the school-life records once their retention period
// is over, counted from the record as a file's is counted from its closure:
//   - a conflict closed before the cutoff, or one in which a file anonymised (now or before) is
//     a party, loses its notes and its parties' descriptions: the notes concern several minors
//     and must not outlive the file of one of them. Its date, place, kind, relation, steps,
//     outcome and parties' roles stay, and a party keeps its link to the anonymised file (which
//     no page names), so that the figures of past years count the same. An open conflict keeps
//     its texts: it is on its author's worklist until closed.
//   - the remarks of a prevention-group session held before the cutoff are deleted; the
//     decisions, the pupils reviewed and the participants' headcounts stay.
//
// It runs after the files' batches, in their transaction, so that a dry run counts the
// conflicts of the files it would anonymise.
func purgeSchoolLife(tx *gorm.DB, now time.Time, res *PurgeResult) error {
	cutoff := calendar.Date(res.Cutoff.In(calendar.Paris))
	due := tx.Session(&gorm.Session{NewDB: true}).Table("conflicts").Select("id").Where("closed_on < ?", cutoff).
		Or("id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Table("conflict_parties").Select("conflict_parties.conflict_id").
			Joins("JOIN pupils ON pupils.id = conflict_parties.pupil_id").Where("pupils.anonymised_at IS NOT NULL"))
	withText := tx.Session(&gorm.Session{NewDB: true}).Table("conflict_parties").Select("conflict_id").Where("description <> ''")
	r := tx.Model(&Conflict{}).Where("id IN (?) AND (notes <> '' OR id IN (?))", due, withText).
		Updates(map[string]any{"notes": "", "version": gorm.Expr("version + 1"), "updated_at": now.UTC()})
	if r.Error != nil {
		return fmt.Errorf("conflicts' notes: %w", r.Error)
	}
	res.Conflicts = r.RowsAffected
	if err := tx.Model(&ConflictParty{}).Where("conflict_id IN (?) AND description <> ''", due).Update("description", "").Error; err != nil {
		return fmt.Errorf("conflicts' parties: %w", err)
	}
	r = tx.Model(&CaseReviewPupil{}).Where("note <> '' AND case_review_id IN (?)",
		tx.Session(&gorm.Session{NewDB: true}).Table("case_reviews").Select("id").Where("held_on < ?", cutoff)).
		Updates(map[string]any{"note": "", "updated_at": now.UTC()})
	if r.Error != nil {
		return fmt.Errorf("prevention-group remarks: %w", r.Error)
	}
	res.ReviewRemarks += r.RowsAffected
	return nil
}

// AnonymisedConsent replaces the name of who consented to a referral of an anonymised file.
const AnonymisedConsent = "Anonymisé"

// purgeLockKey lets one instance only run the daily purge on a shared PostgreSQL.
const purgeLockKey = 741_852_002

// PurgeOnce runs Purge unless another instance holds the purge lock (PostgreSQL advisory lock);
// ran is false when it did not run.
func PurgeOnce(ctx context.Context, db *gorm.DB, now time.Time, actor Actor) (res PurgeResult, ran bool, err error) {
	if db.Dialector.Name() != DialectPostgres {
		res, err = Purge(ctx, db, now, false, actor)
		return res, true, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return res, false, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return res, false, fmt.Errorf("models: purge lock: %w", err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", purgeLockKey).Scan(&got); err != nil {
		return res, false, fmt.Errorf("models: purge lock: %w", err)
	}
	if !got {
		return res, false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", purgeLockKey)
	res, err = Purge(ctx, db, now, false, actor)
	return res, true, err
}
