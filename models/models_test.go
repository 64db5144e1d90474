package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

func TestValidateUAI(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code string
		ok   bool
	}{
		{"0750654D", true},  // lycée Louis-le-Grand, Paris
		{"0750654E", false}, // wrong check letter
		{"0590001F", true},
		{"0590001A", false},
		{"0000000A", true}, // 0 mod 23 = 0 → A
		{"0000022Z", true}, // 22 → Z, the last letter
		{"0000023A", true}, // wraps around
		{"059001F", false}, // too short
		{"05900011F", false},
		{"A590001F", false},
		{"", false},
	}
	for _, c := range cases {
		err := models.ValidateUAI(models.NormalizeUAI(c.code))
		if (err == nil) != c.ok {
			t.Errorf("ValidateUAI(%q) = %v, want ok=%v", c.code, err, c.ok)
		}
	}
	if err := models.ValidateUAI("0750654E"); err == nil || !strings.Contains(err.Error(), "0750654D") {
		t.Errorf("a wrong letter should name the right one: %v", err)
	}
	if models.NormalizeUAI(" 0750654d ") != "0750654D" {
		t.Error("NormalizeUAI does not trim and upper-case")
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pw, email string
		ok        bool
	}{
		{"une phrase de passe", "a@b.fr", true},
		{"court", "a@b.fr", false},
		{"azertyuiop123", "a@b.fr", false},
		{"aaaaaaaaaaaaaaa", "a@b.fr", false},
		{"camille.martin-2026!", "camille.martin@ville.fr", false},
		{"ÉléphantRose€€", "a@b.fr", true},
		// Issue 11: a keyboard row and a repeat passed the list and the rules.
		{"qwertyuiopas", "a@b.fr", false},
		{"aaaaaaaaaaaab", "a@b.fr", false},
		{"azertyuiopqs", "a@b.fr", false},
		{"motdepasse123", "a@b.fr", false},
		{"ma fille aime les chevaux", "a@b.fr", true},
	}
	for _, c := range cases {
		if err := models.ValidatePassword(c.pw, c.email); (err == nil) != c.ok {
			t.Errorf("ValidatePassword(%q) = %v, want ok=%v", c.pw, err, c.ok)
		}
	}
	pw, err := models.GeneratePassword()
	if err != nil || len(pw) != 20 || models.ValidatePassword(pw, "a@b.fr") != nil {
		t.Errorf("generated password %q does not pass the policy: %v", pw, err)
	}
}

func TestScopeRules(t *testing.T) {
	t.Parallel()
	partner := uint(7)
	est := []models.Establishment{{ID: 1}, {ID: 2}}
	mediator := models.ScopeOf(models.User{ID: 1, Role: models.RoleMediator, Active: true, Establishments: est})
	head := models.ScopeOf(models.User{ID: 2, Role: models.RoleHeadTeacher, Active: true, Establishments: est[:1]})
	coord := models.ScopeOf(models.User{ID: 3, Role: models.RoleCoordinator, Active: true})
	admin := models.ScopeOf(models.User{ID: 4, Role: models.RoleAdmin, Active: true})
	part := models.ScopeOf(models.User{ID: 5, Role: models.RolePartner, Active: true, PartnerOrganisationID: &partner})
	inactive := models.ScopeOf(models.User{ID: 6, Role: models.RoleMediator, Active: false, Establishments: est})
	if !mediator.CoversEstablishment(2) || head.CoversEstablishment(2) || !head.CoversEstablishment(1) {
		t.Error("establishment coverage is wrong")
	}
	for name, s := range map[string]models.Scope{"coordinator": coord, "admin": admin, "partner": part, "inactive": inactive} {
		if s.SeesPupilFiles() || s.CoversEstablishment(1) {
			t.Errorf("%s sees pupil files", name)
		}
	}
	if !mediator.SeesRestrictedNotes() || head.SeesRestrictedNotes() {
		t.Error("restricted notes: only mediators read them")
	}
	if part.PartnerID != 7 {
		t.Error("partner scope lost its organisation")
	}
}

// The scope filters in SQL: a query through it returns the files of the user's establishments
// and nothing else, on both databases.
func TestScopeFiltersPupilsInSQL(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		e1 := models.Establishment{UAI: "0750654D", Name: "A", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		e2 := models.Establishment{UAI: "0590001F", Name: "B", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Roubaix", PostalCode: "59100", PriorityEducation: models.PriorityREP, Active: true}
		must(t, db.Create(&e1).Error)
		must(t, db.Create(&e2).Error)
		for i, e := range []models.Establishment{e1, e2, e2} {
			p := models.Pupil{EstablishmentID: e.ID, LastName: fmt.Sprint("Nom", i), FirstName: "Prénom", BirthDate: time.Date(2013, 3, 1, 0, 0, 0, 0, time.UTC),
				ClassLevel: models.Level5e, Status: models.StatusActive, IdentifiedOn: time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), Version: 1}
			must(t, db.Create(&p).Error)
		}
		count := func(s models.Scope) int64 {
			var n int64
			must(t, s.Pupils(db.Model(&models.Pupil{})).Count(&n).Error)
			return n
		}
		if n := count(models.Scope{Role: models.RoleMediator, EstablishmentIDs: []uint{e2.ID}}); n != 2 {
			t.Errorf("mediator of B sees %d files, want 2", n)
		}
		if n := count(models.Scope{Role: models.RoleHeadTeacher, EstablishmentIDs: []uint{e1.ID}}); n != 1 {
			t.Errorf("head teacher of A sees %d files, want 1", n)
		}
		for _, r := range []models.Role{models.RoleCoordinator, models.RoleAdmin, models.RolePartner} {
			if n := count(models.Scope{Role: r, EstablishmentIDs: []uint{e1.ID, e2.ID}}); n != 0 {
				t.Errorf("%s sees %d pupil files, want 0", r, n)
			}
		}
	})
}

// The database refuses what the code would refuse: unknown statuses, duplicate UAI or email,
// a referral sent without consent.
func TestConstraintsProtectTheData(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		e := models.Establishment{UAI: "0750654D", Name: "A", Type: models.TypeCollege, Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone, Active: true}
		must(t, db.Create(&e).Error)
		dup := e
		dup.ID = 0
		if err := db.Create(&dup).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("duplicate UAI: %v", err)
		}
		bad := models.Establishment{UAI: "0590001F", Name: "B", Type: "ecole", Sector: models.SectorPublic, Commune: "Lille", PostalCode: "59000", PriorityEducation: models.PriorityNone}
		if err := db.Create(&bad).Error; err == nil {
			t.Error("unknown establishment type accepted")
		}
		p := models.Pupil{EstablishmentID: e.ID, LastName: "N", FirstName: "P", BirthDate: time.Date(2013, 3, 1, 0, 0, 0, 0, time.UTC),
			ClassLevel: models.Level5e, Status: "lost", IdentifiedOn: time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), Version: 1}
		if err := db.Create(&p).Error; err == nil {
			t.Error("unknown pupil status accepted")
		}
		p.Status = models.StatusClosed
		if err := db.Create(&p).Error; err == nil {
			t.Error("closed file without exit reason accepted")
		}
		p.Status = models.StatusActive
		must(t, db.Create(&p).Error)
		u := models.User{Email: "m@x.fr", DisplayName: "M", Role: models.RoleMediator, Locale: "fr", Active: true, PasswordHash: "h"}
		must(t, db.Create(&u).Error)
		u2 := u
		u2.ID = 0
		if err := db.Create(&u2).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("duplicate email: %v", err)
		}
		partnerWithout := models.User{Email: "p@x.fr", DisplayName: "P", Role: models.RolePartner, Locale: "fr", Active: true, PasswordHash: "h"}
		if err := db.Create(&partnerWithout).Error; err == nil {
			t.Error("partner account without organisation accepted")
		}
		org := models.PartnerOrganisation{Name: "CAF du Nord", Kind: models.PartnerCAF, ResponseDays: 15, Active: true}
		must(t, db.Create(&org).Error)
		r := models.Referral{PupilID: p.ID, PartnerOrganisationID: org.ID, SenderID: u.ID, Reason: models.ReasonSocialRights, Status: models.ReferralSent, Version: 1}
		if err := db.Create(&r).Error; err == nil {
			t.Error("referral sent without consent accepted")
		}
		r.Status = models.ReferralDraft
		must(t, db.Create(&r).Error)
		var n int64
		dbtest.Must(t, db.Model(&models.Referral{}).Count(&n).Error)
		if n != 1 {
			t.Errorf("%d referrals stored, want the draft only", n)
		}
	})
}

// Concurrent writers never fail with "database is locked" on SQLite, nor otherwise on
// PostgreSQL: each transaction reads then writes, the pattern that deadlocks SQLite's deferred
// transactions.
func TestConcurrentWritesDoNotFail(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		const workers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- db.Transaction(func(tx *gorm.DB) error {
						var n int64
						if err := tx.Model(&models.Setting{}).Count(&n).Error; err != nil {
							return err
						}
						return tx.Create(&models.Setting{Key: fmt.Sprintf("k-%d-%d", w, i), Value: fmt.Sprint(n)}).Error
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent write failed: %v", err)
			}
		}
		var n int64
		dbtest.Must(t, db.Model(&models.Setting{}).Count(&n).Error)
		if n != workers*each {
			t.Errorf("%d rows, want %d", n, workers*each)
		}
	})
}

func TestCreateUserValidates(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		_, err := models.CreateUser(ctx, db, models.NewUser{Email: "not-an-email", Role: "boss", PasswordHash: "h"})
		var v models.ValidationError
		if !errors.As(err, &v) || v["email"].Key == "" || v["role"].Key == "" || v["display_name"].Key == "" {
			t.Fatalf("want field messages for email, role and name: %v", err)
		}
		_, err = models.CreateUser(ctx, db, models.NewUser{Email: "m@x.fr", DisplayName: "M", Role: models.RoleMediator, PasswordHash: "h"})
		if !errors.As(err, &v) || v["establishments"].Key == "" {
			t.Errorf("mediator without establishment: %v", err)
		}
		u, err := models.CreateUser(ctx, db, models.NewUser{Email: " Coord@X.fr ", DisplayName: "C", Role: models.RoleCoordinator, PasswordHash: "h"})
		if err != nil || u.Email != "coord@x.fr" || u.Locale != "fr" || !u.Active {
			t.Errorf("coordinator: %+v, %v", u, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
