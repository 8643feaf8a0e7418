package pgtext

import (
	"sort"
	"strings"
	"testing"
)

// TestToTSVector checks to_tsvector's output on PostgreSQL 15 for the
// token types emulated.
func TestToTSVector(t *testing.T) {
	for _, c := range []struct{ cfg, text, want string }{
		{"simple", "Order 1001, rush (a.b) Foo-Bar sara@example.com 1.5 Ärger straße İstanbul contracts",
			"'1.5':9 '1001':2 'a.b':4 'bar':7 'contracts':13 'foo':6 'foo-bar':5 'istanbul':12 'order':1 'rush':3 'sara@example.com':8 'straße':11 'ärger':10"},
		{"english", "Contracts running the Orders ponies caresses flies dies agreed",
			"'agre':9 'caress':6 'contract':1 'die':8 'fli':7 'order':4 'poni':5 'run':2"},
		{"simple", "done_ now 100% Ǆ title ǅ e-mail 3-d 123abc a1-b2 x.y.z 1.2.3 -5 +5 1,000 O'Neil",
			"'+5':19 '-5':18 '000':21 '1':20 '1.2.3':17 '100':3 '123abc':12 '3':10 'a1':14 'a1-b2':13 'b2':15 'd':11 'done':1 'e':8 'e-mail':7 'mail':9 'neil':23 'now':2 'o':22 'title':5 'x.y.z':16 'ǆ':4,6"},
	} {
		if got := vectorText(ToTSVector(c.cfg, c.text)); got != c.want {
			t.Errorf("to_tsvector(%s, %q)\n got %s\nwant %s", c.cfg, c.text, got, c.want)
		}
	}
}

func vectorText(v TSVector) string {
	var parts []string
	for w, ps := range v {
		s := "'" + w + "':"
		for i, p := range ps {
			if i > 0 {
				s += ","
			}
			s += itoa(p)
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// TestTSQuery checks @@ against PostgreSQL 15's answers.
func TestTSQuery(t *testing.T) {
	for _, c := range []struct {
		cfg, doc, op, q string
		want            bool
	}{
		{"simple", "Contracts renewal", "fts", "contracts", true},
		{"simple", "Contract signed", "fts", "contracts", false},
		{"english", "Contract signed", "fts", "contracts", true},
		{"english", "the cat", "fts", "the", false},
		{"english", "the cat", "fts", "!the", false},
		{"english", "the cat", "plfts", "", false},
		{"english", "Contracts running", "fts", "contract & !run", false},
		{"simple", "a b c", "fts", "a <2> c", true},
		{"simple", "a b c", "fts", "(a <-> b) <-> c", true},
		{"simple", "a b c", "fts", "a <-> !c", true},
		{"english", "running the orders", "phfts", "running orders", false},
		{"english", "running the orders", "phfts", "run the order", true},
		{"english", "running the orders", "fts", "the <-> order", true},
		{"english", "contracts renewal", "fts", "contr:*", true},
		{"english", "the cats are running", "wfts", `"cats running" or zebra`, false},
		{"english", "the cats are running", "wfts", `"cats are running" -zebra`, true},
		{"english", "foo-bar widget", "fts", "foo-bar", true},
		{"simple", "a c", "wfts", "a - b", true}, {"simple", "a b", "wfts", "a - b", false}, {"simple", "b", "wfts", "- - b", true},
		{"simple", "x", "wfts", "x or - y", true}, {"simple", "x", "wfts", "- & x", false}, {"simple", "a b", "wfts", `-, "a b"`, true},
		{"simple", "a b", "wfts", `-&"a b"`, false}, {"simple", "y", "wfts", "x -. or y", true}, {"simple", "x", "wfts", "-.x", false},
		{"simple", "a", "wfts", "a or &", true}, {"simple", "a", "wfts", "a -, or", false}, {"simple", "b", "wfts", "-, or b", true},
		{"simple", "b", "wfts", "or b", false}, {"simple", "b", "wfts", ", or b", true}, {"simple", "b", "wfts", "a , or b", true}, {"simple", "x y", "wfts", "x - or y", true}, {"simple", "x y or", "wfts", "x - or y", false},
	} {
		q, err := ParseTSQuery(c.op, c.cfg, c.q)
		if err != nil {
			t.Errorf("%s %q: %v", c.op, c.q, err)
			continue
		}
		if got := q.Match(ToTSVector(c.cfg, c.doc)); got != c.want {
			t.Errorf("to_tsvector(%s, %q) @@ %s(%q) = %v, want %v", c.cfg, c.doc, c.op, c.q, got, c.want)
		}
	}
}
