package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
)

// Rotting says when a deal has sat in a stage too long, as Pipedrive's
// rotting deals: after Stages[stage] days, else Default days. Closed
// stages (won, lost) never rot unless listed in Stages. 0 days means never.
type Rotting struct {
	Default int
	Stages  map[string]int
}

// DefaultRotDays is the threshold when nothing is configured.
const DefaultRotDays = 14

// DefaultRotting is 14 days for every open stage.
func DefaultRotting() Rotting { return Rotting{Default: DefaultRotDays} }

// ParseRotting reads the --rotting-days setting: a number of days for
// every open stage ("14"), per-stage thresholds ("lead=7,proposal=21"),
// or both ("10,proposal=21"); 0 turns the mark off.
func ParseRotting(s string) (Rotting, error) {
	r := DefaultRotting()
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		stage, days, hasStage := strings.Cut(part, "=")
		if !hasStage {
			days, stage = stage, ""
		}
		n, err := strconv.Atoi(strings.TrimSpace(days))
		if err != nil || n < 0 {
			return r, fmt.Errorf("rotting days %q: %q is not a number of days; use e.g. 14 or lead=7,proposal=21", s, days)
		}
		if !hasStage {
			r.Default = n
			continue
		}
		if r.Stages == nil {
			r.Stages = map[string]int{}
		}
		r.Stages[crm.CanonicalStage(stage)] = n
	}
	return r, nil
}

// Threshold returns the days after which a deal in st rots, 0 for never.
func (r Rotting) Threshold(st crm.Stage) int {
	if n, ok := r.Stages[st.ID]; ok {
		return n
	}
	if st.IsClosed {
		return 0
	}
	return r.Default
}
