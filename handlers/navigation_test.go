package handlers

import (
	"testing"

	"mediation/models"
	"mediation/views"
)

// The header offers the funding agreements to those who read them: the coordination, the
// administrators, and a partner's agents when their organisation funds one; the entry is
// current on the agreements and on the unit values.
func TestNavigationOffersAgreements(t *testing.T) {
	t.Parallel()
	v, err := views.New()
	if err != nil {
		t.Fatal(err)
	}
	loc := v.Localizer("fr")
	for _, c := range []struct {
		role  models.Role
		funds bool
		want  bool
	}{
		{models.RoleCoordinator, false, true},
		{models.RoleAdmin, false, true},
		{models.RolePartner, true, true},
		{models.RolePartner, false, false},
		{models.RoleMediator, false, false},
		{models.RoleHeadTeacher, false, false},
	} {
		var entry *views.NavItem
		items := navigation(loc, c.role, 3, c.funds, "/settings/unit-costs/4")
		for i := range items {
			if items[i].Href == "/conventions" {
				entry = &items[i]
			}
		}
		switch {
		case (entry != nil) != c.want:
			t.Errorf("%s (funds %v): entry %v, want %v", c.role, c.funds, entry != nil, c.want)
		case entry != nil && (entry.Label != "Conventions" || !entry.Current):
			t.Errorf("%s: entry %+v", c.role, *entry)
		}
	}
}
