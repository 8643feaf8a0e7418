package crm

import (
	"encoding/json"
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

// Deal is a stored deal, shaped as the REST API shows it: the keys and their
// order are those of Tables["deals"].
type Deal struct {
	ID                *string         `json:"id"`
	Title             string          `json:"title"`
	Value             Amount          `json:"value"`
	Currency          string          `json:"currency"`
	Stage             string          `json:"stage"`
	PipelineID        string          `json:"pipeline_id"`
	ContactID         *string         `json:"contact_id"`
	CompanyID         *string         `json:"company_id"`
	ExpectedCloseDate *string         `json:"expected_close_date"`
	Probability       *int            `json:"probability"`
	Source            *string         `json:"source"`
	Tags              []string        `json:"tags"`
	CustomFields      json.RawMessage `json:"custom_fields"`
	CreatedAt         string          `json:"created_at"`
	UpdatedAt         string          `json:"updated_at"`
}
