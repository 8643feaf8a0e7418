package crm

import (
	"strconv"
	"unicode/utf8"
)

// The bulk endpoint answers with up to 10,000 stored deals; encoding them by
// reflection (and re-validating every custom_fields object) cost a third of
// the request. These appenders write the same JSON directly.

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaping what JSON requires
// (quote, backslash, control characters) and invalid UTF-8 as U+FFFD, like
// encoding/json.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return AppendJSONString(b, *s)
}

// AppendJSON appends the deal as the REST API shows it; the output equals
// json.Marshal(d).
func (d *Deal) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendOptString(b, d.ID)
	b = append(b, `,"title":`...)
	b = AppendJSONString(b, d.Title)
	b = append(b, `,"value":`...)
	b = append(b, d.Value.Decimal.String()...)
	b = append(b, `,"currency":`...)
	b = AppendJSONString(b, d.Currency)
	b = append(b, `,"stage":`...)
	b = AppendJSONString(b, d.Stage)
	b = append(b, `,"pipeline_id":`...)
	b = AppendJSONString(b, d.PipelineID)
	b = append(b, `,"contact_id":`...)
	b = appendOptString(b, d.ContactID)
	b = append(b, `,"company_id":`...)
	b = appendOptString(b, d.CompanyID)
	b = append(b, `,"expected_close_date":`...)
	b = appendOptString(b, d.ExpectedCloseDate)
	b = append(b, `,"probability":`...)
	if d.Probability == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*d.Probability), 10)
	}
	b = append(b, `,"source":`...)
	b = appendOptString(b, d.Source)
	b = append(b, `,"tags":[`...)
	for i, t := range d.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, t)
	}
	b = append(b, `],"custom_fields":`...)
	if len(d.CustomFields) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, d.CustomFields...) // compacted JSON, checked on the way in
	}
	b = append(b, `,"created_at":`...)
	b = AppendJSONString(b, d.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = AppendJSONString(b, d.UpdatedAt)
	return append(b, '}')
}

// AppendJSON appends the error object, as MarshalJSON writes it.
func (e *Error) AppendJSON(b []byte) []byte {
	b = append(b, `{"code":`...)
	b = AppendJSONString(b, e.Code)
	b = append(b, `,"message":`...)
	b = AppendJSONString(b, e.Message)
	b = append(b, `,"details":`...)
	if e.Details == "" {
		b = append(b, "null"...)
	} else {
		b = AppendJSONString(b, e.Details)
	}
	b = append(b, `,"hint":`...)
	if e.Hint == "" {
		b = append(b, "null"...)
	} else {
		b = AppendJSONString(b, e.Hint)
	}
	return append(b, '}')
}
