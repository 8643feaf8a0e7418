package sqlite

import (
	"slices"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// TestTitleFilterWorkspace: the title search index is used with the
// workspace's key (the words name it), and without a workspace (the
// board's search, which binds its own workspace condition) the filter
// is the plain comparison, not a search that finds nothing.
func TestTitleFilterWorkspace(t *testing.T) {
	f := sqlstore.RestFilter{Op: pgrest.OpILike, Search: crm.TextSearch{Grams: "deal_title_grams"}, Alias: "d", Col: "d.title",
		Kind: crm.KindText, Pattern: "%Order 6829%"}
	for _, c := range []struct {
		ws    any
		index bool
		match string
	}{
		{int64(7), true, `"w7x363832" "w7x383239"`},
		{nil, false, ""},
	} {
		f.Workspace = c.ws
		q, args, err := Dialect{}.RestFilter(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(q, "deal_title_grams"); got != c.index {
			t.Errorf("workspace %v: uses the index %v, want %v: %s", c.ws, got, c.index, q)
		}
		if c.index && !slices.Contains(args, any(c.match)) {
			t.Errorf("workspace %v: arguments %q, want the match %q", c.ws, args, c.match)
		}
	}
}
