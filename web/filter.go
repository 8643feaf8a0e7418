package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// view is a board's or list's search and filters, read from and written
// to the URL so a view can be bookmarked and shared.
type view struct {
	Pipeline string // pipeline id; "" for the default
	Q        string // title, contact name, phone (any format) or email
	Tag      string
	Source   string
	Currency string
	From     string // expected close date, YYYY-MM-DD, inclusive
	To       string
	// Problems lists filter values that were ignored, and why.
	Problems []string
}

// maxSearchLen bounds a search text.
const maxSearchLen = 200

// parseView reads a view from query parameters.
func parseView(q url.Values) *view {
	v := &view{
		Pipeline: strings.TrimSpace(q.Get("pipeline")),
		Q:        strings.TrimSpace(q.Get("q")),
		Tag:      strings.TrimSpace(q.Get("tag")),
		Source:   strings.TrimSpace(q.Get("source")),
		Currency: strings.ToUpper(strings.TrimSpace(q.Get("currency"))),
		From:     strings.TrimSpace(q.Get("from")),
		To:       strings.TrimSpace(q.Get("to")),
	}
	if len(v.Q) > maxSearchLen {
		v.Q = v.Q[:maxSearchLen]
	}
	for _, d := range []*string{&v.From, &v.To} {
		if *d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *d); err != nil {
			v.Problems = append(v.Problems, "The date "+*d+" was ignored: use YYYY-MM-DD.")
			*d = ""
		}
	}
	if v.Currency != "" {
		if c, err := crm.NormalizeCurrency(v.Currency); err == nil {
			v.Currency = c
		} else {
			v.Problems = append(v.Problems, "The currency "+v.Currency+" was ignored: use an ISO 4217 code such as SAR.")
			v.Currency = ""
		}
	}
	return v
}

// Values returns the view as query parameters (empty ones left out).
func (v *view) Values() url.Values {
	q := url.Values{}
	for _, kv := range [][2]string{{"pipeline", v.Pipeline}, {"q", v.Q}, {"tag", v.Tag}, {"source", v.Source},
		{"currency", v.Currency}, {"from", v.From}, {"to", v.To}} {
		if kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	return q
}

// Query is the view's query string, "" for no filters.
func (v *view) Query() string { return v.Values().Encode() }

// Filtered reports whether anything narrows the view.
func (v *view) Filtered() bool {
	return v.Q != "" || v.Tag != "" || v.Source != "" || v.Currency != "" || v.From != "" || v.To != ""
}

// boardFilter is the store's filter for the view in pipeline p. The
// search text also matches a contact's phone, normalised with the
// workspace's region as every write is, and email.
func (v *view) boardFilter(ws *crm.Workspace, p *crm.Pipeline) *sqlstore.BoardFilter {
	f := &sqlstore.BoardFilter{PipelineID: p.ID, Text: v.Q, Tag: v.Tag, Source: v.Source, Currency: v.Currency,
		CloseFrom: v.From, CloseTo: v.To}
	f.Phone, f.Email = searchIdentifiers(v.Q, ws.PhoneRegion)
	return f
}

// searchIdentifiers reads a search text as a phone (E.164) and an email,
// "" for what it cannot be.
func searchIdentifiers(q, region string) (phone, email string) {
	if q == "" {
		return "", ""
	}
	digits := 0
	for _, r := range q {
		if r >= '0' && r <= '9' || r >= '\u0660' && r <= '\u0669' || r >= '\u06f0' && r <= '\u06f9' {
			digits++
		}
	}
	if digits >= 6 {
		if p, err := crm.NormalizePhone(q, region); err == nil {
			phone = p
		}
	}
	if strings.Contains(q, "@") {
		if e, err := crm.NormalizeEmail(q); err == nil {
			email = e
		}
	}
	return phone, email
}
