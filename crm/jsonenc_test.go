package crm

import (
	"encoding/json"
	"testing"
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

func TestErrorAppendJSONMatchesMarshal(t *testing.T) {
	e := &Error{Code: "c", Message: "m \"x\"", Hint: "h"}
	want, _ := json.Marshal(e)
	if got := e.AppendJSON(nil); string(got) != string(want) {
		t.Errorf("Error.AppendJSON = %s; want %s", got, want)
	}
}
