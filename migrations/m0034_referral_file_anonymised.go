package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0034ReferralFileAnonymised carries on each referral whether its file is anonymised
// (file_anonymised), and indexes a partner's inbox on it: the referrals sent to an
// organisation on live files, in the order of the sending time. The inbox's page read
// offset+50 referrals of the organisation from idx_referrals_partner_sent and looked each
// one's file up among the anonymised ones (3,500 probes for page 70 of the busiest metro
// organisation, or a hash of the 6,455 anonymised files); the partial index holds the live
// ones alone, already in order.
//
// Triggers keep the flag whatever writes, as those of migration 0027 keep referral_sources: a
// file anonymised (the purge) or given back its identity sets or clears the flag of its
// referrals; a referral inserted, or moved to another file, takes its file's. On PostgreSQL the
// referral's trigger takes a share lock on its file first, so that a referral written while its
// file is anonymised waits for the anonymisation to commit (or the anonymisation for it) and
// takes the flag the file ends with. A hand-written flag is put right the same way.
func m0034ReferralFileAnonymised() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0034_referral_file_anonymised",
		Migrate: func(tx *gorm.DB) error {
			stmts := []string{
				`ALTER TABLE referrals ADD COLUMN file_anonymised boolean NOT NULL DEFAULT false`,
				`UPDATE referrals SET file_anonymised = true WHERE pupil_id IN (SELECT id FROM pupils WHERE anonymised_at IS NOT NULL)`,
				`CREATE INDEX idx_referrals_partner_live ON referrals (partner_organisation_id, sent_at, id, status, pupil_id)
					WHERE sent_at IS NOT NULL AND NOT file_anonymised`,
			}
			if tx.Dialector.Name() == "postgres" {
				return execEach(tx, append(stmts, m0034PostgresTriggers()...)...)
			}
			return execEach(tx, append(stmts, m0034SQLiteTriggers()...)...)
		},
		Rollback: func(tx *gorm.DB) error {
			stmts := []string{`DROP TRIGGER referral_file_anonymised_pupil`, `DROP TRIGGER referral_file_anonymised_insert`,
				`DROP TRIGGER referral_file_anonymised_update`}
			if tx.Dialector.Name() == "postgres" {
				stmts = []string{`DROP TRIGGER referral_file_anonymised_pupil ON pupils`, `DROP TRIGGER referral_file_anonymised ON referrals`,
					`DROP FUNCTION referral_file_anonymised_of_pupil()`, `DROP FUNCTION referral_file_anonymised_of_referral()`}
			}
			stmts = append(stmts, `DROP INDEX idx_referrals_partner_live`, `ALTER TABLE referrals DROP COLUMN file_anonymised`)
			return execEach(tx, stmts...)
		},
	}
}

// m0034FileAnonymised is whether the file of the referral row NEW is anonymised.
const m0034FileAnonymised = `EXISTS (SELECT 1 FROM pupils WHERE pupils.id = NEW.pupil_id AND pupils.anonymised_at IS NOT NULL)`

// m0034PupilChanged is the update of a file that changes its referrals' flag.
const m0034PupilChanged = `(OLD.anonymised_at IS NULL) <> (NEW.anonymised_at IS NULL)`

// m0034OfPupil sets the flag of the referrals of the file NEW.
const m0034OfPupil = `UPDATE referrals SET file_anonymised = (NEW.anonymised_at IS NOT NULL) WHERE pupil_id = NEW.id`

// m0034PostgresTriggers: the referral's is a BEFORE trigger, which sets the row's flag as it is
// written.
func m0034PostgresTriggers() []string {
	return []string{
		`CREATE FUNCTION referral_file_anonymised_of_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM pupils WHERE id = NEW.pupil_id FOR SHARE;
	NEW.file_anonymised := ` + m0034FileAnonymised + `;
	RETURN NEW;
END $$`,
		`CREATE FUNCTION referral_file_anonymised_of_pupil() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	` + m0034OfPupil + `;
	RETURN NULL;
END $$`,
		`CREATE TRIGGER referral_file_anonymised BEFORE INSERT OR UPDATE OF pupil_id, file_anonymised ON referrals FOR EACH ROW
			EXECUTE FUNCTION referral_file_anonymised_of_referral()`,
		`CREATE TRIGGER referral_file_anonymised_pupil AFTER UPDATE OF anonymised_at ON pupils FOR EACH ROW
			WHEN (` + m0034PupilChanged + `) EXECUTE FUNCTION referral_file_anonymised_of_pupil()`,
	}
}

// m0034SQLiteTriggers are the same rules as AFTER triggers, which put a wrong flag right
// (SQLite has one writer at a time, so no lock). The update they make does not fire them again
// (recursive triggers are off), and would find the flag right if it did.
func m0034SQLiteTriggers() []string {
	fix := ` BEGIN UPDATE referrals SET file_anonymised = ` + m0034FileAnonymised + ` WHERE id = NEW.id; END`
	wrong := ` WHEN NEW.file_anonymised <> ` + m0034FileAnonymised
	return []string{
		`CREATE TRIGGER referral_file_anonymised_insert AFTER INSERT ON referrals` + wrong + fix,
		`CREATE TRIGGER referral_file_anonymised_update AFTER UPDATE OF pupil_id, file_anonymised ON referrals` + wrong + fix,
		`CREATE TRIGGER referral_file_anonymised_pupil AFTER UPDATE OF anonymised_at ON pupils WHEN ` + m0034PupilChanged +
			` BEGIN ` + m0034OfPupil + `; END`,
	}
}
