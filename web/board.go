package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// attentionStage names the "needs attention" lane in URLs: deals whose
// stage is not a stage of their pipeline.
const attentionStage = "_attention"

// boardPage is the data of the board template.
type boardPage struct {
	Layout
	View      *view
	Pipelines []*crm.Pipeline
	Pipeline  *crm.Pipeline
	Columns   []*column
	Attention *column
	Version   string
	PollMS    int64
	Total     int64
}

// column is one stage of the board (or the attention lane).
type column struct {
	Stage     crm.Stage
	Attention bool
	Count     int64
	Totals    []Money
	Weighted  []Money
	Cards     []card
	More      string // URL of the next cards, "" when all are shown
	RotDays   int
}

// Key is the column's id in the page and in URLs.
func (c *column) Key() string {
	if c.Attention {
		return attentionStage
	}
	return c.Stage.ID
}

// card is one deal on the board.
type card struct {
	sqlstore.BoardCard
	Days    int
	Rotting bool
	// Stages are the stages a card can move to (its pipeline's).
	Stages []crm.Stage
	// StageKnown is false in the attention lane.
	StageKnown bool
}

// boardState is a board computed for one view: its pipeline, columns and
// totals.
type boardState struct {
	pipelines []*crm.Pipeline
	pipeline  *crm.Pipeline
	columns   []*column
	attention *column
	total     int64
}

// maxRefreshCards bounds the cards per column a live refresh re-renders
// (as many as the open board had loaded).
const maxRefreshCards = 300

// loadBoard computes the board of a view: per-column totals from the
// database and each column's first n cards.
func (h *Handler) loadBoard(ctx context.Context, s *session, v *view, n int) (*boardState, error) {
	b, err := h.boardColumns(ctx, s, v)
	if err != nil {
		return nil, err
	}
	for _, c := range b.all() {
		if c.Count == 0 {
			continue
		}
		if c.Cards, c.More, err = h.cardPage(ctx, s, v, b.pipeline, c, 0, n); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// all returns the attention lane (when it has deals) and the columns.
func (b *boardState) all() []*column {
	if b.attention != nil {
		return append([]*column{b.attention}, b.columns...)
	}
	return b.columns
}

// boardColumns resolves the view's pipeline and fills the columns' counts
// and totals (no cards).
func (h *Handler) boardColumns(ctx context.Context, s *session, v *view) (*boardState, error) {
	ps, err := h.store.BoardPipelines(ctx, s.p.Workspace.ID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, crm.Errorf(crm.CodeNotFound, "the workspace has no pipeline").
			WithHint("create one with POST /functions/v1/rest-api-proxy/pipelines")
	}
	b := &boardState{pipelines: ps, pipeline: ps[0]}
	if v.Pipeline != "" {
		found := false
		for _, p := range ps {
			if strings.EqualFold(p.ID, v.Pipeline) {
				b.pipeline, found = p, true
			}
		}
		if !found {
			v.Problems = append(v.Problems, "The pipeline in the link does not exist; showing "+ps[0].Name+".")
			v.Pipeline = ""
		}
	}
	totals, err := h.store.BoardTotals(ctx, s.p.Workspace.ID, v.boardFilter(&s.p.Workspace, b.pipeline))
	if err != nil {
		return nil, err
	}
	byStage := map[string]*column{}
	for _, st := range b.pipeline.Stages {
		c := &column{Stage: st, RotDays: h.cfg.Rotting.Threshold(st)}
		b.columns = append(b.columns, c)
		byStage[st.ID] = c
	}
	sums := map[*column][2]moneySum{}
	for _, t := range totals {
		c := byStage[t.Stage]
		if c == nil {
			if b.attention == nil {
				b.attention = &column{Attention: true, Stage: crm.Stage{Name: "Needs attention"}, RotDays: h.cfg.Rotting.Default}
			}
			c = b.attention
		}
		if _, ok := sums[c]; !ok {
			sums[c] = [2]moneySum{{}, {}}
		}
		c.Count += t.Count
		b.total += t.Count
		sums[c][0].add(t.Currency, t.Total)
		sums[c][1].add(t.Currency, t.Weighted)
	}
	for c, m := range sums {
		c.Totals, c.Weighted = m[0].list(), m[1].list()
	}
	return b, nil
}

// cardPage loads n of a column's cards from offset, and the URL of the
// next page.
func (h *Handler) cardPage(ctx context.Context, s *session, v *view, p *crm.Pipeline, c *column, offset, n int) ([]card, string, error) {
	f := v.boardFilter(&s.p.Workspace, p)
	if c.Attention {
		f.NotStages = p.StageIDs()
	} else {
		f.Stages = []string{c.Stage.ID}
	}
	rows, err := h.store.BoardCards(ctx, s.p.Workspace.ID, f, offset, n+1)
	if err != nil {
		return nil, "", err
	}
	more := ""
	if len(rows) > n {
		rows = rows[:n]
		q := v.Values()
		q.Set("pipeline", p.ID)
		q.Set("stage", c.Key())
		q.Set("offset", strconv.Itoa(offset+n))
		more = "/board/cards?" + q.Encode()
	}
	now := h.cfg.Now()
	cards := make([]card, len(rows))
	for i, r := range rows {
		days := max(int(now.Sub(r.InStageSince)/(24*time.Hour)), 0)
		cards[i] = card{BoardCard: r, Days: days, Rotting: c.RotDays > 0 && days >= c.RotDays, Stages: p.Stages, StageKnown: !c.Attention}
	}
	return cards, more, nil
}

// board is GET /: the pipeline board of the view in the URL.
func (h *Handler) board(w http.ResponseWriter, r *http.Request) error {
	page, err := h.boardData(r, h.cfg.PageSize)
	if err != nil {
		return err
	}
	page.Layout.Nav = "board"
	h.render(w, r, http.StatusOK, "board", page)
	return nil
}

// boardView is GET /board/view: the board's columns alone, which an open
// board fetches when deals changed, with n cards per column (as many as
// it had loaded, so a refresh does not take scrolled-to cards away).
func (h *Handler) boardView(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	page, err := h.boardData(r, min(max(n, h.cfg.PageSize), maxRefreshCards))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "columns", page)
	return nil
}

func (h *Handler) boardData(r *http.Request, n int) (*boardPage, error) {
	s := sessionFrom(r)
	v := parseView(r.URL.Query())
	version, err := h.store.BoardVersion(r.Context(), s.p.Workspace.ID)
	if err != nil {
		return nil, err
	}
	b, err := h.loadBoard(r.Context(), s, v, n)
	if err != nil {
		return nil, err
	}
	return &boardPage{Layout: h.base(r, b.pipeline.Name+" board"), View: v, Pipelines: b.pipelines, Pipeline: b.pipeline,
		Columns: b.columns, Attention: b.attention, Version: version, PollMS: PollInterval.Milliseconds(), Total: b.total}, nil
}

// boardCards is GET /board/cards: the next cards of one column.
func (h *Handler) boardCards(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	q := r.URL.Query()
	v := parseView(q)
	offset, _ := strconv.Atoi(q.Get("offset"))
	ps, err := h.store.BoardPipelines(r.Context(), s.p.Workspace.ID)
	if err != nil {
		return err
	}
	var p *crm.Pipeline
	for _, x := range ps {
		if strings.EqualFold(x.ID, v.Pipeline) || p == nil && v.Pipeline == "" {
			p = x
		}
	}
	if p == nil {
		return crm.Errorf(crm.CodeNotFound, "pipeline %q does not exist", v.Pipeline).WithHint("reload the board")
	}
	c := &column{Attention: true, Stage: crm.Stage{Name: "Needs attention"}, RotDays: h.cfg.Rotting.Default}
	if key := q.Get("stage"); key != attentionStage {
		c = nil
		for _, st := range p.Stages {
			if st.ID == key {
				c = &column{Stage: st, RotDays: h.cfg.Rotting.Threshold(st)}
			}
		}
		if c == nil {
			return crm.Errorf(crm.CodeNotFound, "stage %q is not a column of this board", key).WithHint("reload the board")
		}
	}
	if c.Cards, c.More, err = h.cardPage(r.Context(), s, v, p, c, max(offset, 0), h.cfg.PageSize); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "cards", &cardsData{Column: c, CanWrite: s.p.Scope == crm.ScopeWrite, CSRF: s.csrf})
	return nil
}

// cardsData is the data of the cards template.
type cardsData struct {
	Column   *column
	CanWrite bool
	CSRF     string
}

// boardTotals is GET /board/totals: every column's header (count and
// totals) as HTML, after a move.
func (h *Handler) boardTotals(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	b, err := h.boardColumns(r.Context(), s, parseView(r.URL.Query()))
	if err != nil {
		return err
	}
	heads := map[string]string{}
	for _, c := range b.all() {
		var sb strings.Builder
		if err := h.tmpl.ExecuteTemplate(&sb, "colhead", c); err != nil {
			return err
		}
		heads[c.Key()] = sb.String()
	}
	writeJSON(w, http.StatusOK, map[string]any{"columns": heads, "attention": b.attention != nil, "total": b.total})
	return nil
}

// boardVersion is GET /board/version: the fingerprint an open board
// polls to learn that deals changed (on any server).
func (h *Handler) boardVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := h.store.BoardVersion(r.Context(), sessionFrom(r).p.Workspace.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"version": v})
	return nil
}
