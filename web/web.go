// Package web is ConnectGain's dashboard: the pipeline board, deal and
// contact pages, served from the same binary as the API with every
// template, style sheet and script embedded. Pages are html/template
// rendered on the server; a small script adds drag and drop, progressive
// loading and live refresh. Changes go through the store's REST engine,
// the same write path as PATCH /functions/v1/rest-api-proxy/deals.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the dashboard needs of the database.
type Store interface {
	Authenticate(ctx context.Context, key string) (*crm.Principal, error)
	CreateSession(ctx context.Context, p *crm.Principal, ttl time.Duration) (string, time.Time, error)
	SessionPrincipal(ctx context.Context, token string) (*crm.Principal, error)
	DeleteSession(ctx context.Context, p *crm.Principal, token string) error
	BoardPipelines(ctx context.Context, workspaceID string) ([]*crm.Pipeline, error)
	BoardTotals(ctx context.Context, workspaceID string, f *sqlstore.BoardFilter) ([]sqlstore.StageTotal, error)
	BoardCards(ctx context.Context, workspaceID string, f *sqlstore.BoardFilter, offset, limit int) ([]sqlstore.BoardCard, error)
	BoardVersion(ctx context.Context, workspaceID string) (string, error)
	// Backend is what the REST engine that moves cards runs on (move.go).
	restsql.Backend
}

// Config holds the dashboard's options.
type Config struct {
	// SessionTTL is how long a sign-in lasts (DefaultSessionTTL when 0).
	SessionTTL time.Duration
	// Rotting says after how many days in a stage a card is marked
	// (DefaultRotting when nil).
	Rotting *Rotting
	// PageSize is how many cards a column shows before "more"
	// (DefaultPageSize when 0).
	PageSize int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Defaults.
const (
	DefaultSessionTTL = 12 * time.Hour
	DefaultPageSize   = 30
	// PollInterval is how often an open board asks whether deals changed.
	PollInterval = 3 * time.Second
)

// Handler serves the dashboard.
type Handler struct {
	store  Store
	engine *restsql.Engine
	cfg    Config
	log    *slog.Logger
	tmpl   *template.Template
	mux    *http.ServeMux
}

// New returns the dashboard handler.
func New(store Store, cfg Config, log *slog.Logger) *Handler {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rotting == nil {
		r := DefaultRotting()
		cfg.Rotting = &r
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{store: store, engine: restsql.New(store), cfg: cfg, log: log, mux: http.NewServeMux()}
	h.tmpl = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	h.routes()
	return h
}

// routes lists the dashboard's surface.
func (h *Handler) routes() {
	static, _ := fs.Sub(staticFS, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))
	h.mux.Handle("GET /signin", h.wrap(h.signInPage))
	h.mux.Handle("POST /signin", h.wrap(h.signIn))
	h.mux.Handle("POST /signout", h.page(h.signOut))
	h.mux.Handle("GET /{$}", h.page(h.board))
	h.mux.Handle("GET /board/view", h.page(h.boardView))
	h.mux.Handle("GET /board/cards", h.page(h.boardCards))
	h.mux.Handle("GET /board/totals", h.page(h.boardTotals))
	h.mux.Handle("GET /board/version", h.page(h.boardVersion))
	h.mux.Handle("GET /board.csv", h.page(h.boardCSV))
	h.mux.Handle("POST /deals/{id}/stage", h.page(h.moveDeal))
	h.mux.Handle("GET /deals/{id}", h.page(h.dealPage))
	h.mux.Handle("GET /contacts", h.page(h.contactsPage))
	h.mux.Handle("GET /contacts/{id}", h.page(h.contactPage))
	h.mux.Handle("/", h.wrap(h.notFound))
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
	h.mux.ServeHTTP(w, r)
}

// staticHandler lets browsers cache the embedded assets for an hour.
func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// handlerFunc is a dashboard handler that returns its error.
type handlerFunc = func(w http.ResponseWriter, r *http.Request) error

// wrap adapts a handler: an error becomes an error page (or JSON for
// script requests).
func (h *Handler) wrap(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// fail writes err as a page or, for script requests, as the API's JSON
// error shape.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := crm.AsError(err)
	if !ok {
		h.log.Error("dashboard", "path", r.URL.Path, "err", err)
		e = crm.Errorf(crm.CodeInternal, "internal error").WithHint("the server log has the details")
	}
	status := statusOf(e.Code)
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"code": e.Code, "message": e.Message, "details": nullable(e.Details), "hint": nullable(e.Hint)})
		return
	}
	h.render(w, r, status, "error", &errorPage{Layout: h.base(r, "Error"), Err: e, Status: status})
}

// statusOf maps the error codes the dashboard meets to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case crm.CodeUnauthorized:
		return http.StatusUnauthorized
	case crm.CodeForbidden:
		return http.StatusForbidden
	case crm.CodeNotFound:
		return http.StatusNotFound
	case crm.CodeInternal:
		return http.StatusInternalServerError
	case crm.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusUnprocessableEntity
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// wantsJSON reports whether the request comes from the dashboard's script.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || r.Header.Get("X-Requested-With") != ""
}

// render executes a page template.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var b strings.Builder
	if err := h.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		h.log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	return crm.Errorf(crm.CodeNotFound, "there is no page at %s", r.URL.Path).WithHint("go to the board at /")
}

// errorPage is the data of the error template.
type errorPage struct {
	Layout
	Err    *crm.Error
	Status int
}
