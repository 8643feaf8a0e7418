package crm

// Kind is the logical type of a column. Each storage dialect maps a kind to
// its own column type; the REST layer encodes and decodes values by kind.
type Kind int

const (
	KindUUID      Kind = iota // uuid; TEXT in SQLite
	KindText                  // text
	KindInt                   // integer
	KindDecimal               // exact decimal (deal value)
	KindBool                  // boolean
	KindDate                  // YYYY-MM-DD
	KindTime                  // timestamp, UTC, RFC 3339 with microseconds
	KindJSON                  // JSON object (custom_fields)
	KindTextArray             // array of strings (tags, phones, emails)
)

var kindNames = [...]string{"uuid", "text", "integer", "numeric", "boolean", "date", "timestamp with time zone", "jsonb", "text[]"}

func (k Kind) String() string { return kindNames[k] }

// Column describes one column the REST API exposes.
type Column struct {
	Name     string
	Kind     Kind
	ReadOnly bool // set by the server (timestamps); refused in writes
	// Generated columns get a server value when a POST omits them and
	// cannot be changed by PATCH (id).
	Generated bool
	Required  bool // must be present on insert (no default)
	Nullable  bool
	// Normalize, when set, names the rule applied to values written to
	// and filter operands compared with this column: "phone", "email",
	// "currency", "stage".
	Normalize string
}

// Relation is an embeddable relationship from one table to another.
type Relation struct {
	Table   string // the related table
	Local   string // column on this table
	Foreign string // column on the related table
	ToOne   bool   // this row points at one related row (many-to-one)
}

// Table describes a table of the REST API: the whitelist every column in a
// query is checked against before any SQL is built.
type Table struct {
	Name      string
	Columns   []Column
	Relations []Relation
	ReadOnly  bool // no POST/PATCH/DELETE (deal_stage_changes)
	// Unique lists the column sets that carry a unique constraint (for
	// on_conflict), besides the primary key id.
	Unique [][]string
}

// Column returns the named column.
func (t *Table) Column(name string) (*Column, bool) {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i], true
		}
	}
	return nil, false
}

// Relation finds the relation named in an embedding: the related table's
// name ("contacts"), the foreign-key column ("contact_id") or that column
// without "_id" ("contact"). hint, when not empty, must name the column.
func (t *Table) Relation(name, hint string) (*Relation, bool) {
	var found *Relation
	for i := range t.Relations {
		r := &t.Relations[i]
		fk := r.Local
		if !r.ToOne {
			fk = r.Foreign
		}
		match := r.Table == name || (r.ToOne && (r.Local == name || r.Local == name+"_id"))
		if !match || (hint != "" && hint != fk && hint != r.Table) {
			continue
		}
		if found != nil {
			return nil, false
		}
		found = r
	}
	return found, found != nil
}

func idCol() Column { return Column{Name: "id", Kind: KindUUID, Generated: true} }
func timeCol(name string) Column {
	return Column{Name: name, Kind: KindTime, ReadOnly: true}
}

// Tables are the tables of the REST API, by name.
var Tables = map[string]*Table{
	"deals": {
		Name: "deals",
		Columns: []Column{
			idCol(),
			{Name: "title", Kind: KindText, Required: true},
			{Name: "value", Kind: KindDecimal, Required: true},
			{Name: "currency", Kind: KindText, Normalize: "currency"},
			{Name: "stage", Kind: KindText, Normalize: "stage"},
			{Name: "pipeline_id", Kind: KindUUID},
			{Name: "contact_id", Kind: KindUUID, Nullable: true},
			{Name: "company_id", Kind: KindUUID, Nullable: true},
			{Name: "expected_close_date", Kind: KindDate, Nullable: true},
			{Name: "probability", Kind: KindInt, Nullable: true},
			{Name: "source", Kind: KindText, Nullable: true},
			{Name: "tags", Kind: KindTextArray},
			{Name: "custom_fields", Kind: KindJSON},
			timeCol("created_at"),
			timeCol("updated_at"),
		},
		Relations: []Relation{
			{Table: "contacts", Local: "contact_id", Foreign: "id", ToOne: true},
			{Table: "companies", Local: "company_id", Foreign: "id", ToOne: true},
			{Table: "pipelines", Local: "pipeline_id", Foreign: "id", ToOne: true},
			{Table: "deal_stage_changes", Local: "id", Foreign: "deal_id"},
		},
	},
	"contacts": {
		Name: "contacts",
		Columns: []Column{
			idCol(),
			{Name: "first_name", Kind: KindText, Nullable: true},
			{Name: "last_name", Kind: KindText, Nullable: true},
			{Name: "phones", Kind: KindTextArray, Normalize: "phone"},
			{Name: "emails", Kind: KindTextArray, Normalize: "email"},
			{Name: "company_id", Kind: KindUUID, Nullable: true},
			{Name: "source", Kind: KindText, Nullable: true},
			{Name: "tags", Kind: KindTextArray},
			{Name: "custom_fields", Kind: KindJSON},
			timeCol("created_at"),
			timeCol("updated_at"),
		},
		Relations: []Relation{
			{Table: "deals", Local: "id", Foreign: "contact_id"},
			{Table: "companies", Local: "company_id", Foreign: "id", ToOne: true},
		},
	},
	"companies": {
		Name: "companies",
		Columns: []Column{
			idCol(),
			{Name: "name", Kind: KindText, Required: true},
			{Name: "domain", Kind: KindText, Nullable: true},
			{Name: "industry", Kind: KindText, Nullable: true},
			{Name: "tags", Kind: KindTextArray},
			{Name: "custom_fields", Kind: KindJSON},
			timeCol("created_at"),
			timeCol("updated_at"),
		},
		Relations: []Relation{
			{Table: "contacts", Local: "id", Foreign: "company_id"},
			{Table: "deals", Local: "id", Foreign: "company_id"},
		},
	},
	"pipelines": {
		Name: "pipelines",
		Columns: []Column{
			idCol(),
			{Name: "name", Kind: KindText, Required: true},
			{Name: "is_default", Kind: KindBool},
			timeCol("created_at"),
			timeCol("updated_at"),
		},
		Relations: []Relation{
			{Table: "pipeline_stages", Local: "id", Foreign: "pipeline_id"},
			{Table: "deals", Local: "id", Foreign: "pipeline_id"},
		},
	},
	"pipeline_stages": {
		Name: "pipeline_stages",
		Columns: []Column{
			idCol(),
			{Name: "pipeline_id", Kind: KindUUID, Required: true},
			{Name: "stage", Kind: KindText, Required: true, Normalize: "stage_id"},
			{Name: "name", Kind: KindText},
			{Name: "position", Kind: KindInt},
			{Name: "is_closed", Kind: KindBool},
			{Name: "is_won", Kind: KindBool},
			timeCol("created_at"),
		},
		Relations: []Relation{
			{Table: "pipelines", Local: "pipeline_id", Foreign: "id", ToOne: true},
		},
		Unique: [][]string{{"pipeline_id", "stage"}},
	},
	"deal_stage_changes": {
		Name:     "deal_stage_changes",
		ReadOnly: true,
		Columns: []Column{
			idCol(),
			{Name: "deal_id", Kind: KindUUID},
			{Name: "from_stage", Kind: KindText, Nullable: true},
			{Name: "to_stage", Kind: KindText},
			timeCol("changed_at"),
		},
		Relations: []Relation{
			{Table: "deals", Local: "deal_id", Foreign: "id", ToOne: true},
		},
	},
}

// TableNames lists the tables in a stable order (for OpenAPI and docs).
var TableNames = []string{"deals", "contacts", "companies", "pipelines", "pipeline_stages", "deal_stage_changes"}
