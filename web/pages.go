package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/google/uuid"
)

// field is one labelled value of a deal or contact page.
type field struct {
	Name  string
	Value string
	Link  string
	Code  bool // shown in a monospace font (ids, JSON)
}

// dealData is the data of the deal template.
type dealData struct {
	Layout
	Title     string
	ID        string
	StageName string
	Fields    []field
	Custom    []field
	History   []change
	Contact   *contactSummary
	Pipeline  *crm.Pipeline
	Stage     string
	Known     bool
}

type change struct {
	From, To, At string
}

type contactSummary struct {
	ID, Name string
	Phones   []string
	Emails   []string
}

// dealPage is GET /deals/{id}: every field, custom_fields as a table, the
// stage history and the contact.
func (h *Handler) dealPage(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	id := r.PathValue("id")
	notFound := crm.Errorf(crm.CodeNotFound, "deal %q does not exist", id).WithHint("find it on the board at /")
	if _, err := uuid.Parse(id); err != nil {
		return notFound
	}
	res, err := h.rest(r.Context(), s.p, http.MethodGet, "deals", url.Values{"id": {"eq." + id},
		"select": {"*,contact:contacts(id,first_name,last_name,phones,emails)"}}, nil)
	if err != nil {
		return err
	}
	if len(res.Rows) == 0 {
		return notFound
	}
	row := res.Rows[0]
	hist, err := h.rest(r.Context(), s.p, http.MethodGet, "deal_stage_changes", url.Values{"deal_id": {"eq." + id},
		"order": {"changed_at.asc"}}, nil)
	if err != nil {
		return err
	}
	d := &dealData{Layout: h.base(r, str(row, "title")), Title: str(row, "title"), ID: id, Stage: str(row, "stage")}
	d.Nav = "board"
	ps, err := h.store.BoardPipelines(r.Context(), s.p.Workspace.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.ID == str(row, "pipeline_id") {
			d.Pipeline = p
			for _, st := range p.Stages {
				if st.ID == d.Stage {
					d.StageName, d.Known = st.Name, true
				}
			}
		}
	}
	cur := str(row, "currency")
	for i, k := range row.Keys {
		switch k {
		case "custom_fields":
			d.Custom = customFields(row.Vals[i])
		case "contact":
			d.Contact = summarize(row.Vals[i])
		default:
			d.Fields = append(d.Fields, showField(k, row.Vals[i], cur))
		}
	}
	first := d.Stage
	if len(hist.Rows) > 0 {
		first = str(hist.Rows[0], "from_stage")
	}
	d.History = append(d.History, change{From: "(created)", To: first, At: showTime(str(row, "created_at"))})
	for _, c := range hist.Rows {
		d.History = append(d.History, change{From: str(c, "from_stage"), To: str(c, "to_stage"), At: showTime(str(c, "changed_at"))})
	}
	h.render(w, r, http.StatusOK, "deal", d)
	return nil
}

// contactData is the data of the contact template.
type contactData struct {
	Layout
	Name   string
	Fields []field
	Custom []field
	Deals  []dealRow
	Totals []Money
	Tags   []string
}

type dealRow struct {
	ID, Title, Stage, Value, Close string
}

// contactPage is GET /contacts/{id}: names, phones, emails, tags, custom
// fields and the contact's deals with totals per currency.
func (h *Handler) contactPage(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	id := r.PathValue("id")
	notFound := crm.Errorf(crm.CodeNotFound, "contact %q does not exist", id).WithHint("search for it at /contacts")
	if _, err := uuid.Parse(id); err != nil {
		return notFound
	}
	res, err := h.rest(r.Context(), s.p, http.MethodGet, "contacts", url.Values{"id": {"eq." + id},
		"select": {"*,deals(id,title,value,currency,stage,expected_close_date,created_at)"}, "deals.order": {"created_at.desc"}}, nil)
	if err != nil {
		return err
	}
	if len(res.Rows) == 0 {
		return notFound
	}
	row := res.Rows[0]
	d := &contactData{Name: contactName(row)}
	d.Layout = h.base(r, d.Name)
	d.Nav = "contacts"
	sums := moneySum{}
	for i, k := range row.Keys {
		switch k {
		case "custom_fields":
			d.Custom = customFields(row.Vals[i])
		case "tags":
			d.Tags, _ = row.Vals[i].([]string)
		case "deals":
			deals, _ := row.Vals[i].([]*sqlstore.Row)
			for _, dr := range deals {
				amt, _ := dr.Vals[indexOf(dr, "value")].(crm.Amount)
				sums.add(str(dr, "currency"), amt.Decimal)
				d.Deals = append(d.Deals, dealRow{ID: str(dr, "id"), Title: str(dr, "title"), Stage: str(dr, "stage"),
					Value: FormatMoney(amt.Decimal, str(dr, "currency")), Close: str(dr, "expected_close_date")})
			}
		default:
			d.Fields = append(d.Fields, showField(k, row.Vals[i], ""))
		}
	}
	d.Totals = sums.list()
	h.render(w, r, http.StatusOK, "contact", d)
	return nil
}

// contactsData is the data of the contacts template.
type contactsData struct {
	Layout
	Q        string
	Contacts []contactSummary
	Counts   []int64
	Next     string
	Prev     string
}

// contactsPageSize is how many contacts the list shows at once.
const contactsPageSize = 50

// contactsPage is GET /contacts: the contacts, newest first, searched by
// name, phone (any formatting) or email.
func (h *Handler) contactsPage(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxSearchLen {
		q = q[:maxSearchLen]
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	params := url.Values{"select": {"id,first_name,last_name,phones,emails,deals(id)"},
		"order": {"created_at.desc,id.desc"}, "limit": {strconv.Itoa(contactsPageSize + 1)}, "offset": {strconv.Itoa(offset)}}
	if q != "" {
		params.Set("or", contactSearch(q, s.p.Workspace.PhoneRegion))
	}
	res, err := h.rest(r.Context(), s.p, http.MethodGet, "contacts", params, nil)
	if err != nil {
		return err
	}
	d := &contactsData{Layout: h.base(r, "Contacts"), Q: q}
	d.Nav = "contacts"
	rows := res.Rows
	page := func(off int) string {
		v := url.Values{"offset": {strconv.Itoa(off)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/contacts?" + v.Encode()
	}
	if len(rows) > contactsPageSize {
		rows = rows[:contactsPageSize]
		d.Next = page(offset + contactsPageSize)
	}
	if offset > 0 {
		d.Prev = page(max(offset-contactsPageSize, 0))
	}
	for _, c := range rows {
		d.Contacts = append(d.Contacts, *summarize(c))
		deals, _ := c.Vals[indexOf(c, "deals")].([]*sqlstore.Row)
		d.Counts = append(d.Counts, int64(len(deals)))
	}
	h.render(w, r, http.StatusOK, "contacts", d)
	return nil
}

// contactSearch is the REST or= tree that finds contacts by first, last
// or full name, by phone (normalised with the workspace's region) or by
// email.
func contactSearch(q, region string) string {
	like := quoteValue("*" + q + "*")
	terms := []string{"first_name.ilike." + like, "last_name.ilike." + like}
	if first, rest, ok := strings.Cut(q, " "); ok {
		terms = append(terms, "and(first_name.ilike."+quoteValue("*"+first+"*")+",last_name.ilike."+quoteValue("*"+strings.TrimSpace(rest)+"*")+")")
	}
	phone, email := searchIdentifiers(q, region)
	if phone != "" {
		terms = append(terms, `phones.cs.{`+quoteValue(phone)+`}`)
	}
	if email != "" {
		terms = append(terms, `emails.cs.{`+quoteValue(email)+`}`)
	}
	return "(" + strings.Join(terms, ",") + ")"
}

// quoteValue double-quotes a value inside a logic tree or array literal.
func quoteValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// str returns a row's text value, "" when null or absent.
func str(r *sqlstore.Row, k string) string {
	v, _ := r.Get(k)
	s, _ := v.(string)
	return s
}

func indexOf(r *sqlstore.Row, k string) int {
	for i, x := range r.Keys {
		if x == k {
			return i
		}
	}
	return -1
}

func contactName(r *sqlstore.Row) string {
	n := strings.TrimSpace(str(r, "first_name") + " " + str(r, "last_name"))
	if n == "" {
		return "(no name)"
	}
	return n
}

// summarize reads an embedded or listed contact.
func summarize(v any) *contactSummary {
	r, ok := v.(*sqlstore.Row)
	if !ok || r == nil {
		return nil
	}
	c := &contactSummary{ID: str(r, "id"), Name: contactName(r)}
	if p, ok := r.Get("phones"); ok {
		c.Phones, _ = p.([]string)
	}
	if e, ok := r.Get("emails"); ok {
		c.Emails, _ = e.([]string)
	}
	return c
}

// showField renders one column's value for a page.
func showField(name string, v any, cur string) field {
	f := field{Name: name}
	switch x := v.(type) {
	case nil:
		f.Value = "—"
	case string:
		f.Value = x
		if strings.HasSuffix(name, "_at") {
			f.Value = showTime(x)
		}
		if name == "id" || strings.HasSuffix(name, "_id") {
			f.Code = true
		}
		if name == "contact_id" {
			f.Link = "/contacts/" + x
		}
	case crm.Amount:
		f.Value = FormatMoney(x.Decimal, cur)
	case int64:
		f.Value = strconv.FormatInt(x, 10)
		if name == "probability" {
			f.Value += " %"
		}
	case []string:
		f.Value = strings.Join(x, ", ")
		if len(x) == 0 {
			f.Value = "—"
		}
	default:
		b, _ := crm.MarshalRows(v)
		f.Value, f.Code = string(b), true
	}
	return f
}

// customFields turns a custom_fields object into rows, by key.
func customFields(v any) []field {
	raw, _ := v.(json.RawMessage)
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	out := make([]field, 0, len(m))
	for k, val := range m {
		f := field{Name: k}
		var s string
		if json.Unmarshal(val, &s) == nil {
			f.Value = s
		} else {
			f.Value, f.Code = string(val), true
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// showTime shortens an RFC 3339 timestamp to the minute, in UTC.
func showTime(s string) string {
	if len(s) >= 16 && s[10] == 'T' {
		return s[:10] + " " + s[11:16] + " UTC"
	}
	return s
}
