package pgtext

import "strings"

// englishStop is the english configuration's stop-word list (the words
// of PostgreSQL's tsearch_data/english.stop).
var englishStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves he him
his himself she her hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if or because as until
while of at by for with about against between into through during before after above below to from up down in out on
off over under again further then once here there when where why how all any both each few more most other some such
no nor not only own same so than too very s t can will just don should now`) {
		englishStop[w] = true
	}
}

// StemEnglish is the Snowball English ("Porter2") stemmer, as the
// english_stem dictionary applies it to a lower-case word.
func StemEnglish(w string) string {
	if len(w) <= 2 {
		return w
	}
	if x, ok := stemExceptions[w]; ok {
		return x
	}
	s := &stemmer{b: []rune(strings.TrimPrefix(w, "'"))}
	s.markY()
	s.regions()
	s.step0()
	s.step1a()
	if stemInvariant1a[string(s.b)] {
		return s.result()
	}
	s.step1b()
	s.step1c()
	s.step2()
	s.step3()
	s.step4()
	s.step5()
	return s.result()
}

var stemExceptions = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl", "gently": "gentl",
	"ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl", "sky": "sky", "news": "news", "howe": "howe",
	"atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}

var stemInvariant1a = map[string]bool{"inning": true, "outing": true, "canning": true, "herring": true,
	"earring": true, "proceed": true, "exceed": true, "succeed": true}

type stemmer struct {
	b      []rune
	r1, r2 int
}

func (s *stemmer) result() string { return strings.ReplaceAll(string(s.b), "Y", "y") }

func isVowel(r rune) bool { return strings.ContainsRune("aeiouy", r) }

// markY writes a y that acts as a consonant (first letter, or after a
// vowel) as Y.
func (s *stemmer) markY() {
	for i, r := range s.b {
		if r == 'y' && (i == 0 || isVowel(s.b[i-1])) {
			s.b[i] = 'Y'
		}
	}
}

// regions sets R1 and R2: after the first non-vowel following a vowel.
func (s *stemmer) regions() {
	w := string(s.b)
	s.r1 = len(s.b)
	for _, p := range []string{"gener", "commun", "arsen"} {
		if strings.HasPrefix(w, p) {
			s.r1 = len(p)
		}
	}
	if s.r1 == len(s.b) {
		s.r1 = s.after(0)
	}
	s.r2 = s.after(s.r1)
}

func (s *stemmer) after(from int) int {
	for i := from + 1; i < len(s.b); i++ {
		if !isVowel(s.b[i]) && isVowel(s.b[i-1]) {
			return i + 1
		}
	}
	return len(s.b)
}

func (s *stemmer) ends(suf string) bool { return strings.HasSuffix(string(s.b), suf) }

// longest returns the longest of sufs that the word ends with, or "".
func (s *stemmer) longest(sufs ...string) string {
	best := ""
	for _, x := range sufs {
		if len(x) > len(best) && s.ends(x) {
			best = x
		}
	}
	return best
}

func (s *stemmer) cut(suf string) int { return len(s.b) - len([]rune(suf)) }

func (s *stemmer) replace(suf, with string) {
	s.b = append(s.b[:s.cut(suf)], []rune(with)...)
}

func (s *stemmer) hasVowel(end int) bool {
	for _, r := range s.b[:end] {
		if isVowel(r) {
			return true
		}
	}
	return false
}

func (s *stemmer) step0() {
	if x := s.longest("'s'", "'s", "'"); x != "" {
		s.replace(x, "")
	}
}

func (s *stemmer) step1a() {
	switch x := s.longest("sses", "ied", "ies", "us", "ss", "s"); x {
	case "sses":
		s.replace(x, "ss")
	case "ied", "ies":
		if s.cut(x) > 1 {
			s.replace(x, "i")
		} else {
			s.replace(x, "ie")
		}
	case "s":
		if s.hasVowel(s.cut(x) - 1) {
			s.replace(x, "")
		}
	}
}

func (s *stemmer) step1b() {
	x := s.longest("eed", "eedly", "ed", "edly", "ing", "ingly")
	switch x {
	case "":
		return
	case "eed", "eedly":
		if s.cut(x) >= s.r1 {
			s.replace(x, "ee")
		}
		return
	}
	if !s.hasVowel(s.cut(x)) {
		return
	}
	s.replace(x, "")
	switch {
	case s.ends("at") || s.ends("bl") || s.ends("iz"):
		s.b = append(s.b, 'e')
	case s.endsDouble():
		s.b = s.b[:len(s.b)-1]
	case s.short():
		s.b = append(s.b, 'e')
	}
}

func (s *stemmer) endsDouble() bool {
	n := len(s.b)
	return n >= 2 && s.b[n-1] == s.b[n-2] && strings.ContainsRune("bdfgmnprt", s.b[n-1])
}

// shortSyllableAt reports whether the word up to end ends in a short
// syllable.
func (s *stemmer) shortSyllableAt(end int) bool {
	b := s.b[:end]
	n := len(b)
	if n == 2 {
		return isVowel(b[0]) && !isVowel(b[1])
	}
	return n >= 3 && !isVowel(b[n-3]) && isVowel(b[n-2]) && !isVowel(b[n-1]) && !strings.ContainsRune("wxY", b[n-1])
}

func (s *stemmer) short() bool { return s.r1 >= len(s.b) && s.shortSyllableAt(len(s.b)) }

func (s *stemmer) step1c() {
	n := len(s.b)
	if n > 2 && (s.b[n-1] == 'y' || s.b[n-1] == 'Y') && !isVowel(s.b[n-2]) {
		s.b[n-1] = 'i'
	}
}

var step2Rules = map[string]string{
	"tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent", "izer": "ize", "ization": "ize",
	"ational": "ate", "ation": "ate", "ator": "ate", "alism": "al", "aliti": "al", "alli": "al", "fulness": "ful",
	"ousli": "ous", "ousness": "ous", "iveness": "ive", "iviti": "ive", "biliti": "ble", "bli": "ble", "ogi": "og",
	"fulli": "ful", "lessli": "less", "li": "",
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

var step2Keys, step3Keys = keys(step2Rules), keys(step3Rules)

func (s *stemmer) step2() {
	x := s.longest(step2Keys...)
	if x == "" || s.cut(x) < s.r1 {
		return
	}
	switch x {
	case "ogi":
		if c := s.cut(x); c == 0 || s.b[c-1] != 'l' {
			return
		}
	case "li":
		if c := s.cut(x); c == 0 || !strings.ContainsRune("cdeghkmnrt", s.b[c-1]) {
			return
		}
	}
	s.replace(x, step2Rules[x])
}

var step3Rules = map[string]string{
	"tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic", "ical": "ic", "ful": "", "ness": "", "ative": "",
}

func (s *stemmer) step3() {
	x := s.longest(step3Keys...)
	if x == "" || s.cut(x) < s.r1 || x == "ative" && s.cut(x) < s.r2 {
		return
	}
	s.replace(x, step3Rules[x])
}

func (s *stemmer) step4() {
	x := s.longest("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate",
		"iti", "ous", "ive", "ize", "ion")
	if x == "" || s.cut(x) < s.r2 {
		return
	}
	if x == "ion" {
		if c := s.cut(x); c == 0 || (s.b[c-1] != 's' && s.b[c-1] != 't') {
			return
		}
	}
	s.replace(x, "")
}

func (s *stemmer) step5() {
	n := len(s.b)
	switch {
	case n > 0 && s.b[n-1] == 'e':
		if n-1 >= s.r2 || n-1 >= s.r1 && !s.shortSyllableAt(n-1) {
			s.b = s.b[:n-1]
		}
	case n > 1 && s.b[n-1] == 'l' && s.b[n-2] == 'l' && n-1 >= s.r2:
		s.b = s.b[:n-1]
	}
}
