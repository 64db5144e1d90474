package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// LetterDocument is one of the documents printed for a family.
type LetterDocument string

// The documents printed for a family.
const (
	LetterInvitation LetterDocument = "invitation"
	LetterConsent    LetterDocument = "consent"
	LetterSummary    LetterDocument = "summary"
)

// LetterDocuments lists the documents in the order the settings page shows them.
var LetterDocuments = []LetterDocument{LetterInvitation, LetterConsent, LetterSummary}

// Valid tells whether d is a known document.
func (d LetterDocument) Valid() bool { return oneOf(d, LetterDocuments) }

// LetterTemplate is one version of the text of a document in a language, as the coordination
// wrote it. Versions are only added; the latest is in force. Validated says the coordination
// had it reread and accepts it for families.
type LetterTemplate struct {
	ID            uint
	Document      LetterDocument
	Lang          string
	Body          string
	AuthorID      *uint
	AuthorName    string
	CreatedAt     time.Time
	ValidatedAt   *time.Time
	ValidatedByID *uint
	ValidatedName string
}

// Validated tells whether the coordination validated the version.
func (t LetterTemplate) Validated() bool { return t.ValidatedAt != nil }

// FamilyLetter records one letter printed for a family.
type FamilyLetter struct {
	ID        uint
	PupilID   uint
	Document  LetterDocument
	Lang      string
	Printed   string
	RecordID  uint
	UserID    *uint
	CreatedAt time.Time
}

// MaxLetterTemplate bounds the text of a template, as the column holds it.
const MaxLetterTemplate = 8000

// msgLetterTemplateChanged is the message of a template changed by someone else meanwhile.
const msgLetterTemplateChanged = "letters.stale"

// CurrentLetterTemplates gives the version in force of every (document, language) that has
// one, keyed by document then language, in one query. A pair without a version uses the text
// shipped with the application.
func CurrentLetterTemplates(ctx context.Context, db *gorm.DB) (map[LetterDocument]map[string]LetterTemplate, error) {
	var rows []LetterTemplate
	err := db.WithContext(ctx).Where("id IN (?)", db.Model(&LetterTemplate{}).Select("MAX(id)").Group("document, lang")).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: current letter templates: %w", err)
	}
	out := map[LetterDocument]map[string]LetterTemplate{}
	for _, r := range rows {
		if out[r.Document] == nil {
			out[r.Document] = map[string]LetterTemplate{}
		}
		out[r.Document][r.Lang] = r
	}
	return out, nil
}

// LetterTemplateHistory lists the versions of a document in a language, latest first.
func LetterTemplateHistory(ctx context.Context, db *gorm.DB, doc LetterDocument, lang string) ([]LetterTemplate, error) {
	var rows []LetterTemplate
	err := db.WithContext(ctx).Where("document = ? AND lang = ?", doc, lang).Order("id DESC").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: history of letter %s/%s: %w", doc, lang, err)
	}
	return rows, nil
}

// currentLetterTemplate gives the id of the version in force, 0 when the shipped text is.
func currentLetterTemplate(tx *gorm.DB, doc LetterDocument, lang string) (LetterTemplate, error) {
	var t LetterTemplate
	err := tx.Where("document = ? AND lang = ?", doc, lang).Order("id DESC").Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LetterTemplate{}, nil
	}
	return t, err
}

// SaveLetterTemplate adds a version of a document's text in a language, not validated, if the
// version in force is still the one the form was based on (basedOn: its id, 0 for the shipped
// text); otherwise nothing changes and a ValidationError says so. The caller has checked the
// text (placeholders, length on the page). One transaction, audited.
func SaveLetterTemplate(ctx context.Context, db *gorm.DB, actor Actor, authorName string, now time.Time,
	doc LetterDocument, lang, body string, basedOn uint) (LetterTemplate, error) {
	t := LetterTemplate{Document: doc, Lang: lang, Body: body, AuthorID: actor.UserID, AuthorName: authorName, CreatedAt: now.UTC()}
	if !doc.Valid() || lang == "" {
		return t, ErrNotFound
	}
	if len([]rune(body)) > MaxLetterTemplate {
		return t, ValidationError{"body": TooLong(MaxLetterTemplate)}
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := currentLetterTemplate(tx, doc, lang)
		if err != nil {
			return err
		}
		if cur.ID != basedOn {
			return ValidationError{"body": Msg(msgLetterTemplateChanged)}
		}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "letter_template", fmt.Sprintf("%s/%s", doc, lang),
			fmt.Sprintf("version %d", t.ID))
	})
	if err != nil {
		var ve ValidationError
		if errors.As(err, &ve) {
			return t, ve
		}
		return t, fmt.Errorf("models: save letter %s/%s: %w", doc, lang, err)
	}
	return t, nil
}

// ValidateLetterTemplate records that the coordination validates the version in force of a
// document in a language, if it is still the one shown (seen: its id, 0 for the shipped text,
// whose body is then given and stored as the validated version). One transaction, audited.
func ValidateLetterTemplate(ctx context.Context, db *gorm.DB, actor Actor, name string, now time.Time,
	doc LetterDocument, lang string, seen uint, shipped string) error {
	if !doc.Valid() || lang == "" {
		return ErrNotFound
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := currentLetterTemplate(tx, doc, lang)
		if err != nil {
			return err
		}
		if cur.ID != seen {
			return ValidationError{"validate": Msg(msgLetterTemplateChanged)}
		}
		at := now.UTC()
		if cur.ID == 0 {
			cur = LetterTemplate{Document: doc, Lang: lang, Body: shipped, AuthorName: "", CreatedAt: at,
				ValidatedAt: &at, ValidatedByID: actor.UserID, ValidatedName: name}
			if err := tx.Create(&cur).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&LetterTemplate{}).Where("id = ? AND validated_at IS NULL", cur.ID).
			Updates(map[string]any{"validated_at": at, "validated_by_id": actor.UserID, "validated_name": name}).Error; err != nil {
			return err
		}
		return RecordAudit(ctx, tx, now, actor, AuditChanged, "letter_template", fmt.Sprintf("%s/%s", doc, lang),
			fmt.Sprintf("version %d validated", cur.ID))
	})
	if err != nil {
		var ve ValidationError
		if errors.As(err, &ve) {
			return ve
		}
		return fmt.Errorf("models: validate letter %s/%s: %w", doc, lang, err)
	}
	return nil
}

// RecordFamilyLetter records a letter printed about a meeting or a referral of the pupil and
// audits it, in one transaction. printed is the language printed besides French, empty when the
// letter came out in French alone.
func RecordFamilyLetter(ctx context.Context, db *gorm.DB, actor Actor, now time.Time, pupilID uint, doc LetterDocument,
	lang, printed string, recordType string, recordID uint) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l := FamilyLetter{PupilID: pupilID, Document: doc, Lang: lang, Printed: printed, RecordID: recordID,
			UserID: actor.UserID, CreatedAt: now.UTC()}
		if err := tx.Create(&l).Error; err != nil {
			return err
		}
		return RecordFileAudit(ctx, tx, now, actor, pupilID, AuditPDFExported, recordType, fmt.Sprint(recordID),
			strings.TrimSuffix(fmt.Sprintf("letter %s lang=%s printed=fr+%s", doc, lang, printed), "+"))
	})
	if err != nil {
		return fmt.Errorf("models: record letter %s for pupil %d: %w", doc, pupilID, err)
	}
	return nil
}

// FamilyLetterRow is a letter printed, with who printed it.
type FamilyLetterRow struct {
	FamilyLetter
	UserName string
}

// FamilyLettersOnFile bounds the letters listed on a file, latest first.
const FamilyLettersOnFile = 50

// FamilyLettersOfPupil lists the letters printed for a file of the scope, latest first, in one
// query; a file outside the scope has none.
func FamilyLettersOfPupil(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]FamilyLetterRow, error) {
	var rows []FamilyLetterRow
	err := s.Pupils(db.WithContext(ctx).Table("family_letters").
		Select("family_letters.*, COALESCE(users.display_name, '') AS user_name").
		Joins("JOIN pupils ON pupils.id = family_letters.pupil_id").
		Joins("LEFT JOIN users ON users.id = family_letters.user_id")).
		Where("family_letters.pupil_id = ?", pupilID).
		Order("family_letters.created_at DESC, family_letters.id DESC").Limit(FamilyLettersOnFile).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: letters of pupil %d: %w", pupilID, err)
	}
	return rows, nil
}

// LetterSender is who signs a family letter: a name and the work contact the family may use.
type LetterSender struct {
	DisplayName string
	Email       string
	Phone       string
}

// LoadLetterSender loads the name and work contact of the account that organised the meeting
// or sent the referral.
func LoadLetterSender(ctx context.Context, db *gorm.DB, userID uint) (LetterSender, error) {
	var s LetterSender
	err := db.WithContext(ctx).Model(&User{}).Select("display_name, email, phone").Where("id = ?", userID).Take(&s).Error
	if err != nil {
		return s, fmt.Errorf("models: sender of a letter, account %d: %w", userID, err)
	}
	return s, nil
}

// HomeLanguages lists the home languages recorded for the guardians of a file of the scope, in
// the order the guardians were added (a file outside the scope has none).
func HomeLanguages(ctx context.Context, db *gorm.DB, s Scope, pupilID uint) ([]string, error) {
	var langs []string
	err := s.Pupils(db.WithContext(ctx).Table("guardians").Joins("JOIN pupils ON pupils.id = guardians.pupil_id")).
		Where("guardians.pupil_id = ? AND guardians.home_language <> ''", pupilID).Order("guardians.id").
		Pluck("guardians.home_language", &langs).Error
	if err != nil {
		return nil, fmt.Errorf("models: home languages of pupil %d: %w", pupilID, err)
	}
	return langs, nil
}
