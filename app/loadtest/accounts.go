package loadtest

import (
	"context"
	"fmt"
	"net/url"

	"gorm.io/gorm"

	"mediation/models"
)

// Account is an account the load test signs in with; Load is what made it chosen (open files of
// its establishments, referrals addressed to its organisation), 0 when it was given.
type Account struct {
	Email string
	Role  models.Role
	Load  int64
}

// busiestAccounts are the read-only queries that rank a role's accounts by the work they see:
// mediators and head teachers by the files not closed in their establishments, partner agents
// by the referrals addressed to their organisation, drafts aside. Accounts with a second factor or a password to
// change are left out: a script cannot sign them in.
var busiestAccounts = map[models.Role]string{
	models.RoleMediator:    establishmentLoad,
	models.RoleHeadTeacher: establishmentLoad,
	models.RolePartner: `SELECT u.email, COUNT(r.id) AS load FROM users u
JOIN referrals r ON r.partner_organisation_id = u.partner_organisation_id AND r.status <> 'draft'
WHERE u.role = ? AND u.active AND NOT u.must_change_password
  AND NOT EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id)
GROUP BY u.id, u.email ORDER BY load DESC, u.email LIMIT ?`,
}

const establishmentLoad = `SELECT u.email, COUNT(p.id) AS load FROM users u
JOIN user_establishments ue ON ue.user_id = u.id
JOIN pupils p ON p.establishment_id = ue.establishment_id AND p.status <> 'closed'
WHERE u.role = ? AND u.active AND NOT u.must_change_password
  AND NOT EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id)
GROUP BY u.id, u.email ORDER BY load DESC, u.email LIMIT ?`

// chooseAccounts takes the accounts given for each role, and for the roles without any, the
// busiest of the database: one account per client as long as there are enough.
func chooseAccounts(ctx context.Context, o Options, clients map[models.Role]int) (map[models.Role][]Account, error) {
	out := map[models.Role][]Account{}
	var missing []models.Role
	for _, r := range Roles {
		if clients[r] == 0 {
			continue
		}
		for _, e := range o.Accounts[r] {
			out[r] = append(out[r], Account{Email: e, Role: r})
		}
		if len(out[r]) == 0 {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	if o.Database == "" {
		return nil, fmt.Errorf("aucun compte %s : donnez-en avec --%s ou la base où les choisir avec --database",
			roleLabels[missing[0]][0], accountFlags[missing[0]])
	}
	db, err := openReadOnly(ctx, o.Database)
	if err != nil {
		return nil, err
	}
	defer models.Close(db)
	for _, r := range missing {
		var rows []struct {
			Email string
			Load  int64
		}
		if err := db.WithContext(ctx).Raw(busiestAccounts[r], string(r), clients[r]).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("lecture des comptes %s : %w", roleLabels[r][1], err)
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("la base n'a aucun compte %s actif et sans double authentification : "+
				"donnez-en avec --%s", roleLabels[r][0], accountFlags[r])
		}
		for _, row := range rows {
			out[r] = append(out[r], Account{Email: row.Email, Role: r, Load: row.Load})
		}
	}
	return out, nil
}

// accountFlags name the command's flag that gives a role's accounts.
var accountFlags = map[models.Role]string{models.RoleMediator: "mediators", models.RoleHeadTeacher: "head-teachers",
	models.RolePartner: "partners"}

// openReadOnly opens the database for the account queries; on PostgreSQL every transaction of the
// connection is read-only, so that a mistake here could not write into a measured database.
func openReadOnly(ctx context.Context, raw string) (*gorm.DB, error) {
	d, err := models.ParseDatabaseURL(raw)
	if err != nil {
		return nil, err
	}
	if d.Dialect == models.DialectPostgres {
		u, err := url.Parse(d.DSN)
		if err != nil {
			return nil, fmt.Errorf("adresse PostgreSQL invalide")
		}
		q := u.Query()
		q.Set("default_transaction_read_only", "on")
		u.RawQuery = q.Encode()
		d.DSN = u.String()
	}
	return models.Open(ctx, d, models.OpenOptions{MaxOpenConns: 1})
}
