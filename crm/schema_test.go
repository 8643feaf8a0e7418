package crm

import "testing"

// TestDescriptionReferences: what a table description points at exists.
// An identifier column's table names its identifier index, a described
// table with the columns it names; a search index is declared on text
// columns only (the dialects render like and ilike on text).
func TestDescriptionReferences(t *testing.T) {
	for _, tb := range DefaultSchema.Tables {
		if ix := tb.Identifiers; ix != nil {
			it, ok := DefaultSchema.Tables[ix.Table]
			if !ok || !it.Internal {
				t.Errorf("%s: identifier index %q is not an internal table of the schema", tb.Name, ix.Table)
				continue
			}
			for _, c := range []string{ix.Kind, ix.Value, ix.Row} {
				if _, ok := it.Column(c); !ok {
					t.Errorf("%s: identifier index %s has no column %q", tb.Name, ix.Table, c)
				}
			}
		}
		for _, c := range tb.Columns {
			if c.Identifier != "" && (tb.Identifiers == nil || c.Kind != KindTextArray) {
				t.Errorf("%s.%s: identifier %q on a %s column of a table without an identifier index", tb.Name, c.Name, c.Identifier, c.Kind)
			}
			if c.Search != (TextSearch{}) && c.Kind != KindText {
				t.Errorf("%s.%s: a search index on a %s column", tb.Name, c.Name, c.Kind)
			}
		}
	}
}
