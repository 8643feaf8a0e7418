package pgtext

import (
	"strings"
	"unicode"
)

// Lower is PostgreSQL's lower() on a UTF-8 database whose LC_CTYPE is a
// libc locale such as C.UTF-8: each code point is mapped on its own
// (simple case mapping), so 'İ' becomes 'i', 'ẞ' becomes 'ß' and a final
// 'Σ' becomes 'σ'; nothing changes length.
func Lower(s string) string { return strings.Map(unicode.ToLower, s) }

// Upper is PostgreSQL's upper(), one code point at a time: 'ß' stays 'ß'.
func Upper(s string) string { return strings.Map(unicode.ToUpper, s) }

// Like reports whether s matches the LIKE pattern p: % is any run of
// characters, _ one character, a backslash takes the next character
// literally. Characters are code points, as in PostgreSQL. The match is
// greedy with one backtracking point (the last %), so it takes time
// proportional to len(s)*len(p) at worst.
func Like(s, p string) bool { return like([]rune(s), likeTokens(p)) }

// ILike is PostgreSQL's ILIKE: lower(s) LIKE lower(p).
func ILike(s, p string) bool { return Like(Lower(s), Lower(p)) }

// likeToken is a pattern character: a literal, or -1 for %, -2 for _.
type likeToken = rune

const (
	anyRun  likeToken = -1
	anyChar likeToken = -2
)

func likeTokens(p string) []likeToken {
	rs := []rune(p)
	out := make([]likeToken, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '%':
			out = append(out, anyRun)
		case '_':
			out = append(out, anyChar)
		case '\\':
			if i+1 < len(rs) {
				i++
			}
			out = append(out, rs[i])
		default:
			out = append(out, rs[i])
		}
	}
	return out
}

func like(s []rune, p []likeToken) bool {
	si, pi := 0, 0
	star, mark := -1, 0 // the last % seen, and where s stood then
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == anyRun:
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == anyChar || p[pi] == s[si]):
			si++
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == anyRun {
		pi++
	}
	return pi == len(p)
}
