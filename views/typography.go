package views

// Colon writes the separator between a label and its value in the reader's language: French
// puts a space before the colon (« Statut : Repéré »), English does not ("Status: Identified").
func (l *Localizer) Colon() string {
	if l.lang == "en" {
		return ": "
	}
	return " : "
}
