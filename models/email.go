package models

import (
	"strings"
	"unicode"
)

// emailLocalSpecials are the punctuation marks a mailbox name may hold besides letters, digits
// and dots. The colon, slash, quotes, brackets and backslash are left out on purpose: real
// addresses do without them, and they are what turns an "address" into a URL
// (« javascript:alert(1)//@x.test ») or markup once it is put in a link.
const emailLocalSpecials = "!#$%&'*+=?^_`{|}~-"

// ValidEmail says whether s is a plain mailbox address, local@domain.tld, as the product
// stores it for accounts, guardians and partners: one @, a local part of letters, digits,
// dots and the usual specials (no colon, slash, space or control character), and a domain of
// at least two dot-separated labels of letters, digits and hyphens whose last one is letters
// only. It is deliberately stricter than RFC 5322 (no quoted local parts, no comments, no IP
// literals), which only attackers use in a school's address book.
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") || local == "" || len(local) > 64 {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && !strings.ContainsRune(emailLocalSpecials, r) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for i, label := range labels {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			last := i == len(labels)-1
			if !unicode.IsLetter(r) && (last || !unicode.IsDigit(r) && r != '-') {
				return false
			}
		}
	}
	return true
}
