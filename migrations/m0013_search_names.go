package migrations

import (
	"strings"
	"unicode"

	"github.com/go-gormigrate/gormigrate/v2"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// m0013SearchNames gives the pupil files a search name: last name then first name folded (lower
// case, accents dropped, ligatures spelt out, every run of separators a single space, a leading
// space before each word), so that "keita" finds « Keïta » and "ait ahmed" « Aït-Ahmed » on
// both databases, and the list sorts names as a French reader expects. The index by
// establishment and search name serves the scoped search and the sort by name. Anonymised files
// keep an empty search name: they have no name left to find.
//
// The fold is a frozen copy of models.SearchName as it was when this migration shipped.
func m0013SearchNames() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0013_search_names",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Exec("ALTER TABLE pupils ADD COLUMN search_name varchar(300) NOT NULL DEFAULT ''").Error; err != nil {
				return err
			}
			type named struct {
				ID        uint
				LastName  string
				FirstName string
			}
			var batch []named
			err := tx.Table("pupils").Select("id, last_name, first_name").Where("anonymised_at IS NULL").
				FindInBatches(&batch, 1000, func(tx *gorm.DB, _ int) error {
					for _, p := range batch {
						if err := tx.Exec("UPDATE pupils SET search_name = ? WHERE id = ?", m0013SearchName(p.LastName, p.FirstName), p.ID).Error; err != nil {
							return err
						}
					}
					return nil
				}).Error
			if err != nil {
				return err
			}
			return tx.Exec("CREATE INDEX idx_pupils_establishment_search ON pupils (establishment_id, search_name)").Error
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("DROP INDEX idx_pupils_establishment_search").Error; err != nil {
				return err
			}
			return tx.Exec("ALTER TABLE pupils DROP COLUMN search_name").Error
		},
	}
}

// m0013SearchName folds a name for search as models.SearchName did when m0013 shipped: the
// words of the last then the first name, then each name of several words in one word.
func m0013SearchName(lastName, firstName string) string {
	last, first := m0013Words(lastName), m0013Words(firstName)
	out := " " + strings.Join(append(append([]string{}, last...), first...), " ")
	for _, w := range [][]string{last, first} {
		if len(w) > 1 {
			out += " " + strings.Join(w, "")
		}
	}
	return out
}

// m0013Words are the folded words of s.
func m0013Words(s string) []string {
	var out []string
	var word strings.Builder
	for _, r := range s + " " {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if word.Len() > 0 {
				out = append(out, word.String())
				word.Reset()
			}
			continue
		}
		switch l := unicode.ToLower(r); l {
		case 'œ':
			word.WriteString("oe")
		case 'æ':
			word.WriteString("ae")
		case 'ß':
			word.WriteString("ss")
		default:
			for _, d := range norm.NFD.String(string(l)) {
				if !unicode.Is(unicode.Mn, d) {
					word.WriteRune(d)
				}
			}
		}
	}
	return out
}
