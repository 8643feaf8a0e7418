package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseDealItemTraps(t *testing.T) {
	// The guide's traps (API.md §3) and other bad items: each names the
	// field, what was received, and the fix.
	tests := []struct {
		name, item              string
		code, msgPart, hintPart string
	}{
		{"value as string", `{"title":"Order 68297792","value":"11523.00","contact_phone":"+201017177777"}`,
			CodeInvalidValue, `must be a JSON number, got the string "11523.00"`, "11523"},
		{"nested contact", `{"title":"Order 68297792","value":1,"contact":{"phone":"+201017177777"}}`,
			CodeUnknownField, `"contact"`, "contact_phone / contact_email"},
		{"custom_fields None", `{"title":"T","value":1,"contact_phone":"+201017177777","custom_fields":"None"}`,
			CodeInvalidCustom, `must be a JSON object or omitted, got "None"`, "omit custom_fields"},
		{"custom_fields array", `{"title":"T","value":1,"contact_phone":"+201017177777","custom_fields":[1]}`,
			CodeInvalidCustom, "JSON object", ""},
		{"typo contact_phon", `{"title":"T","value":1,"contact_phon":"+201017177777"}`,
			CodeUnknownField, `"contact_phon"`, `did you mean "contact_phone"?`},
		{"typo titel", `{"titel":"T","value":1,"contact_phone":"+201017177777"}`,
			CodeUnknownField, `"titel"`, `did you mean "title"?`},
		{"typo create_contact", `{"title":"T","value":1,"contact_phone":"+201017177777","create_contact":true}`,
			CodeUnknownField, `"create_contact"`, `create_contact_if_missing`},
		{"currency SR", `{"title":"T","value":1,"currency":"SR","contact_phone":"+201017177777"}`,
			CodeInvalidCurrency, `"SR"`, "SAR"},
		{"no title", `{"value":1,"contact_phone":"+201017177777"}`, CodeInvalidTitle, "required", "title"},
		{"blank title", `{"title":"  ","value":1,"contact_phone":"+201017177777"}`, CodeInvalidTitle, "empty", ""},
		{"title number", `{"title":5,"value":1,"contact_phone":"+201017177777"}`, CodeInvalidField, "title must be a string, got 5", ""},
		{"no value", `{"title":"T","contact_phone":"+201017177777"}`, CodeInvalidValue, "required", ""},
		{"negative value", `{"title":"T","value":-1,"contact_phone":"+201017177777"}`, CodeInvalidValue, ">= 0", ""},
		{"no contact", `{"title":"T","value":1}`, CodeMissingContact, "no contact", "contact_phone"},
		{"bad phone", `{"title":"T","value":1,"contact_phone":"call me"}`, CodeInvalidPhone, `contact_phone: phone "call me"`, ""},
		{"bad email", `{"title":"T","value":1,"contact_email":"sara(at)example.com"}`, CodeInvalidEmail, "contact_email", ""},
		{"bad contact_id", `{"title":"T","value":1,"contact_id":"42"}`, CodeInvalidField, `contact_id "42" is not a UUID`, ""},
		{"bad date", `{"title":"T","value":1,"contact_phone":"+201017177777","expected_close_date":"31/12/2025"}`, CodeInvalidDate, `"31/12/2025"`, "YYYY-MM-DD"},
		{"probability 101", `{"title":"T","value":1,"contact_phone":"+201017177777","probability":101}`, CodeInvalidField, "0 to 100, got 101", ""},
		{"probability 50.5", `{"title":"T","value":1,"contact_phone":"+201017177777","probability":50.5}`, CodeInvalidField, "got 50.5", ""},
		{"probability string", `{"title":"T","value":1,"contact_phone":"+201017177777","probability":"50"}`, CodeInvalidField, `got "50"`, ""},
		{"tags string", `{"title":"T","value":1,"contact_phone":"+201017177777","tags":"vip"}`, CodeInvalidField, "tags must be an array of strings", ""},
		{"create flag string", `{"title":"T","value":1,"contact_phone":"+201017177777","create_contact_if_missing":"yes"}`, CodeInvalidField, "true or false", ""},
		{"not an object", `[1,2]`, CodeInvalidRequest, "JSON object", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDealItem(0, json.RawMessage(tt.item), testDeals, &WriteEnv{Workspace: &Workspace{}})
			if err == nil {
				t.Fatalf("ParseDealItem(%s) succeeded; want %s", tt.item, tt.code)
			}
			if err.Code != tt.code || !strings.Contains(err.Message, tt.msgPart) || !strings.Contains(err.Hint, tt.hintPart) {
				t.Errorf("got %s %q hint %q; want %s containing %q, hint containing %q", err.Code, err.Message, err.Hint, tt.code, tt.msgPart, tt.hintPart)
			}
		})
	}
}

func TestParseDealItemNormalises(t *testing.T) {
	in, err := ParseDealItem(3, json.RawMessage(`{"title":"Order 1","value":11523.5,"currency":"sar","stage":"QUALIFIED",
		"contact_phone":"00201017177777","contact_email":" Sara@Example.com ","create_contact_if_missing":true,
		"contact_first_name":"Sara","expected_close_date":"2025-12-31","probability":60,"source":"shopify",
		"tags":["vip"],"custom_fields":{ "a" : 1 },"pipeline_id":null}`), testDeals, &WriteEnv{Workspace: &Workspace{}})
	if err != nil {
		t.Fatal(err)
	}
	d := in.Deal
	value, _ := d.Get("value")
	prob, _ := d.Get("probability")
	tags, _ := d.Get("tags")
	custom, _ := d.Get("custom_fields")
	if in.Index != 3 || fmt.Sprint(value) != "11523.5" || d.Str("currency") != "SAR" || d.Str("stage") != "QUALIFIED" ||
		in.ContactPhone != "+201017177777" || in.ContactEmail != "sara@example.com" || !in.CreateContact ||
		*in.FirstName != "Sara" || d.Str("expected_close_date") != "2025-12-31" || prob != int64(60) || d.Str("source") != "shopify" ||
		len(tags.([]string)) != 1 || string(custom.(json.RawMessage)) != `{"a":1}` || d.IsSet("pipeline_id") {
		t.Errorf("ParseDealItem = %+v %v", in, d.Vals)
	}
	in, err = ParseDealItem(0, json.RawMessage(`{"title":"T","value":1,"contact_phone":"0501234567"}`), testDeals,
		&WriteEnv{Workspace: &Workspace{PhoneRegion: "SA"}})
	if err != nil || in.ContactPhone != "+966501234567" {
		t.Errorf("region SA: %v %v", in.ContactPhone, err)
	}
	env := &WriteEnv{Workspace: &Workspace{DefaultCurrency: "EGP"}, Pipelines: testPipelines(), Now: "t"}
	if err := in.Prepare(env); err != nil {
		t.Fatal(err)
	}
	if c, _ := in.Deal.Get("custom_fields"); string(c.(json.RawMessage)) != "{}" {
		t.Errorf("absent custom_fields = %s; want {}", c)
	}
}

var testDeals = DefaultSchema.MustTable("deals")

func testPipelines() *Pipelines {
	p := &Pipeline{ID: "p1", Name: "Sales", IsDefault: true, Stages: DefaultStages}
	return &Pipelines{ByID: map[string]*Pipeline{"p1": p}, Default: p}
}

func TestParseBulkRequest(t *testing.T) {
	req, err := ParseBulkRequest([]byte(`{"default_currency":"sar","default_stage":"QUALIFIED","skip_if_exists":true,"atomic":true,"dry_run":false,"deals":[{}]}`), 10)
	if err != nil || req.DefaultCurrency != "SAR" || req.DefaultStage != "QUALIFIED" || !req.SkipIfExists || !req.Atomic || len(req.Deals) != 1 {
		t.Fatalf("ParseBulkRequest = %+v, %v", req, err)
	}
	bad := []struct{ body, code, part string }{
		{`not json`, CodeInvalidRequest, "JSON object"},
		{`[]`, CodeInvalidRequest, "JSON object"},
		{`{}`, CodeInvalidRequest, "no deals array"},
		{`{"deals":{}}`, CodeInvalidRequest, "must be an array"},
		{`{"deals":[]}`, CodeInvalidRequest, "empty"},
		{`{"deals":[{},{},{}]}`, CodeTooLarge, "too many deals: 3, the limit is 2"},
		{`{"deals":[{}],"default_currency":"SR"}`, CodeInvalidCurrency, "default_currency"},
		{`{"deals":[{}],"skip_if_exist":true}`, CodeUnknownField, `"skip_if_exist"`},
		{`{"deals":[{}],"atomic":"yes"}`, CodeInvalidField, "atomic must be true or false"},
		{`{"deals":[{}],"default_pipeline_id":"x"}`, CodeInvalidField, "not a UUID"},
	}
	for _, tt := range bad {
		_, err := ParseBulkRequest([]byte(tt.body), 2)
		e, ok := AsError(err)
		if !ok || e.Code != tt.code || !strings.Contains(e.Message, tt.part) {
			t.Errorf("ParseBulkRequest(%s) = %v; want %s containing %q", tt.body, err, tt.code, tt.part)
		}
	}
	_, err = ParseBulkRequest([]byte(`{"deals":[{}],"skip_if_exist":true}`), 2)
	if e, _ := AsError(err); !strings.Contains(e.Hint, "skip_if_exists") {
		t.Errorf("hint = %q; want the nearest field skip_if_exists", e.Hint)
	}
}

type fakeLookup struct {
	ids            map[string]bool
	phones, emails map[string]string
}

func (f fakeLookup) ContactExists(id string) bool { return f.ids[id] }
func (f fakeLookup) ContactByPhone(p string) (string, bool) {
	id, ok := f.phones[p]
	return id, ok
}
func (f fakeLookup) ContactByEmail(e string) (string, bool) {
	id, ok := f.emails[e]
	return id, ok
}

func TestLink(t *testing.T) {
	l := fakeLookup{
		ids:    map[string]bool{"c-id": true, "c-phone": true, "c-email": true},
		phones: map[string]string{"+201017177777": "c-phone"},
		emails: map[string]string{"sara@example.com": "c-email"},
	}
	tests := []struct {
		name    string
		in      DealInput
		wantID  string
		wantBy  MatchedBy
		wantErr string
	}{
		{"contact_id first", DealInput{ContactID: "c-id", ContactPhone: "+201017177777"}, "c-id", MatchedByID, ""},
		{"unknown contact_id fails even with a phone", DealInput{ContactID: "nope", ContactPhone: "+201017177777"}, "", "", CodeContactNotFound},
		{"phone before email", DealInput{ContactPhone: "+201017177777", ContactEmail: "sara@example.com"}, "c-phone", MatchedByPhone, ""},
		{"email when the phone is unknown", DealInput{ContactPhone: "+201000000000", ContactEmail: "sara@example.com"}, "c-email", MatchedByEmail, ""},
		{"create when missing", DealInput{ContactPhone: "+201000000000", CreateContact: true}, "", MatchedByCreated, ""},
		{"match beats create", DealInput{ContactEmail: "sara@example.com", CreateContact: true}, "c-email", MatchedByEmail, ""},
		{"not found", DealInput{ContactPhone: "+201000000000"}, "", "", CodeContactNotFound},
	}
	for _, tt := range tests {
		id, by, err := Link(&tt.in, l)
		if tt.wantErr != "" {
			if err == nil || err.Code != tt.wantErr || err.Hint == "" {
				t.Errorf("%s: err = %v; want %s with a hint", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || id != tt.wantID || by != tt.wantBy {
			t.Errorf("%s: Link = %q, %q, %v; want %q, %q", tt.name, id, by, err, tt.wantID, tt.wantBy)
		}
	}
}

func TestPrepareResolvesDeals(t *testing.T) {
	ws := &Workspace{DefaultCurrency: "EGP"}
	deal := func(kv ...string) *Record {
		r := testDeals.NewRecord()
		r.Set("title", "T")
		for i := 0; i < len(kv); i += 2 {
			r.Set(kv[i], kv[i+1])
		}
		return r
	}
	tests := []struct {
		name                       string
		in                         *Record
		req                        BulkRequest
		wantCur, wantStage, errCod string
	}{
		{"workspace defaults", deal(), BulkRequest{}, "EGP", "new", ""},
		{"request defaults", deal(), BulkRequest{DefaultCurrency: "SAR", DefaultStage: "QUALIFIED"}, "SAR", "qualified", ""},
		{"item wins", deal("currency", "USD", "stage", "Won"), BulkRequest{DefaultCurrency: "SAR", DefaultStage: "lead"}, "USD", "won", ""},
		{"stage not in pipeline", deal("stage", "negotiation"), BulkRequest{}, "", "", CodeInvalidStage},
		{"bad default stage", deal(), BulkRequest{DefaultStage: "negotiation"}, "", "", CodeInvalidStage},
		{"unknown pipeline", deal("pipeline_id", "p2"), BulkRequest{}, "", "", CodeInvalidPipeline},
	}
	for _, tt := range tests {
		tt.in.Set("value", decimal.NewFromInt(1))
		env := &WriteEnv{Workspace: ws, Pipelines: testPipelines(), Now: "t", Defaults: tt.req.Defaults()}
		err := testDeals.PrepareInsert(env, tt.in)
		if tt.errCod != "" {
			if err == nil || err.Code != tt.errCod {
				t.Errorf("%s: err = %v; want %s", tt.name, err, tt.errCod)
			}
			if tt.name == "bad default stage" && err != nil && !strings.HasPrefix(err.Message, "default_stage: ") {
				t.Errorf("%s: message %q does not name default_stage", tt.name, err.Message)
			}
			continue
		}
		if err != nil || tt.in.Str("currency") != tt.wantCur || tt.in.Str("stage") != tt.wantStage || tt.in.Str("pipeline_id") != "p1" {
			t.Errorf("%s: got %v %v", tt.name, tt.in.Vals, err)
		}
		if tt.in.Str("id") == "" || tt.in.Str("created_at") != "t" {
			t.Errorf("%s: id and timestamps not filled: %v", tt.name, tt.in.Vals)
		}
	}
	err := testDeals.PrepareInsert(&WriteEnv{Workspace: ws, Pipelines: testPipelines()}, deal("stage", "negotiation", "value", "1"))
	if err == nil || !strings.Contains(err.Details, "new, lead, qualified, proposal, won, lost") {
		t.Errorf("invalid_stage = %v; want the pipeline's stage ids in details", err)
	}
}

func TestPlainJSONStringAgreesWithUnmarshal(t *testing.T) {
	for _, raw := range []string{`"plain"`, `""`, `"a\"b"`, `"tab\there"`, `"عربي"`, "\"bad \xff\"", `"\u0041"`, `5`, `"x`, `null`} {
		var want string
		wantErr := json.Unmarshal([]byte(raw), &want) != nil
		got, ok := plainJSONString(json.RawMessage(raw))
		if ok && (wantErr || got != want) {
			t.Errorf("plainJSONString(%s) = %q; encoding/json gives %q (err %v)", raw, got, want, wantErr)
		}
		if s, err := stringField("f", json.RawMessage(raw)); (err != nil) != wantErr || (err == nil && s != want) {
			t.Errorf("stringField(%s) = %q, %v; want %q (err %v)", raw, s, err, want, wantErr)
		}
	}
}

func TestEnrich(t *testing.T) {
	contacts := DefaultSchema.MustTable("contacts")
	l := fakeLookup{phones: map[string]string{"+201017177777": "c1"}, emails: map[string]string{"other@example.com": "c2"}}
	contact := func(emails ...string) *Record {
		r := contacts.NewRecord()
		r.Set("id", "c1")
		r.Set("phones", []string{"+201017177777"})
		r.Set("emails", append([]string{}, emails...))
		r.Set("first_name", "Sara")
		r.Set("last_name", nil)
		return r
	}
	name := func(s string) *string { return &s }
	tests := []struct {
		name      string
		in        DealInput
		by        MatchedBy
		added     string
		conflicts int
		emails    string
	}{
		{"email and last name added", DealInput{ContactPhone: "+201017177777", ContactEmail: "sara@example.com", FirstName: name("Sarah"), LastName: name("Ahmed")},
			MatchedByPhone, "[emails last_name]", 0, "[sara@example.com]"},
		{"another contact's email is not moved", DealInput{ContactPhone: "+201017177777", ContactEmail: "other@example.com"}, MatchedByPhone, "[]", 1, "[]"},
		{"found by email: the phone is added", DealInput{ContactPhone: "+201099999999", ContactEmail: "sara@example.com"}, MatchedByEmail, "[phones]", 0, "[sara@example.com]"},
		{"found by id: nothing changes", DealInput{ContactID: "c1", ContactEmail: "sara@example.com"}, MatchedByID, "[]", 0, "[]"},
		{"blank names are not names", DealInput{ContactPhone: "+201017177777", LastName: name(" ")}, MatchedByPhone, "[]", 0, "[]"},
	}
	for _, tt := range tests {
		c := contact()
		if tt.by == MatchedByEmail {
			c = contact(tt.in.ContactEmail)
		}
		added, conflicts := Enrich(&tt.in, tt.by, c, l)
		emails, _ := c.Get("emails")
		if fmt.Sprint(added) != tt.added || len(conflicts) != tt.conflicts || fmt.Sprint(emails) != tt.emails || c.Str("first_name") != "Sara" {
			t.Errorf("%s: added %v, conflicts %v, emails %v, first_name %q", tt.name, added, conflicts, emails, c.Str("first_name"))
		}
	}
}

// The hand-split path (a body the API has checked) answers as the
// encoding/json path does: the same deals, flags and errors.
func FuzzParseValidBulkRequest(f *testing.F) {
	for _, s := range []string{`{"deals":[{"title":"a"},{"x":1}],"atomic":true}`, `{"deals":[]}`, `{"deals":{}}`, `{"a\u0041":1,"deals":[{}]}`,
		`{"deals":[{}],"default_currency":"sar","dry_run":false}`, `{"deals":[{}],"deals":[{},{}]}`, `{"deals":[{}],"atomic":"yes"}`, `[]`, `null`, ` {"deals" : [ {} ] } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		a, errA := ParseBulkRequest(body, 3)
		b, errB := ParseValidBulkRequest(body, 3)
		ea, _ := AsError(errA)
		eb, _ := AsError(errB)
		if (errA == nil) != (errB == nil) || (ea != nil && eb != nil && ea.Code != eb.Code) {
			t.Fatalf("%q: %v, hand-split %v", body, errA, errB)
		}
		if a == nil || b == nil {
			return
		}
		if len(a.Deals) != len(b.Deals) || a.Atomic != b.Atomic || a.DryRun != b.DryRun || a.SkipIfExists != b.SkipIfExists ||
			a.DefaultCurrency != b.DefaultCurrency || a.DefaultStage != b.DefaultStage || a.DefaultPipelineID != b.DefaultPipelineID {
			t.Fatalf("%q: %+v, hand-split %+v", body, a, b)
		}
		for i := range a.Deals {
			if !bytes.Equal(bytes.TrimSpace(a.Deals[i]), bytes.TrimSpace(b.Deals[i])) {
				t.Fatalf("%q: deal %d %s, hand-split %s", body, i, a.Deals[i], b.Deals[i])
			}
		}
	})
}

// An item's first unknown key, in the order sent, is its error.
func TestParseDealItemFirstUnknownKey(t *testing.T) {
	env := &WriteEnv{Workspace: &Workspace{}, Pipelines: testPipelines()}
	_, err := ParseDealItem(0, json.RawMessage(`{"title":"a","valeu":1,"stgae":"new"}`), testDeals, env)
	if err == nil || err.Code != CodeUnknownField || !strings.Contains(err.Message, `"valeu"`) {
		t.Fatalf("error = %v; want unknown_field naming valeu", err)
	}
}
