package crm

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "new\nline\ttab\r", "\x00\x1f", "عربي ٠١٢", "emoji 🎉",
		"bad \xff utf8", "\u2028\u2029", "<html>&"} {
		want, _ := json.Marshal(s)
		var got, back string
		got = string(AppendJSONString(nil, s))
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("AppendJSONString(%q) = %s: invalid JSON: %v", s, got, err)
			continue
		}
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("AppendJSONString(%q) decodes to %q; encoding/json gives %q", s, back, wantBack)
		}
	}
}

func TestDealAppendJSONMatchesMarshal(t *testing.T) {
	id, cid, date, src := "0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f", "c", "2025-12-31", "shop\"ify"
	p := 40
	for _, d := range []Deal{
		{ID: &id, Title: "Order \"1\"", Value: Amount{decimal.RequireFromString("11523.5")}, Currency: "SAR", Stage: "new", PipelineID: "p",
			ContactID: &cid, ExpectedCloseDate: &date, Probability: &p, Source: &src, Tags: []string{"a", "b"},
			CustomFields: json.RawMessage(`{"a":[1,{"b":null}]}`), CreatedAt: "t1", UpdatedAt: "t2"},
		{Title: "x", Tags: []string{}, CustomFields: json.RawMessage(`{}`)},
	} {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON =\n%s\nwant\n%s", got, want)
		}
	}
	e := &Error{Code: "c", Message: "m \"x\"", Hint: "h"}
	want, _ := json.Marshal(e)
	if got := e.AppendJSON(nil); string(got) != string(want) {
		t.Errorf("Error.AppendJSON = %s; want %s", got, want)
	}
}
