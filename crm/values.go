package crm

import (
	"time"

	"github.com/shopspring/decimal"
)

// TimeFormat is how timestamps are shown and stored as text: UTC, RFC 3339
// with microseconds, fixed width so that text order is time order.
const TimeFormat = "2006-01-02T15:04:05.000000Z07:00"

// FormatTime renders t in TimeFormat, in UTC, truncated to microseconds.
func FormatTime(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(TimeFormat) }

// Amount is an exact decimal that encodes as a bare JSON number.
type Amount struct{ decimal.Decimal }

// MarshalJSON writes the value as a JSON number with no trailing zeros.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.Decimal.String()), nil }
