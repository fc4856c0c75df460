package vault

import (
	"strconv"
	"strings"
)

// notBase32 names the characters of s (already upper-cased, separators
// removed) that base32 keys never contain, each once, at most five, so a
// person sees what to fix ("*", "!") rather than a count. The characters
// named are by definition not part of any key.
func notBase32(s string) string {
	var seen []rune
	more := false
	for _, r := range s {
		if (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7') {
			continue
		}
		if strings.ContainsRune(string(seen), r) {
			continue
		}
		if len(seen) == 5 {
			more = true
			break
		}
		seen = append(seen, r)
	}
	if len(seen) == 0 {
		return ""
	}
	names := make([]string, len(seen))
	for i, r := range seen {
		names[i] = strconv.QuoteRuneToGraphic(r)
	}
	out := strings.Join(names, ", ")
	if more {
		out += " and more"
	}
	return out
}

// base32Hint is the advice for the characters notBase32 found: the
// digits 0, 1 and 8 are usually the letters O, I and B misread.
func base32Hint(bad string) string {
	if strings.ContainsAny(bad, "018") {
		return "a key uses only the letters A–Z and the digits 2–7 (0, 1 and 8 are probably the letters O, I and B)"
	}
	return "a key uses only the letters A–Z and the digits 2–7"
}
