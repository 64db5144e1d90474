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
		return ValidationError{"uai": Msg("uai.length")}
	}
	want, ok := UAICheckLetter(code[:7])
	if !ok {
		return ValidationError{"uai": Msg("uai.digits")}
	}
	if code[7] != want {
		return ValidationError{"uai": Msg("uai.check_letter", "Expected", code[:7]+string(want))}
	}
	return nil
}
