package pgrest

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// fieldNameRef is fieldName as first written: every part copied into a
// builder, joined by dashes.
func (s *scanner) fieldNameRef() (string, *Error) {
	if s.peek() == '"' {
		return s.quotedName()
	}
	start := s.pos
	var b strings.Builder
	for {
		partStart := s.pos
		part := s.identRun()
		if s.pos == partStart {
			return "", s.fail(expFieldName)
		}
		b.WriteString(part)
		if !s.dashFollows() {
			break
		}
		s.pos++
		b.WriteByte('-')
	}
	name := b.String()
	if strings.Trim(name, "-") == "" {
		return "", s.failAt(start, quoteRuneAt(s.src, start), expFieldName)
	}
	return name, nil
}

// TestFieldNameAsJoined checks that fieldName (no copy for a plain name)
// reads what the builder version read: the name, the cursor and the
// error, on names made of runs, dashes, arrows, spaces and quotes.
func TestFieldNameAsJoined(t *testing.T) {
	inputs := []string{"id", "first_name", "a-b", "a-b-c", "a->b", "a - b", " a", "a ", "-", "--", "a--b", "a-", "-a",
		`"x y"`, "a.b", "a::text", "é-ü", "", " ", " - ", "a->>b", "1-2"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "-", " ", ">", ".", `"`, ":", "é", "_", "1"}
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		s1, s2 := newScanner("select", in), newScanner("select", in)
		got, gerr := s1.fieldName()
		want, werr := s2.fieldNameRef()
		if got != want || s1.pos != s2.pos || (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("fieldName(%q) = %q, %d, %v; want %q, %d, %v", in, got, s1.pos, gerr, want, s2.pos, werr)
		}
	}
}
