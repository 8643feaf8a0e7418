package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestSchemaMatchesDescription holds each backend's migrations against
// crm/tables.go: tables, columns, types by kind, nullability and defaults.
func TestSchemaMatchesDescription(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			if err := s.CheckSchema(ctx); err != nil {
				t.Fatalf("the %s migrations and crm/tables.go disagree:\n%v", b.Name, err)
			}

			// A column described but not migrated (a forgotten migration).
			s.SetSchema(storetest.SchemaWithColumn("deals", crm.Column{Name: "test_lost_reason", Kind: crm.KindText, Nullable: true}, "created_at"))
			err := s.CheckSchema(ctx)
			if err == nil || !strings.Contains(err.Error(), "deals.test_lost_reason: described but not migrated") {
				t.Errorf("CheckSchema with an unmigrated column = %v; want it named", err)
			}
			// Migrated, but with the wrong nullability.
			if err := s.ExecForTest(ctx, `ALTER TABLE deals ADD COLUMN test_lost_reason TEXT NOT NULL DEFAULT ''`); err != nil {
				t.Fatal(err)
			}
			err = s.CheckSchema(ctx)
			if err == nil || !strings.Contains(err.Error(), "deals.test_lost_reason: NOT NULL is true") {
				t.Errorf("CheckSchema with a NOT NULL column described nullable = %v; want it named", err)
			}
			// Migrated but not described.
			s.SetSchema(crm.DefaultSchema)
			err = s.CheckSchema(ctx)
			if err == nil || !strings.Contains(err.Error(), "deals.test_lost_reason: migrated but not described") {
				t.Errorf("CheckSchema with an undescribed column = %v; want it named", err)
			}
		})
	}
}
