package models_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
)

// formerMeetingRows is the meeting lists' query as it was before issue 18's sixth round: the
// scope's files joined, the status bound.
func formerMeetingRows(db *gorm.DB, s models.Scope) *gorm.DB {
	return s.Pupils(db.Table("meetings")).
		Select("meetings.*, pupils.first_name AS pupil_first_name, pupils.last_name AS pupil_last_name, " +
			"pupils.class_name AS pupil_class_name, pupils.establishment_id, establishments.name AS establishment_name, " +
			"users.display_name AS organiser_name, " +
			"(SELECT COUNT(*) FROM meeting_participants mp WHERE mp.meeting_id = meetings.id) AS participant_count").
		Joins("JOIN pupils ON pupils.id = meetings.pupil_id").
		Joins("JOIN establishments ON establishments.id = pupils.establishment_id").
		Joins("JOIN users ON users.id = meetings.organiser_id").
		Where("pupils.anonymised_at IS NULL")
}

// formerConcerning is meetingsConcerning as it was, for the former queries.
func formerConcerning(q *gorm.DB, userID uint) *gorm.DB {
	return q.Where("(meetings.organiser_id = ? OR pupils.referent_mediator_id = ? OR EXISTS "+
		"(SELECT 1 FROM meeting_participants mu WHERE mu.meeting_id = meetings.id AND mu.user_id = ?))", userID, userID, userID)
}

// formerMeetingsForWorklist is MeetingsForWorklist as it was before the sixth round.
func formerMeetingsForWorklist(db *gorm.DB, s models.Scope, userID uint, now time.Time) (upcoming, withoutRecap []models.MeetingRow, err error) {
	if !s.SeesPupilFiles() {
		return nil, nil, nil
	}
	today := now.In(calendar.Paris)
	horizon := time.Date(today.Year(), today.Month(), today.Day()+models.MeetingWeekHorizonDays+1, 0, 0, 0, 0, calendar.Paris)
	err = formerConcerning(formerMeetingRows(db, s), userID).
		Where("meetings.status = ? AND meetings.scheduled_at < ?", models.MeetingPlanned, horizon.UTC()).
		Order("meetings.scheduled_at, meetings.id").Scan(&upcoming).Error
	if err != nil {
		return nil, nil, err
	}
	err = formerConcerning(s.ProbeFiles(formerMeetingRows(db, s), "meetings.pupil_id"), userID).
		Where("(meetings.status = ? AND meetings.recap = '')", models.MeetingHeld).
		Order("meetings.scheduled_at, meetings.id").Scan(&withoutRecap).Error
	return upcoming, withoutRecap, err
}

// formerMeetingsToComplete is MeetingsToComplete as it was before the sixth round.
func formerMeetingsToComplete(db *gorm.DB, s models.Scope, now time.Time, f models.MeetingFilter) ([]models.MeetingRow, error) {
	q := s.ProbeFiles(formerMeetingRows(db, s), "meetings.pupil_id")
	if f.EstablishmentID != 0 {
		q = q.Where("pupils.establishment_id = ?", f.EstablishmentID)
	}
	if f.UserID != 0 {
		q = formerConcerning(q, f.UserID)
	}
	var rows []models.MeetingRow
	err := q.Where("((meetings.status = ? AND meetings.scheduled_at <= ?) OR (meetings.status = ? AND meetings.recap = ''))",
		models.MeetingPlanned, now.UTC(), models.MeetingHeld).
		Order("meetings.scheduled_at, meetings.id").Scan(&rows).Error
	return rows, err
}

// formerReferralEstablishments is ReferralEstablishments for an establishment role as it was
// before the sixth round: the establishments of every referral of the scope's live files.
func formerReferralEstablishments(db *gorm.DB, s models.Scope) ([]models.Establishment, error) {
	var es []models.Establishment
	err := db.Where("establishments.id IN (?)",
		s.ReferralsJoined(db.Session(&gorm.Session{NewDB: true}).Table("referrals")).
			Joins("JOIN pupils ON pupils.id = referrals.pupil_id").Select("pupils.establishment_id")).
		Order("name").Find(&es).Error
	return es, err
}

// The worklist's meetings, the meetings to complete and the establishments of the referral
// list, read through the partial indexes of migration 0032 and one probe per establishment,
// are those of the former queries, in the same order, for every mediator and head teacher of
// the generated small metropolis, on several days (the coming week holds planned meetings on
// the first, attendances to record on the last) and on a purged copy.
func TestCaseworkListsMatchTheirFormerShape(t *testing.T) {
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	roles := []models.Role{models.RoleMediator, models.RoleHeadTeacher}
	compareOnGeneratedData(t, now, roles, func(t *testing.T, db *gorm.DB, round string, id uint, s models.Scope) map[string]int {
		ctx := context.Background()
		var upcoming, withoutRecap, toComplete int
		for _, day := range []time.Time{now.AddDate(0, 0, -14), now, now.AddDate(0, 0, 14)} {
			what := fmt.Sprintf("%s: user %d on %s", round, id, day.Format(time.DateOnly))
			wantU, wantW, err := formerMeetingsForWorklist(db, s, id, day)
			must(t, err)
			gotU, gotW, err := models.MeetingsForWorklist(ctx, db, s, id, day)
			must(t, err)
			if !reflect.DeepEqual(gotU, wantU) {
				t.Errorf("%s: coming meetings\n got %v\nwant %v", what, meetingIDs(gotU), meetingIDs(wantU))
			}
			if !reflect.DeepEqual(gotW, wantW) {
				t.Errorf("%s: meetings without recap\n got %v\nwant %v", what, meetingIDs(gotW), meetingIDs(wantW))
			}
			upcoming += len(wantU)
			withoutRecap += len(wantW)
			filters := []models.MeetingFilter{{}, {UserID: id}}
			if len(s.EstablishmentIDs) > 0 {
				filters = append(filters, models.MeetingFilter{EstablishmentID: s.EstablishmentIDs[0], UserID: id})
			}
			for _, f := range filters {
				want, err := formerMeetingsToComplete(db, s, day, f)
				must(t, err)
				got, err := models.MeetingsToComplete(ctx, db, s, day, f)
				must(t, err)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: meetings to complete (%+v)\n got %v\nwant %v", what, f, meetingIDs(got), meetingIDs(want))
				}
				toComplete += len(want)
			}
		}
		want, err := formerReferralEstablishments(db, s)
		must(t, err)
		got, err := models.ReferralEstablishments(ctx, db, s)
		must(t, err)
		if !reflect.DeepEqual(establishmentIDs(got), establishmentIDs(want)) {
			t.Errorf("%s: user %d: establishments of the referrals\n got %v\nwant %v", round, id, establishmentIDs(got), establishmentIDs(want))
		}
		return map[string]int{"coming meetings": upcoming, "meetings without recap": withoutRecap,
			"meetings to complete": toComplete, "referral establishments": len(want)}
	})
}

func meetingIDs(rows []models.MeetingRow) []uint {
	out := make([]uint, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func establishmentIDs(es []models.Establishment) []uint {
	out := make([]uint, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
