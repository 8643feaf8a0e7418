package sqlite

import (
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

func TestTrigramTerm(t *testing.T) {
	tests := []struct {
		pattern, want string
		ok            bool
	}{
		{"%Order 6829%", "6829", true},
		{"%order%", "order", true},
		{"Order 12%", "Order 12", true}, // digits too short: the longest run
		{"%ab%", "", false},
		{"%a_c%", "", false},
		{`%50\%%`, "", false},
		{`%say "ho"%`, `say "ho"`, true},
		{"%Shipping 12%", "", false}, // i: lower(İ) is i, which the index may not fold
		{"%سارة%", "", false},        // non-ASCII: lower() may fold unlike the index
		{"%Shopify Order #68297797%", "68297797", true},
	}
	for _, tt := range tests {
		got, ok := trigramTerm(tt.pattern)
		if got != tt.want || ok != tt.ok {
			t.Errorf("trigramTerm(%q) = %q, %v; want %q, %v", tt.pattern, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTitleTrigrams(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		want    []string
	}{
		{"%Order 6829%", []string{"682", "829"}},
		{"%ORDER%", []string{"ord", "rde", "der"}},
		{"%abc%", []string{"abc"}},
		{"%abcdefgh%", []string{"abc", "def", "fgh"}},
	} {
		got, ok := titleTrigrams(tt.pattern)
		if !ok || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("titleTrigrams(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func TestTitleGrams(t *testing.T) {
	for _, tt := range []struct {
		n     int64
		title string
		want  string
	}{
		{7, "ab", ""},
		{7, "Abc", "w7x616263"},
		{12, "ORDER 1", "w12x6f7264 w12x726465 w12x646572 w12x657220 w12x722031"},
		{3, "سارة", "w3x" + "d8b3d8a7d8b1 w3xd8a7d8b1d8a9"},
	} {
		if got := titleGrams(tt.n, tt.title); got != tt.want {
			t.Errorf("titleGrams(%d, %q) = %q, want %q", tt.n, tt.title, got, tt.want)
		}
	}
}

// TestTitleSearchUsesDeclaredIndex: ilike reads the per-workspace trigram
// table the column declares (crm.Column.Search.Grams), and scans a column
// that declares none.
func TestTitleSearchUsesDeclaredIndex(t *testing.T) {
	deals := crm.DefaultSchema.MustTable("deals")
	for _, tt := range []struct {
		col  string
		want bool
	}{{"title", true}, {"source", false}} {
		c, _ := deals.Column(tt.col)
		sql, _, err := Dialect{}.RestFilter(sqlstore.RestFilter{Op: pgrest.OpILike, Search: c.Search, Alias: "t0", Col: "t0." + tt.col,
			Kind: crm.KindText, Workspace: "ws", Pattern: "%Order 10424%"})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Search.Grams != "" && strings.Contains(sql, "FROM "+c.Search.Grams+" WHERE"); got != tt.want {
			t.Errorf("ilike on deals.%s = %s; uses the trigram table: %v, want %v", tt.col, sql, got, tt.want)
		}
	}
}
