package crm

import "encoding/json"

// The bulk endpoint's items are split by hand: decoding a 10,000-deal
// body through encoding/json into maps of raw values scanned every byte
// three more times and spent a tenth of the ingest's CPU in reflection.
// The splitters below make one pass and copy nothing; they give up
// (ok false) on anything unusual, and the caller then uses encoding/json,
// so the answers are the same. Each value is still parsed, and so
// checked, by the column that reads it.

// splitArray returns the elements of the JSON array raw (sub-slices of
// raw).
func splitArray(raw []byte) (elems []json.RawMessage, ok bool) {
	return splitArrayInto(raw, []json.RawMessage{})
}

// splitArrayInto is splitArray appending to elems.
func splitArrayInto(raw []byte, elems []json.RawMessage) ([]json.RawMessage, bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return nil, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		return elems, skipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) {
		end, ok := skipValue(raw, i)
		if !ok {
			return nil, false
		}
		elems = append(elems, raw[i:end:end])
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return nil, false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case ']':
			return elems, skipSpace(raw, i+1) == len(raw)
		default:
			return nil, false
		}
	}
	return nil, false
}

// splitObject returns the members of the JSON object raw by key (the
// last of a repeated key, as encoding/json keeps). Keys with escapes are
// left to encoding/json.
func splitObject(raw []byte) (m map[string]json.RawMessage, ok bool) {
	var buf [16]member
	ms, ok := splitMembers(raw, buf[:0])
	if !ok {
		return nil, false
	}
	m = make(map[string]json.RawMessage, len(ms))
	for _, x := range ms {
		m[string(x.key)] = x.val
	}
	return m, true
}

// member is one member of a JSON object: its key's text and its value,
// both sub-slices of the object.
type member struct {
	key []byte
	val json.RawMessage
}

// splitMembers appends the members of the JSON object raw to dst in
// their order (a repeated key appears each time). Keys with escapes,
// control characters or non-ASCII bytes are left to encoding/json.
func splitMembers(raw []byte, dst []member) ([]member, bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return dst, skipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) {
		if raw[i] != '"' {
			return nil, false
		}
		k := i + 1
		for k < len(raw) && raw[k] != '"' {
			if raw[k] == '\\' || raw[k] < 0x20 || raw[k] >= 0x80 { // escapes, controls and non-ASCII: encoding/json
				return nil, false
			}
			k++
		}
		if k >= len(raw) {
			return nil, false
		}
		key := raw[i+1 : k : k]
		i = skipSpace(raw, k+1)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = skipSpace(raw, i+1)
		end, ok := skipValue(raw, i)
		if !ok {
			return nil, false
		}
		dst = append(dst, member{key: key, val: raw[i:end:end]})
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return nil, false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return dst, skipSpace(raw, i+1) == len(raw)
		default:
			return nil, false
		}
	}
	return nil, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i]: a string,
// an object or array (brackets matched outside strings), or a literal or
// number (up to the next delimiter).
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	case ',', '}', ']', ':':
		return 0, false
	}
	start := i
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, i > start
		case '"', '{', '[', ':':
			return 0, false
		}
		i++
	}
	return i, i > start
}

// skipString returns the end of the string starting at b[i] (its quote).
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
}
