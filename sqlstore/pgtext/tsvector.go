package pgtext

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// TSVector is a document's lexemes and their positions (from 1), as
// to_tsvector makes it.
type TSVector map[string][]int

// Configs are the text search configurations emulated: simple (every
// token lower-cased) and english (stop words dropped, words stemmed).
// The empty name is english, PostgreSQL's default_text_search_config.
var Configs = map[string]bool{"simple": true, "english": true}

// Config returns the configuration a filter names ("" for the default),
// or 0A000 for one that is not emulated, on every backend alike.
func Config(name string) (string, error) {
	n := strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")
	if n == "" {
		return "english", nil
	}
	if !Configs[n] {
		return "", &crm.Error{Code: crm.SQLStateNotSupported, Message: fmt.Sprintf("text search configuration %q is not supported", name),
			Hint: "use fts(simple) or fts(english); simple matches words exactly in any language"}
	}
	return n, nil
}

type tokKind int

const (
	tkWord     tokKind = iota // letters only
	tkNumWord                 // letters and digits
	tkOther                   // numbers, hosts, emails: kept whole
	tkCompound                // a hyphenated word; its parts follow it
)

type token struct {
	text string
	kind tokKind
	part bool // a part of the compound before it
}

// isAlnum is the parser's letter-or-digit: glibc's alpha (which holds
// Ⅻ and other scripts' digits) or 0-9.
func isAlnum(r rune) bool { return isDigitASCII(r) || isAlpha(r) }

var alphaRanges = parseRanges(pgClassTables["alpha"])

// isAlpha reports whether r is in PostgreSQL's [[:alpha:]].
func isAlpha(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	i := sort.Search(len(alphaRanges), func(i int) bool { return alphaRanges[i][1] >= r })
	return i < len(alphaRanges) && alphaRanges[i][0] <= r
}

// parseRanges reads Go class contents made of \x{..} and \x{..}-\x{..}.
func parseRanges(set string) [][2]rune {
	var out [][2]rune
	open := false // the last part began a range
	for _, part := range strings.Split(set, `\x{`)[1:] {
		hex, rest, _ := strings.Cut(part, "}")
		n, _ := strconv.ParseInt(hex, 16, 32)
		if open {
			out[len(out)-1][1] = rune(n)
		} else {
			out = append(out, [2]rune{rune(n), rune(n)})
		}
		open = rest == "-"
	}
	return out
}

// tokenize splits text as PostgreSQL's default parser does for the
// common token types: words, words with digits, hyphenated words (the
// whole, then each part), numbers (signed, decimal, versions), host
// names and e-mail addresses. Everything else separates tokens.
func tokenize(s string) []token {
	rs := []rune(s)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isAlnum(r):
			var toks []token
			toks, i = scanWord(rs, i)
			out = append(out, toks...)
		case r == '/' && i+1 < len(rs) && isAlnum(rs[i+1]):
			j := i + 1
			for j < len(rs) && (isAlnum(rs[j]) || strings.ContainsRune("./-_", rs[j])) {
				j++
			}
			out = append(out, token{text: Lower(string(rs[i:j])), kind: tkOther})
			i = j
		case (r == '-' || r == '+') && i+1 < len(rs) && isDigitASCII(rs[i+1]):
			j := i + 1
			for j < len(rs) && isDigitASCII(rs[j]) {
				j++
			}
			out = append(out, token{text: string(rs[i:j]), kind: tkOther})
			i = j
		default:
			i++
		}
	}
	return out
}

func isDigitASCII(r rune) bool { return r >= '0' && r <= '9' }

// span returns the end of the run of alnum characters joined by single
// characters of seps, each followed by another alnum character.
func span(rs []rune, i int, seps string) int {
	j := i
	for j < len(rs) && isAlnum(rs[j]) {
		j++
		if j+1 < len(rs) && strings.ContainsRune(seps, rs[j]) && isAlnum(rs[j+1]) {
			j++
		}
	}
	return j
}

// scanWord reads the token(s) starting with the alnum character at i.
func scanWord(rs []rune, i int) ([]token, int) {
	if local := span(rs, i, ".-_"); local+1 < len(rs) && rs[local] == '@' && isAlnum(rs[local+1]) {
		if host := span(rs, local+1, ".-"); strings.ContainsRune(string(rs[local+1:host]), '.') {
			return []token{{text: Lower(string(rs[i:host])), kind: tkOther}}, host
		}
	}
	end := span(rs, i, ".-")
	if strings.HasPrefix(string(rs[end:min(end+3, len(rs))]), "://") {
		if toks, j, ok := scanURL(rs, end+3); ok {
			return toks, j // the protocol itself is no lexeme
		}
	}
	whole := string(rs[i:end])
	switch {
	case strings.ContainsRune(whole, '.'):
		if toks, j, ok := scanURL(rs, i); ok && j > end {
			return toks, j
		}
		return []token{{text: Lower(whole), kind: tkOther}}, end
	case strings.ContainsRune(whole, '-') && unicode.IsLetter(rs[i]):
		toks := []token{{text: Lower(whole), kind: tkCompound}}
		for _, p := range strings.Split(whole, "-") {
			t := simpleToken(p)
			t.part = true
			toks = append(toks, t)
		}
		return toks, end
	}
	j := i
	for j < len(rs) && isAlnum(rs[j]) {
		j++
	}
	return []token{simpleToken(string(rs[i:j]))}, j
}

// scanURL reads host/path at i: the URL, then its host, then its path,
// each a lexeme.
func scanURL(rs []rune, i int) ([]token, int, bool) {
	host := span(rs, i, ".-")
	if host == i || !strings.ContainsRune(string(rs[i:host]), '.') || host >= len(rs) || rs[host] != '/' {
		return nil, i, false
	}
	j := host
	for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune(`"<>`, rs[j]) {
		j++
	}
	h, path := Lower(string(rs[i:host])), string(rs[host:j])
	return []token{{text: h + path, kind: tkOther}, {text: h, kind: tkOther, part: true}, {text: path, kind: tkOther, part: true}}, j, true
}

func simpleToken(w string) token {
	letters, digits := false, false
	for _, r := range w {
		if isDigitASCII(r) {
			digits = true
		} else {
			letters = true
		}
	}
	switch {
	case letters && digits:
		return token{text: Lower(w), kind: tkNumWord}
	case digits:
		return token{text: w, kind: tkOther}
	}
	return token{text: Lower(w), kind: tkWord}
}

// lexeme is a token after the configuration's dictionary: "" for a stop
// word (which still takes its position).
type lexeme struct {
	word string
	pos  int
}

// lexemes runs text through cfg's parser and dictionaries; positions
// start after base.
func lexemes(cfg, text string, base int) []lexeme {
	var out []lexeme
	pos := base
	for _, t := range tokenize(text) {
		pos++
		w := t.text
		if cfg == "english" && (t.kind == tkWord || t.kind == tkCompound && !hasDigit(w)) {
			if englishStop[w] {
				w = ""
			} else {
				w = StemEnglish(w)
			}
		}
		out = append(out, lexeme{word: w, pos: pos})
	}
	return out
}

func hasDigit(s string) bool { return strings.IndexFunc(s, isDigitASCII) >= 0 }

// ToTSVector is to_tsvector(cfg, text).
func ToTSVector(cfg, text string) TSVector {
	v := TSVector{}
	for _, l := range lexemes(cfg, text, 0) {
		if l.word != "" {
			v[l.word] = append(v[l.word], l.pos)
		}
	}
	return v
}

// ToTSVectorJSON is to_tsvector(cfg, jsonb): the document's string
// values in jsonb order, each starting two positions after the last.
func ToTSVectorJSON(cfg string, strs []string) TSVector {
	v := TSVector{}
	last := 0
	for i, s := range strs {
		base := last
		if i > 0 {
			base++
		}
		ls := lexemes(cfg, s, base)
		for _, l := range ls {
			if l.word != "" {
				v[l.word] = append(v[l.word], l.pos)
			}
		}
		if len(ls) > 0 {
			last = ls[len(ls)-1].pos
		}
	}
	return v
}
