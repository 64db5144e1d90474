package models

import "time"

// AuditEvent records who did what, when, from where, on which record. It is append-only and
// never holds a note's content. ActorEmail keeps the actor readable even if the account changes.
type AuditEvent struct {
	ID         uint
	At         time.Time
	UserID     *uint
	ActorEmail string
	RemoteIP   string
	Action     string
	RecordType string
	RecordID   string
	// PupilID is the file the event is about, when its record is the file or one of its
	// follow-ups, meetings or referrals: the file's access history is one range of its index,
	// and keeps the events of a record deleted since.
	PupilID   *uint
	Detail    string
	RequestID string
}

// Setting is one configurable value (risk thresholds, retention, small-count threshold…).
type Setting struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}

// Session is a server-side login session, shared by every instance through the database.
type Session struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry time.Time
	// UserID is the signed-in account, read from Data when the session is stored; nil before
	// sign-in.
	UserID *uint
}
