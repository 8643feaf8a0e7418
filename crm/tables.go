package crm

import (
	"encoding/json"
	"strings"
)

// This file is the one description of the tables: their columns (kind,
// default, checks) and per-table write behaviour (hooks.go). The
// migrations of both backends are held against it by a schema test, the
// REST API, the bulk endpoint and the OpenAPI document are built from it.
// A new nullable column is one line here and one migration per backend.

func idCol() Column { return Column{Name: "id", Kind: KindUUID, Generated: true} }

// createdCol is a timestamp set on insert; updatedCol on every write.
func createdCol(name string) Column { return Column{Name: name, Kind: KindTime, ReadOnly: true} }
func updatedCol() Column {
	return Column{Name: "updated_at", Kind: KindTime, ReadOnly: true, Touched: true}
}

// Column defaults, shared by every row (never modified).
var (
	emptyList   = []string{}
	emptyObject = json.RawMessage("{}")
)

func tagsCol() Column { return Column{Name: "tags", Kind: KindTextArray, Default: emptyList} }

// dealTagsCol is a deal's tags, indexed by element: tags=cs.{vip} with
// order=created_at.desc is a filtered list of the dashboard and the API.
func dealTagsCol() Column {
	c := tagsCol()
	c.Elements = ElementIndex{Table: "deal_tags", Element: "tag", Order: "created_at"}
	return c
}
func customCol() Column { return Column{Name: "custom_fields", Kind: KindJSON, Default: emptyObject} }

// DefaultTables returns a fresh copy of the tables the server serves,
// for NewSchema: a test may change its copy (add a column) freely.
func DefaultTables() []*Table {
	return []*Table{dealsTable(), contactsTable(), companiesTable(), pipelinesTable(),
		pipelineStagesTable(), dealStageChangesTable(), contactIdentifiersTable()}
}

func dealsTable() *Table {
	return &Table{
		Name: "deals",
		Columns: []Column{
			idCol(),
			{Name: "title", Kind: KindText, Required: true, Check: checkTitle,
				Search:  TextSearch{Trigram: true, Grams: "deal_title_grams"},
				Missing: Errorf(CodeInvalidTitle, "title is required").WithHint(`send a deal name, e.g. "title": "Order 12345"`)},
			{Name: "value", Kind: KindDecimal, Required: true,
				Missing: Errorf(CodeInvalidValue, "value is required").WithHint("send value as a JSON number, e.g. 11523")},
			{Name: "currency", Kind: KindText, Normalize: "currency", Check: checkCurrency}, // default: dealHooks
			{Name: "stage", Kind: KindText, Normalize: "stage"},                             // resolved: dealHooks
			{Name: "pipeline_id", Kind: KindUUID},                                           // default: dealHooks
			{Name: "contact_id", Kind: KindUUID, Nullable: true},
			{Name: "company_id", Kind: KindUUID, Nullable: true},
			{Name: "expected_close_date", Kind: KindDate, Nullable: true},
			{Name: "probability", Kind: KindInt, Nullable: true, Parse: parseProbability},
			{Name: "source", Kind: KindText, Nullable: true},
			dealTagsCol(),
			customCol(),
			createdCol("created_at"),
			updatedCol(),
		},
		Relations: []Relation{
			{Table: "contacts", Local: "contact_id", Foreign: "id", ToOne: true},
			{Table: "companies", Local: "company_id", Foreign: "id", ToOne: true},
			{Table: "pipelines", Local: "pipeline_id", Foreign: "id", ToOne: true},
			{Table: "deal_stage_changes", Local: "id", Foreign: "deal_id"},
		},
		KeyHints: map[string]string{
			"contact": "send contact_id (look the contact up first, e.g. GET /functions/v1/rest-api-proxy/contacts?phones=cs.{...})",
		},
		Hooks: dealHooks,
	}
}

func contactsTable() *Table {
	return &Table{
		Name: "contacts",
		Columns: []Column{
			idCol(),
			{Name: "first_name", Kind: KindText, Nullable: true, Search: TextSearch{Trigram: true}},
			{Name: "last_name", Kind: KindText, Nullable: true, Search: TextSearch{Trigram: true}},
			{Name: "phones", Kind: KindTextArray, Default: emptyList, Normalize: "phone", Identifier: IdentPhone, Check: checkPhones},
			{Name: "emails", Kind: KindTextArray, Default: emptyList, Normalize: "email", Identifier: IdentEmail, Check: checkEmails},
			{Name: "company_id", Kind: KindUUID, Nullable: true},
			{Name: "source", Kind: KindText, Nullable: true},
			tagsCol(),
			customCol(),
			createdCol("created_at"),
			updatedCol(),
		},
		Relations: []Relation{
			{Table: "deals", Local: "id", Foreign: "contact_id"},
			{Table: "companies", Local: "company_id", Foreign: "id", ToOne: true},
		},
		Identifiers: &IdentifierIndex{Table: "contact_identifiers", Kind: "kind", Value: "value", Row: "contact_id"},
		Hooks:       contactHooks,
	}
}

func companiesTable() *Table {
	return &Table{
		Name: "companies",
		Columns: []Column{
			idCol(),
			{Name: "name", Kind: KindText, Required: true, Check: checkName},
			{Name: "domain", Kind: KindText, Nullable: true},
			{Name: "industry", Kind: KindText, Nullable: true},
			tagsCol(),
			customCol(),
			createdCol("created_at"),
			updatedCol(),
		},
		Relations: []Relation{
			{Table: "contacts", Local: "id", Foreign: "company_id"},
			{Table: "deals", Local: "id", Foreign: "company_id"},
		},
	}
}

func pipelinesTable() *Table {
	return &Table{
		Name: "pipelines",
		Columns: []Column{
			idCol(),
			{Name: "name", Kind: KindText, Required: true, Check: checkName},
			{Name: "is_default", Kind: KindBool, Default: false},
			createdCol("created_at"),
			updatedCol(),
		},
		Relations: []Relation{
			{Table: "pipeline_stages", Local: "id", Foreign: "pipeline_id"},
			{Table: "deals", Local: "id", Foreign: "pipeline_id"},
		},
	}
}

func pipelineStagesTable() *Table {
	return &Table{
		Name: "pipeline_stages",
		Columns: []Column{
			idCol(),
			{Name: "pipeline_id", Kind: KindUUID, Required: true},
			{Name: "stage", Kind: KindText, Required: true, Normalize: "stage_id", Check: checkStageID},
			{Name: "name", Kind: KindText, Default: ""},
			{Name: "position", Kind: KindInt, Default: int64(0)},
			{Name: "is_closed", Kind: KindBool, Default: false},
			{Name: "is_won", Kind: KindBool, Default: false},
			createdCol("created_at"),
		},
		Relations: []Relation{
			{Table: "pipelines", Local: "pipeline_id", Foreign: "id", ToOne: true},
		},
		Unique: [][]string{{"pipeline_id", "stage"}},
		Hooks:  stageHooks,
	}
}

func dealStageChangesTable() *Table {
	return &Table{
		Name:     "deal_stage_changes",
		ReadOnly: true,
		Columns: []Column{
			idCol(),
			{Name: "deal_id", Kind: KindUUID},
			{Name: "from_stage", Kind: KindText, Nullable: true},
			{Name: "to_stage", Kind: KindText},
			createdCol("changed_at"),
		},
		Relations: []Relation{
			{Table: "deals", Local: "deal_id", Foreign: "id", ToOne: true},
		},
	}
}

// Contact identifier kinds (contact_identifiers.kind).
const (
	IdentPhone = "phone"
	IdentEmail = "email"
)

// contactIdentifiersTable is the exact-match index of contacts' phones
// and emails that the contacts hooks keep in step (see the migrations).
func contactIdentifiersTable() *Table {
	return &Table{
		Name:     "contact_identifiers",
		Internal: true,
		Columns: []Column{
			{Name: "kind", Kind: KindText},
			{Name: "value", Kind: KindText},
			{Name: "contact_id", Kind: KindUUID},
		},
	}
}

// DefaultSchema is the schema the server serves.
var DefaultSchema = NewSchema(DefaultTables()...)

// ---- column checks ----

func checkTitle(_ *WriteEnv, v any) (any, *Error) {
	s := v.(string)
	if strings.TrimSpace(s) == "" {
		return nil, Errorf(CodeInvalidTitle, "title is empty").WithHint(`send a deal name, e.g. "title": "Order 12345"`)
	}
	if len(s) > MaxTitleLength {
		return nil, Errorf(CodeInvalidTitle, "title is %d bytes long, the limit is %d", len(s), MaxTitleLength)
	}
	return s, nil
}

func checkName(_ *WriteEnv, v any) (any, *Error) {
	if strings.TrimSpace(v.(string)) == "" {
		return nil, Errorf(CodeInvalidField, "name is empty").WithHint("send a non-empty name")
	}
	return v, nil
}

func checkCurrency(_ *WriteEnv, v any) (any, *Error) {
	c, err := NormalizeCurrency(v.(string))
	if err != nil {
		return nil, err.(*Error)
	}
	return c, nil
}

func checkStageID(_ *WriteEnv, v any) (any, *Error) {
	c := CanonicalStage(v.(string))
	if c == "" {
		return nil, Errorf(CodeInvalidStage, "stage is empty").WithHint(`send a lower-case stage id, e.g. "negotiation"`)
	}
	return c, nil
}

func parseProbability(raw json.RawMessage) (any, *Error) {
	p, err := ParseProbability(raw)
	if err != nil {
		return nil, err
	}
	return int64(p), nil
}

func checkPhones(env *WriteEnv, v any) (any, *Error) {
	region := ""
	if env != nil && env.Workspace != nil {
		region = env.Workspace.PhoneRegion
	}
	return normalizeList("phones", v.([]string), func(s string) (string, error) { return NormalizePhone(s, region) })
}

func checkEmails(_ *WriteEnv, v any) (any, *Error) {
	return normalizeList("emails", v.([]string), NormalizeEmail)
}

// normalizeList normalises each entry and drops duplicates ("+20 10…" and
// "+2010…" normalise alike); a bad entry is the normaliser's error.
func normalizeList(col string, a []string, norm func(string) (string, error)) (any, *Error) {
	out := make([]string, 0, len(a))
	seen := map[string]bool{}
	for _, v := range a {
		n, err := norm(v)
		if err != nil {
			e, ok := AsError(err)
			if !ok {
				return nil, Errorf(CodeInvalidField, "%s: %v", col, err)
			}
			ce := *e
			ce.Message = col + ": " + ce.Message
			return nil, &ce
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}
