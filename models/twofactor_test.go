package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mediation/models"
	"mediation/models/dbtest"
)

func newCoordinator(t *testing.T, db *gorm.DB, email string) models.User {
	t.Helper()
	u, err := models.CreateUser(context.Background(), db, models.NewUser{Email: email, DisplayName: "C",
		Role: models.RoleCoordinator, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := models.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// A secret is stored only once a code proves it; a code then passes once, with one step of
// skew either way; a recovery code passes once; a reset removes everything, audited.
func TestSecondFactorLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 9, 0, 10, 0, time.UTC)
		u := newCoordinator(t, db, "c@x.fr")
		actor := models.Actor{UserID: &u.ID, Email: u.Email}
		secret, err := models.NewTOTPSecret()
		if err != nil || len(secret) != 32 {
			t.Fatalf("secret %q: %v", secret, err)
		}
		uri, err := models.TOTPURI(secret, u.Email)
		if err != nil || !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) ||
			!strings.Contains(uri, "issuer=M%C3%A9diation") {
			t.Errorf("otpauth URI %q: %v", uri, err)
		}
		if png, err := models.TOTPQRCode(secret, u.Email); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("QR code: %v", err)
		}

		var v models.ValidationError
		if _, err := models.EnableSecondFactor(ctx, db, actor, u.ID, secret, "000000", now); !errors.As(err, &v) || v["code"].Key == "" {
			t.Fatalf("wrong confirmation code: %v", err)
		}
		if on, err := models.HasSecondFactor(ctx, db, u.ID); err != nil || on {
			t.Fatalf("a refused confirmation turned it on: %v %v", on, err)
		}
		codes, err := models.EnableSecondFactor(ctx, db, actor, u.ID, secret, totpCode(t, secret, now), now)
		if err != nil || len(codes) != models.RecoveryCodeCount {
			t.Fatalf("enable: %d codes, %v", len(codes), err)
		}
		var stored []string
		if err := db.Model(&models.RecoveryCode{}).Pluck("code_hash", &stored).Error; err != nil {
			t.Fatal(err)
		}
		for _, h := range stored {
			for _, c := range codes {
				if strings.Contains(h, c) {
					t.Errorf("recovery code %s stored in clear", c)
				}
			}
		}

		// The code used to confirm is spent; the next step's code passes once, even 30 s early.
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, totpCode(t, secret, now), now); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("the confirmation code replayed: %v", err)
		}
		next := totpCode(t, secret, now.Add(30*time.Second))
		if m, err := models.VerifySecondFactor(ctx, db, u.ID, next[:3]+" "+next[3:], now); err != nil || m != models.MethodTOTP {
			t.Errorf("next step's code: %v %v", m, err)
		}
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, next, now); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("a code accepted twice: %v", err)
		}
		later := now.Add(5 * time.Minute)
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, totpCode(t, secret, later.Add(-2*30*time.Second)), later); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("a code two steps old accepted: %v", err)
		}
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, totpCode(t, secret, later.Add(-30*time.Second)), later); err != nil {
			t.Errorf("a code one step old refused: %v", err)
		}

		// Two requests racing with the same fresh code: one passes.
		race := later.Add(2 * time.Minute)
		code := totpCode(t, secret, race)
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := models.VerifySecondFactor(ctx, db, u.ID, code, race); err == nil {
					mu.Lock()
					passed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if passed != 1 {
			t.Errorf("the same code raced in 4 requests passed %d times", passed)
		}

		if m, err := models.VerifySecondFactor(ctx, db, u.ID, strings.ToUpper(codes[3]), race); err != nil || m != models.MethodRecovery {
			t.Errorf("recovery code: %v %v", m, err)
		}
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, codes[3], race); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("a recovery code used twice: %v", err)
		}
		if n, err := models.RemainingRecoveryCodes(ctx, db, u.ID); err != nil || n != 9 {
			t.Errorf("%d recovery codes left (%v), want 9", n, err)
		}
		fresh, err := models.RegenerateRecoveryCodes(ctx, db, actor, u.ID, race)
		if err != nil || len(fresh) != 10 {
			t.Fatalf("regenerate: %v", err)
		}
		if _, err := models.VerifySecondFactor(ctx, db, u.ID, codes[4], race); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("an old recovery code still works after regeneration: %v", err)
		}

		other := newCoordinator(t, db, "d@x.fr")
		if _, err := models.VerifySecondFactor(ctx, db, other.ID, fresh[0], race); !errors.Is(err, models.ErrBadCode) {
			t.Errorf("another account's recovery code accepted: %v", err)
		}

		if _, _, err := models.ResetSecondFactorByEmail(ctx, db, models.Actor{Email: "cli"}, "nobody@x.fr", race); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("reset of an unknown account: %v", err)
		}
		got, removed, err := models.ResetSecondFactorByEmail(ctx, db, models.Actor{Email: "cli"}, " C@X.fr", race)
		if err != nil || !removed || got.ID != u.ID {
			t.Fatalf("reset: %v %v", removed, err)
		}
		if on, err := models.HasSecondFactor(ctx, db, u.ID); err != nil || on {
			t.Errorf("still on after reset: %v", err)
		}
		if n, err := models.RemainingRecoveryCodes(ctx, db, u.ID); err != nil || n != 0 {
			t.Errorf("%d recovery codes after reset (%v)", n, err)
		}
		if _, removed, err := models.ResetSecondFactorByEmail(ctx, db, models.Actor{Email: "cli"}, "c@x.fr", race); err != nil || removed {
			t.Errorf("second reset: %v %v", removed, err)
		}
		var actions []string
		if err := db.Model(&models.AuditEvent{}).Order("id").Pluck("action", &actions).Error; err != nil {
			t.Fatal(err)
		}
		want := []string{models.AuditTwoFactorEnabled, models.AuditRecoveryCodesRegenerated, models.AuditTwoFactorDisabled}
		if strings.Join(actions, " ") != strings.Join(want, " ") {
			t.Errorf("audited %v, want %v", actions, want)
		}
	})
}

func TestTwoFactorRolesSetting(t *testing.T) {
	t.Parallel()
	dbtest.EachMigrated(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		if roles, err := models.TwoFactorRoles(ctx, db); err != nil || len(roles) != 0 {
			t.Fatalf("default: %v %v, want none", roles, err)
		}
		if err := models.SaveTwoFactorRoles(ctx, db, models.Actor{Email: "cli"}, now, []models.Role{models.RoleAdmin, models.RoleMediator}); err != nil {
			t.Fatal(err)
		}
		for role, want := range map[models.Role]bool{models.RoleAdmin: true, models.RoleMediator: true, models.RolePartner: false} {
			if got, err := models.RoleRequiresTwoFactor(ctx, db, role); err != nil || got != want {
				t.Errorf("%s requires: %v %v, want %v", role, got, err, want)
			}
		}
		if err := models.SaveTwoFactorRoles(ctx, db, models.Actor{Email: "cli"}, now, nil); err != nil {
			t.Fatal(err)
		}
		if roles, err := models.TwoFactorRoles(ctx, db); err != nil || len(roles) != 0 {
			t.Errorf("after clearing: %v %v", roles, err)
		}
	})
}
