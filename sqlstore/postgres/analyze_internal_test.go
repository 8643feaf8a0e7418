package postgres

import (
	"strings"
	"testing"
)

// TestAnalyzeNamesElementLists: the statistics cover every element list a
// column declares (deal_tags), which the planner needs to choose it.
func TestAnalyzeNamesElementLists(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string
	}{
		{"the bulk endpoint's tables", "ANALYZE deals, contacts, contact_identifiers, deal_stage_changes"},
		{"deals.tags' list", ", deal_tags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(analyzeSQL, tc.want) {
				t.Errorf("analyzeSQL = %q, want it to contain %q", analyzeSQL, tc.want)
			}
		})
	}
}
