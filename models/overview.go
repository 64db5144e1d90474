package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// EstablishmentFiles counts the pupil files of one establishment by status.
type EstablishmentFiles struct {
	Establishment Establishment
	ByStatus      map[PupilStatus]int
}

// Total is the number of files, every status together.
func (e EstablishmentFiles) Total() int {
	n := 0
	for _, c := range e.ByStatus {
		n += c
	}
	return n
}

// FilesByEstablishment counts the files of the scope's establishments by status, in one
// grouped query. Anonymised files are counted: they still happened.
func FilesByEstablishment(ctx context.Context, db *gorm.DB, s Scope) ([]EstablishmentFiles, error) {
	if !s.SeesPupilFiles() {
		return nil, nil
	}
	var establishments []Establishment
	if err := db.WithContext(ctx).Where("id IN ?", s.EstablishmentIDs).Order("name").Find(&establishments).Error; err != nil {
		return nil, fmt.Errorf("models: establishments of scope: %w", err)
	}
	var rows []struct {
		EstablishmentID uint
		Status          PupilStatus
		N               int
	}
	err := s.Pupils(db.WithContext(ctx).Model(&Pupil{})).
		Select("establishment_id, status, COUNT(*) AS n").Group("establishment_id, status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: count files: %w", err)
	}
	out := make([]EstablishmentFiles, len(establishments))
	index := make(map[uint]int, len(establishments))
	for i, e := range establishments {
		out[i] = EstablishmentFiles{Establishment: e, ByStatus: map[PupilStatus]int{}}
		index[e.ID] = i
	}
	for _, r := range rows {
		if i, ok := index[r.EstablishmentID]; ok {
			out[i].ByStatus[r.Status] = r.N
		}
	}
	return out, nil
}

// ReferralsByStatus counts the referrals the scope may read, by status, in one query.
func ReferralsByStatus(ctx context.Context, db *gorm.DB, s Scope) (map[ReferralStatus]int, error) {
	var rows []struct {
		Status ReferralStatus
		N      int
	}
	err := s.Referrals(db.WithContext(ctx).Model(&Referral{})).
		Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: count referrals: %w", err)
	}
	out := make(map[ReferralStatus]int, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// ListEstablishments returns every establishment, by commune then name.
func ListEstablishments(ctx context.Context, db *gorm.DB) ([]Establishment, error) {
	var es []Establishment
	if err := db.WithContext(ctx).Order("commune, name").Find(&es).Error; err != nil {
		return nil, fmt.Errorf("models: list establishments: %w", err)
	}
	return es, nil
}

// ListPartners returns every partner organisation by name.
func ListPartners(ctx context.Context, db *gorm.DB) ([]PartnerOrganisation, error) {
	var ps []PartnerOrganisation
	if err := db.WithContext(ctx).Order("name").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("models: list partners: %w", err)
	}
	return ps, nil
}

// PartnerByID loads a partner organisation, or ErrNotFound.
func PartnerByID(ctx context.Context, db *gorm.DB, id uint) (PartnerOrganisation, error) {
	var p PartnerOrganisation
	err := db.WithContext(ctx).Take(&p, id).Error
	if err == gorm.ErrRecordNotFound {
		return p, ErrNotFound
	}
	return p, err
}

// AccountsByRole counts the active and inactive accounts of each role.
func AccountsByRole(ctx context.Context, db *gorm.DB) (map[Role][2]int, error) {
	var rows []struct {
		Role   Role
		Active bool
		N      int
	}
	if err := db.WithContext(ctx).Model(&User{}).Select("role, active, COUNT(*) AS n").Group("role, active").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("models: count accounts: %w", err)
	}
	out := map[Role][2]int{}
	for _, r := range rows {
		c := out[r.Role]
		if r.Active {
			c[0] = r.N
		} else {
			c[1] = r.N
		}
		out[r.Role] = c
	}
	return out, nil
}

// RecentAuditEvents returns the latest events of the given actions, newest first.
func RecentAuditEvents(ctx context.Context, db *gorm.DB, actions []string, limit int) ([]AuditEvent, error) {
	var es []AuditEvent
	err := db.WithContext(ctx).Where("action IN ?", actions).Order("at DESC, id DESC").Limit(limit).Find(&es).Error
	if err != nil {
		return nil, fmt.Errorf("models: recent audit events: %w", err)
	}
	return es, nil
}
