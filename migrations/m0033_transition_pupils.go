package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0033TransitionPupils names the file of every step of a referral (referral_transitions.pupil_id,
// the referral's pupil_id), kept by triggers on both databases: set when a step is written (or
// moved to another referral) from its referral, and followed when a referral changes file (the
// code never moves one; a hand-made correction would). The partners' answers of each file are
// then indexed by time (the statuses of idx_referral_transitions_answers, frozen here), and a
// file's last answer, part of the last contact (models.LastContactSQL) that the pupil list, the
// worklist and the file compute, is one backward read of that index instead of one probe per
// referral of the file (597 of the 1,067 buffers of the busiest metro mediator's first page).
func m0033TransitionPupils() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0033_transition_pupils",
		Migrate: func(tx *gorm.DB) error {
			stmts := []string{`ALTER TABLE referral_transitions ADD COLUMN pupil_id BIGINT`}
			if tx.Dialector.Name() == "postgres" {
				stmts = append(stmts,
					// Every step is written again: 10 s for the 227,000 of the metro data, and the
					// application bounds its statements to 30 s.
					`SET LOCAL statement_timeout = 0`,
					`CREATE FUNCTION referral_transitions_pupil() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN
						SELECT r.pupil_id INTO NEW.pupil_id FROM referrals r WHERE r.id = NEW.referral_id;
						RETURN NEW;
					END $$`,
					`CREATE TRIGGER referral_transitions_pupil BEFORE INSERT OR UPDATE OF referral_id ON referral_transitions
					FOR EACH ROW EXECUTE FUNCTION referral_transitions_pupil()`,
					`CREATE FUNCTION referrals_transitions_pupil() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN
						UPDATE referral_transitions SET pupil_id = NEW.pupil_id WHERE referral_id = NEW.id;
						RETURN NULL;
					END $$`,
					`CREATE TRIGGER referrals_transitions_pupil AFTER UPDATE OF pupil_id ON referrals
					FOR EACH ROW WHEN (OLD.pupil_id IS DISTINCT FROM NEW.pupil_id) EXECUTE FUNCTION referrals_transitions_pupil()`)
			} else {
				// SQLite's BEFORE triggers cannot change the row: the step is given its file once written.
				own := `UPDATE referral_transitions SET pupil_id = (SELECT r.pupil_id FROM referrals r WHERE r.id = NEW.referral_id) WHERE id = NEW.id;`
				stmts = append(stmts,
					`CREATE TRIGGER referral_transitions_pupil AFTER INSERT ON referral_transitions BEGIN `+own+` END`,
					`CREATE TRIGGER referral_transitions_pupil_moved AFTER UPDATE OF referral_id ON referral_transitions BEGIN `+own+` END`,
					`CREATE TRIGGER referrals_transitions_pupil AFTER UPDATE OF pupil_id ON referrals WHEN OLD.pupil_id IS NOT NEW.pupil_id
					BEGIN UPDATE referral_transitions SET pupil_id = NEW.pupil_id WHERE referral_id = NEW.id; END`)
			}
			stmts = append(stmts,
				`UPDATE referral_transitions SET pupil_id = referrals.pupil_id FROM referrals WHERE referrals.id = referral_transitions.referral_id`,
				`CREATE INDEX idx_referral_transitions_pupil_answers ON referral_transitions (pupil_id, at) `+
					`WHERE to_status IN ('acknowledged', 'accepted', 'declined', 'closed')`)
			if tx.Dialector.Name() == "postgres" {
				// Autovacuum would learn of the new column late; the lists' plans need it now.
				stmts = append(stmts, `ANALYZE referral_transitions`)
			}
			return execEach(tx, stmts...)
		},
		Rollback: func(tx *gorm.DB) error {
			stmts := []string{`DROP INDEX idx_referral_transitions_pupil_answers`}
			if tx.Dialector.Name() == "postgres" {
				stmts = append(stmts,
					`DROP TRIGGER referrals_transitions_pupil ON referrals`, `DROP FUNCTION referrals_transitions_pupil()`,
					`DROP TRIGGER referral_transitions_pupil ON referral_transitions`, `DROP FUNCTION referral_transitions_pupil()`)
			} else {
				stmts = append(stmts, `DROP TRIGGER referrals_transitions_pupil`,
					`DROP TRIGGER referral_transitions_pupil_moved`, `DROP TRIGGER referral_transitions_pupil`)
			}
			return execEach(tx, append(stmts, `ALTER TABLE referral_transitions DROP COLUMN pupil_id`)...)
		},
	}
}
