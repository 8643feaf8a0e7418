package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/connectgain/server/crm"
)

// CookieName is the session cookie: HttpOnly, SameSite=Lax, holding a
// random token whose hash the database keeps with its expiry.
const CookieName = "cg_session"

// CSRFHeader carries the CSRF token on script requests; forms send it as
// the field "csrf".
const CSRFHeader = "X-CSRF-Token"

type sessionKey struct{}

// session is the signed-in user of a request.
type session struct {
	p     *crm.Principal
	token string
	csrf  string
}

func sessionFrom(r *http.Request) *session {
	s, _ := r.Context().Value(sessionKey{}).(*session)
	return s
}

// csrfToken derives the session's CSRF token from its secret token: a
// page served to the session carries it, another site cannot read it.
func csrfToken(token string) string {
	h := sha256.Sum256([]byte("csrf:" + token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// page requires a signed-in session; a change (any method but GET and
// HEAD) also needs the session's CSRF token and, when the browser sends
// one, an Origin of this server.
func (h *Handler) page(fn handlerFunc) http.Handler {
	return h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(CookieName)
		var s *session
		if err == nil {
			if p, err := h.store.SessionPrincipal(r.Context(), c.Value); err == nil {
				s = &session{p: p, token: c.Value, csrf: csrfToken(c.Value)}
			} else if e, ok := crm.AsError(err); !ok || e.Code != crm.CodeUnauthorized {
				return err
			}
		}
		if s == nil {
			if r.Method == http.MethodGet && !wantsJSON(r) {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			}
			return crm.Errorf(crm.CodeUnauthorized, "you are not signed in").WithHint("sign in at /signin with your API key")
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := checkCSRF(r, s.csrf); err != nil {
				return err
			}
		}
		return fn(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

// checkCSRF refuses a change without the session's token or from another
// origin.
func checkCSRF(r *http.Request, want string) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return crm.Errorf(crm.CodeForbidden, "a change from origin %q is refused", o).
				WithHint("use the dashboard served by this server")
		}
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return crm.Errorf(crm.CodeForbidden, "the form's security token is missing or stale").
			WithHint("reload the page and try again")
	}
	return nil
}

// signInPage shows the sign-in form.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "signin", &signInData{Layout: Layout{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

type signInData struct {
	Layout
	Next  string
	Error string
}

// signIn checks the API key posted by the form and starts a session.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return crm.Errorf(crm.CodeForbidden, "a sign-in from origin %q is refused", o)
		}
	}
	key := strings.TrimSpace(r.PostFormValue("key"))
	next := safeNext(r.PostFormValue("next"))
	p, err := h.store.Authenticate(r.Context(), key)
	if err != nil {
		e, ok := crm.AsError(err)
		if !ok || e.Code != crm.CodeUnauthorized {
			return err
		}
		msg := "That API key is not valid, or it has been revoked. Paste a key made with \"connectgain keys create\"."
		if key == "" {
			msg = "Enter your API key."
		}
		h.render(w, r, http.StatusUnauthorized, "signin", &signInData{Layout: Layout{Title: "Sign in"}, Next: next, Error: msg})
		return nil
	}
	token, expires, err := h.store.CreateSession(r.Context(), p, h.cfg.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", Expires: expires,
		MaxAge: int(h.cfg.SessionTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isTLS(r)})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signOut ends the session everywhere and clears the cookie.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r)
	if err := h.store.DeleteSession(r.Context(), s.p, s.token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isTLS(r)})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this server.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/signin") {
		return "/"
	}
	return next
}

func isTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// Layout is what every page's layout shows.
type Layout struct {
	Title     string
	Nav       string
	Workspace string
	SignedIn  bool
	CanWrite  bool
	CSRF      string
}

// base fills the layout data of a signed-in page.
func (h *Handler) base(r *http.Request, title string) Layout {
	s := sessionFrom(r)
	if s == nil {
		return Layout{Title: title}
	}
	return Layout{Title: title, Workspace: s.p.Workspace.Name, SignedIn: true, CanWrite: s.p.Scope == crm.ScopeWrite, CSRF: s.csrf}
}
