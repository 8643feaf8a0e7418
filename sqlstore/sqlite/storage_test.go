package sqlite

import (
	"bytes"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/google/uuid"
)

func TestBindDecodeUUID(t *testing.T) {
	d := Dialect{}
	blob := []byte{0x01, 0x90, 0xa0, 0xb0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x0f}
	for _, c := range []struct {
		name string
		in   any
		want any
	}{
		{"canonical", "0190a0b0-0000-7000-8000-00000000000f", blob},
		{"upper case", "0190A0B0-0000-7000-8000-00000000000F", blob},
		{"braces", "{0190a0b0-0000-7000-8000-00000000000f}", blob},
		{"null", nil, nil},
		{"not hex", "0190a0b0-0000-7000-8000-00000000000g", "0190a0b0-0000-7000-8000-00000000000g"},
		{"too short", "0190a0b0", "0190a0b0"},
		{"dash misplaced", "0190a0b00-000-7000-8000-00000000000f", "0190a0b00-000-7000-8000-00000000000f"},
	} {
		if got := d.Bind(crm.KindUUID, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Bind(uuid, %v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		name    string
		in      any
		want    any
		wantErr bool
	}{
		{"blob", blob, "0190a0b0-0000-7000-8000-00000000000f", false},
		{"null", nil, nil, false},
		{"text kept", "k-old", "k-old", false},
		{"15 bytes", blob[:15], nil, true},
		{"integer", int64(1), nil, true},
	} {
		got, err := d.Decode(crm.KindUUID, c.in)
		if (err != nil) != c.wantErr || (!c.wantErr && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s: Decode(uuid, %#v) = %#v, %v; want %#v (error %v)", c.name, c.in, got, err, c.want, c.wantErr)
		}
	}
}

// TestUUIDOrder: the blobs of random v4 and v7 UUIDs round-trip and sort
// as their lowercase texts do (ORDER BY id, id=gt. filters).
func TestUUIDOrder(t *testing.T) {
	d := Dialect{}
	var texts []string
	var blobs [][]byte
	for i := range 500 {
		u := uuid.New()
		if i%2 == 0 {
			u = uuid.Must(uuid.NewV7())
		}
		s := u.String()
		b := d.Bind(crm.KindUUID, s).([]byte)
		back, err := d.Decode(crm.KindUUID, b)
		if err != nil || back != s {
			t.Fatalf("round trip of %s: %v, %v", s, back, err)
		}
		texts, blobs = append(texts, s), append(blobs, b)
	}
	sort.Strings(texts)
	slices.SortFunc(blobs, bytes.Compare)
	for i, b := range blobs {
		if s, _ := d.Decode(crm.KindUUID, b); s != texts[i] {
			t.Fatalf("position %d: blob order gives %s, text order %s", i, s, texts[i])
		}
	}
}

func TestBindDecodeTime(t *testing.T) {
	d := Dialect{}
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	for _, c := range []struct {
		name string
		in   any
		want any
	}{
		{"time truncated to the microsecond", at, at.Unix()*1e6 + 123456},
		{"time in another zone", at.In(time.FixedZone("x", 3*3600)), at.Unix()*1e6 + 123456},
		{"record text", "2026-03-04T05:06:07.123456Z", at.Unix()*1e6 + 123456},
		{"epoch", "1970-01-01T00:00:00.000000Z", int64(0)},
		{"before the epoch", "1969-12-31T23:59:59.999999Z", int64(-1)},
		{"null", nil, nil},
		{"not a time", "yesterday", "yesterday"},
	} {
		if got := d.Bind(crm.KindTime, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Bind(time, %v) = %#v, want %#v", c.name, c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		name    string
		in      any
		want    string // crm.FormatTime of the result; "" for nil
		wantErr bool
	}{
		{"micros", at.Unix()*1e6 + 123456, "2026-03-04T05:06:07.123456Z", false},
		{"before the epoch", int64(-1), "1969-12-31T23:59:59.999999Z", false},
		{"year 1", int64(-62135596800000000), "0001-01-01T00:00:00.000000Z", false},
		{"text", "2026-03-04T05:06:07.123456Z", "2026-03-04T05:06:07.123456Z", false},
		{"null", nil, "", false},
		{"bad text", "yesterday", "", true},
		{"float", 1.5, "", true},
	} {
		got, err := d.Decode(crm.KindTime, c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("%s: Decode(time, %#v): error %v, want error %v", c.name, c.in, err, c.wantErr)
			continue
		}
		s := ""
		if tm, ok := got.(time.Time); ok {
			s = crm.FormatTime(tm)
		} else if got != nil {
			t.Errorf("%s: Decode(time, %#v) = %#v, not a time", c.name, c.in, got)
		}
		if s != c.want {
			t.Errorf("%s: Decode(time, %#v) shows %q, want %q", c.name, c.in, s, c.want)
		}
	}
	// Every text a record holds comes back as the same text.
	for _, s := range []string{"2026-12-01T11:40:34.000001Z", "2000-02-29T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"} {
		tm, err := d.Decode(crm.KindTime, d.Bind(crm.KindTime, s))
		if err != nil || crm.FormatTime(tm.(time.Time)) != s {
			t.Errorf("round trip of %s: %v, %v", s, tm, err)
		}
	}
}
