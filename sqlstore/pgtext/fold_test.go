package pgtext

import "testing"

// TestLowerUpper checks lower() and upper() as PostgreSQL 15 gives them
// on a C.UTF-8 database.
func TestLowerUpper(t *testing.T) {
	if got := Lower("ÀÉÎ İ ΣΑΣ ẞ ß Ǆ \u212A Å"); got != "àéî i σασ ß ß ǆ k å" {
		t.Errorf("lower: %q", got)
	}
	if got := Upper("àéî ı i ß ǆ ſ"); got != "ÀÉÎ I I ß Ǆ S" {
		t.Errorf("upper: %q", got)
	}
}

// TestLike checks LIKE and ILIKE against PostgreSQL 15's answers.
func TestLike(t *testing.T) {
	for _, c := range []struct {
		s, p  string
		ilike bool
		want  bool
	}{
		{"İstanbul", "i%", true, true}, {"istanbul", "İ%", true, true}, {"STRASSE", "%ß%", true, false},
		{"Straße", "STRASSE", true, false}, {"ÉCOLE", "école", true, true}, {"Ǆemal", "ǆ%", true, true},
		{"ΣΟΦΙΑ", "σοφια", true, true}, {"abc", "a_c", false, true}, {"abc", "A_C", false, false},
		{"100% done", `100\%%`, false, true}, {"100 done", `100\%%`, false, false}, {"a_b", `a\_b`, false, true},
		{"axb", `a\_b`, false, false}, {"", "%", false, true}, {"", "_", false, false}, {"aaa", "%a%a%a%", false, true},
		{"aa", "%a%a%a%", false, false}, {`a\b`, `a\\b`, false, true}, {"é", "_", false, true},
	} {
		got := Like(c.s, c.p)
		if c.ilike {
			got = ILike(c.s, c.p)
		}
		if got != c.want {
			t.Errorf("%q like(i=%v) %q = %v, want %v", c.s, c.ilike, c.p, got, c.want)
		}
	}
}

func BenchmarkILike(b *testing.B) {
	for range b.N {
		ILike("Shopify Order #68297797 for İstanbul", "%order 6829%")
	}
}
