package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/google/uuid"
)

// moveDeal is POST /deals/{id}/stage: a card moved to another stage. It
// runs exactly what PATCH /functions/v1/rest-api-proxy/deals?id=eq.ID
// with {"stage": ...} runs, so the stage is validated against the deal's
// pipeline and the change recorded in deal_stage_changes. A read-scoped
// key is refused, as the API refuses it.
func (h *Handler) moveDeal(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	if s.p.Scope != crm.ScopeWrite {
		return crm.Errorf(crm.CodeForbidden, "this API key is read-only: it can see the board but cannot move deals").
			WithHint("sign in with a key created with --scope write")
	}
	id := r.PathValue("id")
	stage := r.PostFormValue("stage")
	if _, err := uuid.Parse(id); err != nil {
		return crm.Errorf(crm.CodeNotFound, "deal %q does not exist", id)
	}
	if strings.TrimSpace(stage) == "" {
		return crm.Errorf(crm.CodeInvalidStage, "no stage was chosen").WithHint("choose the stage to move the deal to")
	}
	res, err := h.rest(r.Context(), s.p, http.MethodPatch, "deals", url.Values{"id": {"eq." + id}},
		map[string]any{"stage": stage})
	if err != nil {
		return err
	}
	if len(res.Rows) == 0 {
		return crm.Errorf(crm.CodeNotFound, "deal %s does not exist (it may have been deleted)", id).WithHint("reload the board")
	}
	row := res.Rows[0]
	title, _ := row.Get("title")
	newStage, _ := row.Get("stage")
	if !wantsJSON(r) {
		back := "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			back = safeNext(ref.RequestURI())
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "stage": newStage,
		"message": fmt.Sprintf("Moved %q to %s.", title, newStage)})
	return nil
}

// rest runs one request through the store's REST engine, the API's own
// read and write path. body, when set, is the one object of a PATCH.
func (h *Handler) rest(ctx context.Context, p *crm.Principal, method, table string, q url.Values, body map[string]any) (*restsql.Result, error) {
	params, err := pgrest.ParseQueryString(q.Encode())
	if err != nil {
		return nil, err
	}
	pq, err := pgrest.Parse(params)
	if err != nil {
		return nil, err
	}
	req := &restsql.Request{Method: method, Table: table, Query: pq, Limit: restsql.MaxRows}
	if pq.Limit != nil {
		req.Limit = *pq.Limit
	}
	req.Offset = pq.Offset
	if body != nil {
		row := map[string]json.RawMessage{}
		for k, v := range body {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			row[k] = b
		}
		req.Body, req.Return = []map[string]json.RawMessage{row}, true
	}
	return h.engine.Rest(ctx, p, req)
}

// boardCSV is GET /board.csv: every deal of the current view (all
// columns, the attention lane too) as CSV, newest first.
func (h *Handler) boardCSV(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	v := parseView(r.URL.Query())
	b, err := h.boardColumns(r.Context(), s, v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="deals-%s.csv"`, h.cfg.Now().UTC().Format("2006-01-02")))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "title", "value", "currency", "stage", "contact_id", "contact_name", "expected_close_date",
		"probability", "source", "tags", "days_in_stage", "created_at"})
	f := v.boardFilter(&s.p.Workspace, b.pipeline)
	now := h.cfg.Now()
	const chunk = 1000
	for offset := 0; ; offset += chunk {
		rows, err := h.store.BoardCards(r.Context(), s.p.Workspace.ID, f, offset, chunk)
		if err != nil {
			return err
		}
		for _, c := range rows {
			prob := ""
			if c.Probability != nil {
				prob = strconv.FormatInt(*c.Probability, 10)
			}
			_ = cw.Write([]string{c.ID, csvSafe(c.Title), c.Value.String(), c.Currency, c.Stage, c.ContactID, csvSafe(c.ContactName),
				c.ExpectedCloseDate, prob, csvSafe(c.Source), csvSafe(strings.Join(c.Tags, ";")),
				strconv.Itoa(int(now.Sub(c.InStageSince) / (24 * time.Hour))), crm.FormatTime(c.CreatedAt)})
		}
		cw.Flush()
		if len(rows) < chunk {
			return cw.Error()
		}
	}
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
