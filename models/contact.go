package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"mediation/models/calendar"
)

// otherContacts gives, for each of the pupils, the civil date (midnight UTC) of the latest
// contact that is not a follow-up: a meeting held with the family, or a partner's answer or
// feedback on one of the pupil's referrals. Two queries for the whole list, each read through
// the pupil's index; pupils without such a contact are absent from the map.
func otherContacts(tx *gorm.DB, pupilIDs []uint) (map[uint]time.Time, error) {
	out := map[uint]time.Time{}
	if len(pupilIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PupilID uint
		At      calendar.DBTime
	}
	err := tx.Table("meetings").Select("pupil_id, MAX(scheduled_at) AS at").
		Where("pupil_id IN ? AND status = ?", pupilIDs, MeetingHeld).Group("pupil_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: meetings held: %w", err)
	}
	keep := func() {
		for _, r := range rows {
			if !r.At.Valid {
				continue
			}
			if d := calendar.Today(r.At.Time); d.After(out[r.PupilID]) {
				out[r.PupilID] = d
			}
		}
	}
	keep()
	rows = nil
	err = tx.Table("referral_transitions rt").Select("r.pupil_id, MAX(rt.at) AS at").
		Joins("JOIN referrals r ON r.id = rt.referral_id").Joins("JOIN users u ON u.id = rt.actor_id").
		Where("r.pupil_id IN ? AND u.role = ?", pupilIDs, RolePartner).Group("r.pupil_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: partner answers: %w", err)
	}
	keep()
	return out, nil
}
