package pgtext

import "testing"

func TestStemEnglish(t *testing.T) {
	for _, c := range stemCases {
		got := StemEnglish(c[0])
		if englishStop[c[0]] {
			got = ""
		}
		if got != c[1] {
			t.Errorf("%q: %q, want %q", c[0], got, c[1])
		}
	}
}
