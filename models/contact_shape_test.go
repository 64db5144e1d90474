package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/gendata"
)

// formerAnswersSQL is the latest partner answer on the file pupils.id as the last contact read
// it before migration 0033: through the file's referrals, then each referral's answers.
const formerAnswersSQL = "(SELECT MAX(rt.at) FROM referrals r JOIN referral_transitions rt ON rt.referral_id = r.id " +
	"WHERE r.pupil_id = pupils.id AND rt.to_status IN ('acknowledged', 'accepted', 'declined', 'closed'))"

// formerLastContactSQL is LastContactSQL as it was before migration 0033.
func formerLastContactSQL(dialect string) string {
	latest := func(column, rows string) string {
		if dialect == models.DialectPostgres {
			return models.ParisDateSQL(dialect, "(SELECT MAX("+column+") "+rows+")")
		}
		return "(SELECT MAX(" + models.ParisDateSQL(dialect, column) + ") " + rows + ")"
	}
	followUp := "(SELECT MAX(fu.occurred_on) FROM follow_ups fu WHERE fu.pupil_id = pupils.id)"
	if dialect != models.DialectPostgres {
		followUp = "date(" + followUp + ")"
	}
	parts := []string{followUp,
		latest("m.scheduled_at", "FROM meetings m WHERE m.pupil_id = pupils.id AND m.status = 'held'"),
		latest("rt.at", "FROM referrals r JOIN referral_transitions rt ON rt.referral_id = r.id WHERE r.pupil_id = pupils.id"+
			" AND rt.to_status IN ('acknowledged', 'accepted', 'declined', 'closed')")}
	if dialect == models.DialectPostgres {
		return "GREATEST(" + strings.Join(parts, ", ") + ")"
	}
	return "(SELECT MAX(d) FROM (SELECT " + strings.Join(parts, " AS d UNION ALL SELECT ") + " AS d))"
}

// TestLastContactMatchesItsFormerDefinition: on the generated small metropolis, every file's
// latest partner answer read by the file's steps (referral_transitions.pupil_id, migration 0033)
// is the one read through its referrals, and so is every file's last contact; still so after a
// partner answers a referral, a mediator withdraws another, a referral is deleted with its
// steps, another is moved to another file by hand, and after the purge.
func TestLastContactMatchesItsFormerDefinition(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the small metropolis on each database")
	}
	t.Parallel()
	now := time.Date(2026, time.November, 25, 10, 0, 0, 0, calendar.Paris)
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if _, err := gendata.Generate(ctx, db, gendata.Options{Scale: gendata.ScaleSmall, Seed: 1, Now: now}); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		dialect := db.Dialector.Name()
		compare := func(round string) {
			t.Helper()
			var rows []struct {
				ID                                               uint
				FormerAnswer, Answer, FormerContact, LastContact calendar.DBTime
			}
			must(t, db.Raw("SELECT pupils.id, "+formerAnswersSQL+" AS former_answer, "+
				"(SELECT MAX(rt.at) FROM referral_transitions rt WHERE rt.pupil_id = pupils.id "+
				"AND rt.to_status IN ('acknowledged', 'accepted', 'declined', 'closed')) AS answer, "+
				formerLastContactSQL(dialect)+" AS former_contact, "+models.LastContactSQL(dialect, "pupils.id")+" AS last_contact "+
				"FROM pupils ORDER BY pupils.id").Scan(&rows).Error)
			answered := 0
			for _, r := range rows {
				if r.Answer.Valid != r.FormerAnswer.Valid || !r.Answer.Time.Equal(r.FormerAnswer.Time) {
					t.Errorf("%s: file %d: latest partner answer %v, formerly %v", round, r.ID, r.Answer, r.FormerAnswer)
				}
				if r.LastContact.Valid != r.FormerContact.Valid || !r.LastContact.Time.Equal(r.FormerContact.Time) {
					t.Errorf("%s: file %d: last contact %+v, formerly %+v", round, r.ID, r.LastContact, r.FormerContact)
				}
				if r.Answer.Valid {
					answered++
				}
				if c, err := models.LoadLastContact(ctx, db, r.ID); err != nil {
					t.Fatal(err)
				} else if c.Recorded() != r.FormerContact.Valid || (c.Recorded() && !c.On.Equal(calendar.Date(r.FormerContact.Time))) {
					t.Errorf("%s: file %d: the file's last contact %v, formerly %+v", round, r.ID, c.On, r.FormerContact)
				}
			}
			if answered == 0 || answered == len(rows) {
				t.Fatalf("%s: %d files of %d with a partner's answer: nothing to compare", round, answered, len(rows))
			}
		}
		compare("generated")

		// signedIn is the scope of the first active user of role whose column is value.
		signedIn := func(role models.Role, column string, value uint) (models.Scope, models.Actor) {
			t.Helper()
			var id uint
			must(t, db.Raw("SELECT MIN(users.id) FROM users LEFT JOIN user_establishments ue ON ue.user_id = users.id "+
				"WHERE users.role = ? AND users.active = ? AND "+column+" = ?", role, true, value).Scan(&id).Error)
			u, s, err := models.SignedIn(ctx, db, id)
			must(t, err)
			return s, models.Actor{UserID: &u.ID, Email: u.Email}
		}
		sent := func(n int) []models.Referral {
			t.Helper()
			var rs []models.Referral
			must(t, db.Where("status = ? AND pupil_id IN (SELECT id FROM pupils WHERE anonymised_at IS NULL)", models.ReferralSent).
				Order("id").Limit(n).Find(&rs).Error)
			if len(rs) < n {
				t.Fatalf("%d referrals sent, want %d", len(rs), n)
			}
			return rs
		}
		rs := sent(2)
		at := now
		for _, r := range rs {
			var establishment uint
			must(t, db.Raw("SELECT establishment_id FROM pupils WHERE id = ?", r.PupilID).Scan(&establishment).Error)
			s, actor := signedIn(models.RolePartner, "users.partner_organisation_id", r.PartnerOrganisationID)
			action := models.ActionAcknowledge
			if r.ID == rs[1].ID {
				s, actor = signedIn(models.RoleMediator, "ue.establishment_id", establishment)
				action = models.ActionWithdraw
			}
			at = at.Add(time.Hour)
			if _, err := models.ActOnReferral(ctx, db, s, actor, at, r.ID, r.Version, action, models.StepInput{Comment: "Pris en charge"}); err != nil {
				t.Fatalf("%s referral %d: %v", action, r.ID, err)
			}
		}
		compare("a referral answered, another withdrawn")

		// A referral accepted is deleted with its steps; one closed is moved to a file without any.
		var gone, moved, to uint
		must(t, db.Raw("SELECT MAX(referral_id) FROM referral_transitions WHERE to_status = 'accepted'").Scan(&gone).Error)
		must(t, db.Raw("SELECT MIN(referral_id) FROM referral_transitions WHERE to_status = 'closed'").Scan(&moved).Error)
		must(t, db.Raw("SELECT MAX(id) FROM pupils WHERE id NOT IN (SELECT pupil_id FROM referrals)").Scan(&to).Error)
		for _, s := range []string{
			fmt.Sprintf("DELETE FROM referral_transitions WHERE referral_id = %d", gone),
			fmt.Sprintf("DELETE FROM referrals WHERE id = %d", gone),
			fmt.Sprintf("UPDATE referrals SET pupil_id = %d WHERE id = %d", to, moved),
		} {
			must(t, db.Exec(s).Error)
		}
		var onMoved int64
		must(t, db.Raw("SELECT COUNT(*) FROM referral_transitions WHERE pupil_id = ?", to).Scan(&onMoved).Error)
		if gone == 0 || moved == 0 || onMoved == 0 {
			t.Fatalf("referral %d deleted, referral %d moved to file %d: %d steps follow it", gone, moved, to, onMoved)
		}
		compare("a referral deleted, another moved")

		if _, err := models.Purge(ctx, db, now, false, models.Actor{Email: "purge@test"}); err != nil {
			t.Fatalf("Purge: %v", err)
		}
		compare("purged")
	})
}
