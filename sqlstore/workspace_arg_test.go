package sqlstore

import (
	"database/sql/driver"
	"errors"
	"strings"
	"testing"
)

// TestUnreadWorkspaceFailsTheStatement: a workspace key that could not be
// read is bound as a value whose conversion (database/sql's default
// converter, which the SQLite driver uses) fails with the read's error,
// so the statement reports it instead of matching no rows.
func TestUnreadWorkspaceFailsTheStatement(t *testing.T) {
	cause := errors.New("database is locked")
	for _, tc := range []struct {
		name string
		arg  any
		fail bool
	}{
		{"a read that failed", unreadWorkspace{"01900000-0000-7000-8000-000000000001", cause}, true},
		{"a workspace that does not exist", noWorkspaceKey, false},
		{"a key", int64(7), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := driver.DefaultParameterConverter.ConvertValue(tc.arg)
			if !tc.fail {
				if err != nil {
					t.Fatalf("ConvertValue(%v) = %v, want no error", tc.arg, err)
				}
				return
			}
			if !errors.Is(err, cause) || !strings.Contains(err.Error(), "01900000-0000-7000-8000-000000000001") {
				t.Fatalf("ConvertValue = %v, want the read's error naming the workspace", err)
			}
		})
	}
}
