package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// bulkItem is one entry of the bulk response's results.
type bulkItem struct {
	sqlstore.BulkResult
	Error *crm.Error `json:"error,omitempty"`
}

type bulkResponse struct {
	DryRun  bool                 `json:"dry_run,omitempty"`
	Summary sqlstore.BulkSummary `json:"summary"`
	Results []bulkItem           `json:"results"`
}

// createDealsBulk is POST /functions/v1/create-deals-bulk. Status: 200 when
// no item failed, 207 when some did, 422 when all did or an atomic request
// had a failure; request-level problems are 400/413 with no results.
func (s *Server) createDealsBulk(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return crm.Errorf(crm.CodeInvalidRequest, "could not read the request body").WithDetails("%v", err)
	}
	req, err := crm.ParseBulkRequest(body, s.cfg.MaxBulkDeals)
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	out, err := s.store.CreateDealsBulk(r.Context(), p, req)
	if err != nil {
		return err
	}
	if out.Written {
		s.RowsWritten("deals", out.Summary.Created)
		s.RowsWritten("contacts", out.Summary.ContactsCreated)
	}
	resp := bulkResponse{DryRun: req.DryRun, Summary: out.Summary, Results: make([]bulkItem, len(out.Results))}
	for i, res := range out.Results {
		resp.Results[i] = bulkItem{BulkResult: res, Error: res.Error}
	}
	status := http.StatusOK
	switch sum := out.Summary; {
	case sum.Failed == 0:
	case sum.Failed == sum.Total || req.Atomic:
		status = http.StatusUnprocessableEntity
	default:
		status = http.StatusMultiStatus
	}
	return writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}
