package migrations

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0027ReferralSources adds referral_sources: for each partner organisation and establishment,
// how many referrals were sent to the organisation on the establishment's live files (sent:
// sent_at set, the rule of models.ReachedPartner; live: not anonymised by the purge). The
// partner inbox's establishment filter (models.ReferralEstablishments) lists the rows above
// zero: it read one referral per establishment through every file of the metropolis's 200
// establishments (4,194 buffers on every inbox read at metro scale), it now reads the
// organisation's few rows.
//
// Triggers keep the counts exact whatever writes: a referral sent, inserted sent, deleted, or
// moved to another file or organisation; a file moved to another establishment or anonymised.
// Each trigger applies its changes in one upsert, the pairs in key order, so that two writers
// lock the counters in the same order. On PostgreSQL a referral's trigger takes a share lock on
// its file first: a file moving at the same time waits for the send to commit (or the send for
// the move), and counts it where the file is.
//
// Rows that fall to zero stay (at most organisations × establishments): the filter reads those
// above zero.
func m0027ReferralSources() *gormigrate.Migration {
	type referralSource struct {
		PartnerOrganisationID uint `gorm:"primaryKey;autoIncrement:false"`
		EstablishmentID       uint `gorm:"primaryKey;autoIncrement:false"`
		Referrals             int  `gorm:"not null;default:0"`
	}
	return &gormigrate.Migration{
		ID: "0027_referral_sources",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&referralSource{}); err != nil {
				return err
			}
			stmts := []string{`INSERT INTO referral_sources (partner_organisation_id, establishment_id, referrals)
				SELECT r.partner_organisation_id, p.establishment_id, COUNT(*) FROM referrals r JOIN pupils p ON p.id = r.pupil_id
				WHERE r.sent_at IS NOT NULL AND p.anonymised_at IS NULL
				GROUP BY r.partner_organisation_id, p.establishment_id`}
			if tx.Dialector.Name() == "postgres" {
				return execEach(tx, append(stmts, m0027PostgresTriggers()...)...)
			}
			return execEach(tx, append(stmts, m0027SQLiteTriggers()...)...)
		},
		Rollback: func(tx *gorm.DB) error {
			var stmts []string
			if tx.Dialector.Name() == "postgres" {
				stmts = []string{
					`DROP TRIGGER referral_sources_insert ON referrals`,
					`DROP TRIGGER referral_sources_update ON referrals`,
					`DROP TRIGGER referral_sources_delete ON referrals`,
					`DROP TRIGGER referral_sources_pupil ON pupils`,
					`DROP FUNCTION referral_sources_of_referral()`,
					`DROP FUNCTION referral_sources_of_pupil()`,
				}
			} else {
				for _, name := range []string{"insert", "update", "delete", "pupil"} {
					stmts = append(stmts, "DROP TRIGGER referral_sources_"+name)
				}
			}
			if err := execEach(tx, stmts...); err != nil {
				return err
			}
			return tx.Migrator().DropTable(&referralSource{})
		},
	}
}

// m0027Upsert adds the signed counts that contributions (a UNION ALL of rows org, est, n)
// select, one row per pair in key order, to referral_sources. The WHERE true keeps SQLite from
// reading ON CONFLICT as a join's condition.
func m0027Upsert(contributions ...string) string {
	return `INSERT INTO referral_sources (partner_organisation_id, establishment_id, referrals)
	SELECT c.org, c.est, SUM(c.n) FROM (` + strings.Join(contributions, " UNION ALL ") + `) c WHERE true
	GROUP BY c.org, c.est HAVING SUM(c.n) <> 0 ORDER BY c.org, c.est
	ON CONFLICT (partner_organisation_id, establishment_id) DO UPDATE SET referrals = referral_sources.referrals + excluded.referrals`
}

// m0027OfReferral is what a referral row (OLD or NEW) counts, with sign n: one for its
// organisation and its file's establishment when it was sent and the file is live.
func m0027OfReferral(row string, n int) string {
	return fmt.Sprintf(`SELECT %[1]s.partner_organisation_id AS org, p.establishment_id AS est, %[2]d AS n FROM pupils p
		WHERE p.id = %[1]s.pupil_id AND %[1]s.sent_at IS NOT NULL AND p.anonymised_at IS NULL`, row, n)
}

// m0027OfPupil is what a file row (OLD or NEW) counts, with sign n: its sent referrals, by
// organisation, for its establishment when it is live.
func m0027OfPupil(row string, n int) string {
	return fmt.Sprintf(`SELECT r.partner_organisation_id AS org, %[1]s.establishment_id AS est, %[2]d AS n FROM referrals r
		WHERE r.pupil_id = %[1]s.id AND r.sent_at IS NOT NULL AND %[1]s.anonymised_at IS NULL`, row, n)
}

// m0027ReferralChanged and m0027PupilChanged are the updates that change what a row counts.
const (
	m0027ReferralChanged = `(OLD.sent_at IS NULL) <> (NEW.sent_at IS NULL) OR OLD.partner_organisation_id <> NEW.partner_organisation_id ` +
		`OR OLD.pupil_id <> NEW.pupil_id`
	m0027PupilChanged = `OLD.establishment_id <> NEW.establishment_id OR (OLD.anonymised_at IS NULL) <> (NEW.anonymised_at IS NULL)`
)

// m0027PostgresTriggers are row triggers, fired only by the changes that count (WHEN).
func m0027PostgresTriggers() []string {
	return []string{
		`CREATE FUNCTION referral_sources_of_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM 1 FROM pupils WHERE id = NEW.pupil_id FOR SHARE;
		` + m0027Upsert(m0027OfReferral("NEW", 1)) + `;
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM 1 FROM pupils WHERE id = OLD.pupil_id FOR SHARE;
		` + m0027Upsert(m0027OfReferral("OLD", -1)) + `;
	ELSE
		PERFORM 1 FROM pupils WHERE id IN (OLD.pupil_id, NEW.pupil_id) ORDER BY id FOR SHARE;
		` + m0027Upsert(m0027OfReferral("OLD", -1), m0027OfReferral("NEW", 1)) + `;
	END IF;
	RETURN NULL;
END $$`,
		`CREATE FUNCTION referral_sources_of_pupil() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	` + m0027Upsert(m0027OfPupil("OLD", -1), m0027OfPupil("NEW", 1)) + `;
	RETURN NULL;
END $$`,
		`CREATE TRIGGER referral_sources_insert AFTER INSERT ON referrals FOR EACH ROW WHEN (NEW.sent_at IS NOT NULL)
			EXECUTE FUNCTION referral_sources_of_referral()`,
		`CREATE TRIGGER referral_sources_update AFTER UPDATE OF sent_at, partner_organisation_id, pupil_id ON referrals FOR EACH ROW
			WHEN (` + m0027ReferralChanged + `) EXECUTE FUNCTION referral_sources_of_referral()`,
		`CREATE TRIGGER referral_sources_delete AFTER DELETE ON referrals FOR EACH ROW WHEN (OLD.sent_at IS NOT NULL)
			EXECUTE FUNCTION referral_sources_of_referral()`,
		`CREATE TRIGGER referral_sources_pupil AFTER UPDATE OF establishment_id, anonymised_at ON pupils FOR EACH ROW
			WHEN (` + m0027PupilChanged + `) EXECUTE FUNCTION referral_sources_of_pupil()`,
	}
}

// m0027SQLiteTriggers are the same rules; SQLite has one writer at a time, so no lock.
func m0027SQLiteTriggers() []string {
	return []string{
		`CREATE TRIGGER referral_sources_insert AFTER INSERT ON referrals WHEN NEW.sent_at IS NOT NULL BEGIN ` +
			m0027Upsert(m0027OfReferral("NEW", 1)) + `; END`,
		`CREATE TRIGGER referral_sources_update AFTER UPDATE OF sent_at, partner_organisation_id, pupil_id ON referrals WHEN ` +
			m0027ReferralChanged + ` BEGIN ` + m0027Upsert(m0027OfReferral("OLD", -1), m0027OfReferral("NEW", 1)) + `; END`,
		`CREATE TRIGGER referral_sources_delete AFTER DELETE ON referrals WHEN OLD.sent_at IS NOT NULL BEGIN ` +
			m0027Upsert(m0027OfReferral("OLD", -1)) + `; END`,
		`CREATE TRIGGER referral_sources_pupil AFTER UPDATE OF establishment_id, anonymised_at ON pupils WHEN ` +
			m0027PupilChanged + ` BEGIN ` + m0027Upsert(m0027OfPupil("OLD", -1), m0027OfPupil("NEW", 1)) + `; END`,
	}
}
