package reports

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"mediation/models"
	"mediation/models/calendar"
	"mediation/models/dbtest"
	"mediation/models/disclosure"
)

// maskCount is how many figures of a table are printed, and how many of them are masked by
// primary ("< threshold") or complementary (secret mark) suppression.
type maskCount struct{ figures, primary, secret int }

func (c *maskCount) add(masks ...disclosure.Mask) {
	for _, m := range masks {
		c.figures++
		switch m {
		case disclosure.MaskPrimary:
			c.primary++
		case disclosure.MaskComplementary:
			c.secret++
		}
	}
}

func (c *maskCount) table(t Table) {
	p := t.Counts()
	for _, row := range p.Masks {
		c.add(row...)
	}
	c.add(p.RowTotalMasks...)
	c.add(p.ColTotalMasks...)
	if p.RowTotals != nil && p.ColTotals != nil {
		c.add(p.TotalMask)
	}
}

func (c maskCount) String() string {
	if c.figures == 0 {
		return "| 0 | – | – | – |"
	}
	pct := func(n int) string { return fmt.Sprintf("%.1f %%", 100*float64(n)/float64(c.figures)) }
	return fmt.Sprintf("| %d | %s | %s | %s |", c.figures, pct(c.primary+c.secret), pct(c.primary), pct(c.secret))
}

// TestMaskedShare prints, for the database of MEDIATION_MASK_DATABASE_URL (a copy of the
// generated metropolis, migrated), the share of masked figures in each table of the anonymised
// reports, this school year and the two before, as a Markdown table: the metropolitan
// report by grouping, and the partner reports of every partner together, as the coordination
// reads them and as each partner's own agents do.
//
//	MEDIATION_MASK_DATABASE_URL='postgres://postgres@127.0.0.1:5432/pdf13_metro?sslmode=disable' \
//	  go test ./models/reports/ -run TestMaskedShare -count=1 -v
func TestMaskedShare(t *testing.T) {
	t.Parallel()
	raw := os.Getenv("MEDIATION_MASK_DATABASE_URL")
	if raw == "" {
		t.Skip("MEDIATION_MASK_DATABASE_URL is not set: give a migrated copy of a generated metropolis")
	}
	u, err := models.ParseDatabaseURL(raw)
	dbtest.Must(t, err)
	db := dbtest.Open(t, u)
	ctx := context.Background()
	now := time.Now()
	var partners []models.PartnerOrganisation
	dbtest.Must(t, db.Order("id").Find(&partners).Error)
	var out strings.Builder
	fmt.Fprintf(&out, "\nReports of %s.\n\n| report, year", now.Format(time.DateOnly))
	fmt.Fprintf(&out, " | table | figures | masked | < threshold | s |\n|---|---|---|---|---|---|\n")
	this := calendar.SchoolYearOf(now)
	for _, y := range []calendar.SchoolYear{this, this.Previous(), this.Previous().Previous()} {
		m, err := LoadMetropolitan(ctx, db, y, now)
		if errors.Is(err, ErrNoData) {
			continue
		}
		dbtest.Must(t, err)
		var months maskCount
		months.table(m.Months())
		fmt.Fprintf(&out, "| metropolitan %s | months %s\n", y, months)
		for _, g := range Groupings {
			for _, tb := range []struct {
				name string
				t    Table
			}{{"files by status", m.Status(g)}, {"activity", m.Activity(g)}, {"exits", m.Exits(g)}} {
				var c maskCount
				c.table(tb.t)
				fmt.Fprintf(&out, "| metropolitan %s | %s by %s %s\n", y, tb.name, g, c)
			}
		}
		coordination := 0
		for _, reader := range []struct {
			name  string
			scope func(p models.PartnerOrganisation) models.Scope
		}{
			{"coordination", func(models.PartnerOrganisation) models.Scope { return models.Scope{Role: models.RoleCoordinator} }},
			{"own agents", func(p models.PartnerOrganisation) models.Scope {
				return models.Scope{Role: models.RolePartner, PartnerID: p.ID}
			}},
		} {
			var key, status, reason, month, est, all maskCount
			reports := 0
			for _, p := range partners {
				r, err := LoadPartner(ctx, db, reader.scope(p), p.ID, y, now)
				if errors.Is(err, ErrNoData) {
					continue
				}
				dbtest.Must(t, err)
				reports++
				for _, f := range []Figure{r.Received(), r.OnTime(), r.Overdue()} {
					_, mask := f.Value()
					key.add(mask)
				}
				for _, md := range []Median{r.ReplyTime(), r.AnswerTime()} {
					mask := disclosure.MaskShown
					if _, ok := md.Value(); !ok {
						mask = disclosure.MaskComplementary
					}
					key.add(mask)
				}
				status.table(r.Statuses())
				reason.table(r.Reasons())
				month.table(r.Months())
				est.table(r.Establishments())
			}
			for _, c := range []maskCount{key, status, reason, month, est} {
				all.figures += c.figures
				all.primary += c.primary
				all.secret += c.secret
			}
			masked := all.primary + all.secret
			if reader.name == "coordination" {
				coordination = masked
			} else if masked > coordination {
				t.Errorf("%s: the partners' own agents see %d figures masked, more than the coordination (%d)", y, masked, coordination)
			}
			name := fmt.Sprintf("| partners %s, %s (%d reports) |", y, reader.name, reports)
			fmt.Fprintf(&out, "%s key figures %s\n%s by status %s\n%s by reason %s\n%s by month %s\n%s by establishment %s\n%s **all** %s\n",
				name, key, name, status, name, reason, name, month, name, est, name, all)
		}
	}
	t.Log(out.String())
}
