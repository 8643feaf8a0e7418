package crm

import (
	"reflect"
	"testing"
)

// TestContactHooksReadTheIdentifierIndex: the contacts hooks write the
// identifier rows through the table's Identifiers declaration, so a schema
// whose index has other names gets rows and clears under those names.
func TestContactHooksReadTheIdentifierIndex(t *testing.T) {
	people := &Table{
		Name: "people",
		Columns: []Column{
			{Name: "id", Kind: KindUUID},
			{Name: "phones", Kind: KindTextArray, Identifier: IdentPhone},
			{Name: "note", Kind: KindText, Nullable: true},
		},
		Identifiers: &IdentifierIndex{Table: "people_keys", Kind: "k", Value: "v", Row: "person"},
		Hooks:       contactHooks,
	}
	keys := &Table{Name: "people_keys", Internal: true, Columns: []Column{
		{Name: "person", Kind: KindUUID}, {Name: "k", Kind: KindText}, {Name: "v", Kind: KindText},
	}}
	NewSchema(people, keys)
	row := people.NewRecord()
	row.Set("id", "p1")
	row.Set("phones", []string{"+201", "+202", "+201"})
	old := row.Clone()

	effects := afterContact(nil, old, row)
	if len(effects) != 1 || effects[0].Table != keys {
		t.Fatalf("effects = %+v, want one on people_keys", effects)
	}
	e := effects[0]
	if got := []any{e.Clear.Str("person"), e.Clear.Str("k"), e.Clear.IsSet("v")}; !reflect.DeepEqual(got, []any{"p1", IdentPhone, false}) {
		t.Errorf("clear (person, k, v set) = %v, want [p1 phone false]", got)
	}
	var got [][3]string
	for _, r := range e.Rows {
		got = append(got, [3]string{r.Str("person"), r.Str("k"), r.Str("v")})
	}
	want := [][3]string{{"p1", IdentPhone, "+201"}, {"p1", IdentPhone, "+202"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %v, want %v (one per distinct value)", got, want)
	}

	people.Identifiers = nil
	if effects := afterContact(nil, old, row); effects != nil {
		t.Errorf("without an identifier index: effects = %+v, want none", effects)
	}
}
