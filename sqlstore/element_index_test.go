package sqlstore_test

import (
	"context"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestElementIndexesMigrated holds the element indexes the description
// declares (crm.Column.Elements) against each backend's migrations: the
// REST engine joins a declared list for cs, so a declared table that no
// migration creates, or that no trigger keeps, would fail or miss rows.
func TestElementIndexesMigrated(t *testing.T) {
	ctx := context.Background()
	queries := map[string][2]string{
		"sqlite": {`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
			`SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE ? || '%'`},
		"postgres": {`SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?`,
			`SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = current_schema() AND event_object_table = ? AND trigger_name LIKE ? || '%'`},
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			q := queries[b.Name]
			declared := 0
			for _, name := range crm.DefaultSchema.Names {
				tb := crm.DefaultSchema.MustTable(name)
				for _, c := range tb.Columns {
					ix := c.Elements
					if ix.Table == "" {
						continue
					}
					declared++
					if c.Kind != crm.KindTextArray || ix.Element == "" || ix.Order == "" {
						t.Errorf("%s.%s declares an element index %+v: it needs a text array column, Element and Order", tb.Name, c.Name, ix)
					}
					if _, ok := tb.Column(ix.Order); !ok {
						t.Errorf("%s.%s: the element index orders by %q, not a column of %s", tb.Name, c.Name, ix.Order, tb.Name)
					}
					if n, err := s.CountForTest(ctx, q[0], ix.Table); err != nil || n != 1 {
						t.Errorf("%s.%s declares the element index %s, which the %s migrations do not create (%d, %v)", tb.Name, c.Name, ix.Table, b.Name, n, err)
					}
					// One trigger each for insert, update and delete
					// (PostgreSQL lists an event per row of the view).
					if n, err := s.CountForTest(ctx, q[1], tb.Name, ix.Table); err != nil || n < 3 {
						t.Errorf("%s: %d triggers on %s keep it, want 3 (insert, update, delete) (%v)", ix.Table, n, tb.Name, err)
					}
				}
			}
			if declared == 0 {
				t.Errorf("no column declares an element index; deals.tags should")
			}
		})
	}
}
