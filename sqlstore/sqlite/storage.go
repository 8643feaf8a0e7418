package sqlite

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/google/uuid"
	"modernc.org/sqlite"
)

// The storage form of two kinds on SQLite (migrations/00011): a UUID is
// its 16 bytes as a BLOB, a timestamp the INTEGER count of microseconds
// since 1970-01-01 UTC. Both orders are kept: 16 big-endian bytes compare
// (memcmp) as the lowercase hex text compares, and the integer as the
// time. The API and PostgreSQL keep the text forms; Bind and Decode
// translate.

// bindUUID is Bind of a uuid: a 16-byte BLOB. Text that is no UUID is
// bound as it is, and so equals no stored id.
func bindUUID(v any) any {
	if s, ok := v.(string); ok {
		if b, ok := uuidBlob(s); ok {
			return b
		}
	}
	return v
}

// bindTime is Bind of a timestamp: INTEGER microseconds. Records hold
// timestamps as crm.TimeFormat text, the store's own code as time.Time.
func bindTime(v any) any {
	switch t := v.(type) {
	case time.Time:
		return timeMicros(t)
	case string:
		if tm, ok := parseStoredTime(t); ok {
			return timeMicros(tm)
		}
	}
	return v
}

// decodeTime is Decode of a timestamp (src is not nil): the stored
// microseconds, or RFC 3339 text (a value 00011 could not convert).
func decodeTime(src any) (any, error) {
	switch v := src.(type) {
	case int64:
		return microsTime(v), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, fmt.Errorf("timestamp %q: %w (want microseconds since 1970 or RFC 3339 text)", v, err)
		}
		return t.UTC(), nil
	}
	return nil, fmt.Errorf("cannot read %T as a timestamp (want microseconds since 1970 or RFC 3339 text)", src)
}

// uuidBlob returns the 16 bytes of the UUID s (canonical 36-character
// form, either case), or false when s is not one.
func uuidBlob(s string) ([]byte, bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		u, err := uuid.Parse(s)
		if err != nil {
			return nil, false
		}
		return u[:], true
	}
	b := make([]byte, 16)
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		b[j] = hi<<4 | lo
		j++
		i += 2
	}
	return b, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// uuidText renders 16 bytes as the canonical lowercase UUID text.
func uuidText(b []byte) (string, error) {
	if len(b) != 16 {
		return "", fmt.Errorf("uuid: %d bytes stored, want 16 (a file written by another program?)", len(b))
	}
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:]), nil
}

// timeMicros is t as stored: microseconds since the epoch, truncated as
// crm.FormatTime truncates.
func timeMicros(t time.Time) int64 { return t.UnixMicro() }

// microsTime is the stored microseconds as a UTC time.
func microsTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

// parseStoredTime reads a timestamp written as text (crm.TimeFormat, or
// any RFC 3339 form), the form records hold.
func parseStoredTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// The codecs as SQL functions, for migrations/00011 and its Down: each
// converts a value of the other form and returns any other value as it
// is (NULL stays NULL).

func sqlUUIDBlob(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if s, ok := args[0].(string); ok {
		if b, ok := uuidBlob(s); ok {
			return b, nil
		}
	}
	return args[0], nil
}

func sqlUUIDText(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if b, ok := args[0].([]byte); ok && len(b) == 16 {
		return uuidText(b)
	}
	return args[0], nil
}

func sqlTimeMicros(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if s, ok := args[0].(string); ok {
		if t, ok := parseStoredTime(s); ok {
			return timeMicros(t), nil
		}
	}
	return args[0], nil
}

func sqlTimeText(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if us, ok := args[0].(int64); ok {
		return crm.FormatTime(microsTime(us)), nil
	}
	return args[0], nil
}
