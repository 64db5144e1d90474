package models

import (
	"strconv"
	"strings"
)

// uaiCheckLetters is the alphabet of the UAI check letter: 23 letters, without I, O and Q.
const uaiCheckLetters = "ABCDEFGHJKLMNPRSTUVWXYZ"

// NormalizeUAI trims and upper-cases a UAI code as typed or imported.
func NormalizeUAI(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// UAICheckLetter returns the check letter of the seven-digit number that starts a UAI code.
func UAICheckLetter(sevenDigits string) (byte, bool) {
	if len(sevenDigits) != 7 {
		return 0, false
	}
	n, err := strconv.Atoi(sevenDigits)
	if err != nil || n < 0 {
		return 0, false
	}
	return uaiCheckLetters[n%23], true
}

// ValidateUAI checks the shape and check letter of a normalized UAI code (e.g. 0590001Q) and
// returns a French message when it is wrong.
func ValidateUAI(code string) error {
	if len(code) != 8 {
		return ValidationError{"uai": "Le code UAI doit compter 8 caractères : 7 chiffres et une lettre de contrôle."}
	}
	want, ok := UAICheckLetter(code[:7])
	if !ok {
		return ValidationError{"uai": "Le code UAI doit commencer par 7 chiffres."}
	}
	if code[7] != want {
		return ValidationError{"uai": "La lettre de contrôle du code UAI est fausse : « " + code[:7] + string(want) + " » était attendu."}
	}
	return nil
}
