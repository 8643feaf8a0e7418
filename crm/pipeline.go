package crm

import (
	"sort"
	"strings"
)

// Pipeline is an ordered list of stages a deal moves through.
type Pipeline struct {
	ID        string
	Name      string
	IsDefault bool
	Stages    []Stage // in position order
}

// Stage is one column of a pipeline. ID is the lower-case stage id deals
// carry in their stage field ("qualified").
type Stage struct {
	ID       string
	Name     string
	Position int
	IsClosed bool
	IsWon    bool
}

// DefaultStages is the pipeline every new workspace gets.
var DefaultStages = []Stage{
	{ID: "new", Name: "New", Position: 0},
	{ID: "lead", Name: "Lead", Position: 1},
	{ID: "qualified", Name: "Qualified", Position: 2},
	{ID: "proposal", Name: "Proposal", Position: 3},
	{ID: "won", Name: "Won", Position: 4, IsClosed: true, IsWon: true},
	{ID: "lost", Name: "Lost", Position: 5, IsClosed: true},
}

// DefaultPipelineName names the pipeline created with each workspace.
const DefaultPipelineName = "Sales"

// CanonicalStage is the stored form of a stage id: trimmed, lower-case.
func CanonicalStage(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ResolveStage returns the canonical id of stage s in p. Stage ids match
// case-insensitively ("QUALIFIED" is "qualified"); a stage that is not in
// the pipeline is an invalid_stage error listing the valid ids.
func (p *Pipeline) ResolveStage(s string) (string, *Error) {
	c := CanonicalStage(s)
	for _, st := range p.Stages {
		if st.ID == c {
			return c, nil
		}
	}
	return "", Errorf(CodeInvalidStage, "stage %q is not a stage of pipeline %q", s, p.Name).
		WithDetails("valid stages: %s", strings.Join(p.StageIDs(), ", ")).
		WithHint("use one of the pipeline's stage ids, e.g. %q", p.firstStage())
}

// StageIDs lists the pipeline's stage ids in order.
func (p *Pipeline) StageIDs() []string {
	ids := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		ids[i] = s.ID
	}
	return ids
}

func (p *Pipeline) firstStage() string {
	if len(p.Stages) == 0 {
		return "new"
	}
	return p.Stages[0].ID
}

// FirstStage is the stage a deal gets when none is given.
func (p *Pipeline) FirstStage() string { return p.firstStage() }

// SortStages orders the stages by position.
func (p *Pipeline) SortStages() {
	sort.SliceStable(p.Stages, func(i, j int) bool { return p.Stages[i].Position < p.Stages[j].Position })
}

// Pipelines are a workspace's pipelines with its default.
type Pipelines struct {
	ByID    map[string]*Pipeline
	Default *Pipeline
}

// Lookup returns the pipeline with id, or the default for "".
func (ps *Pipelines) Lookup(id string) (*Pipeline, *Error) {
	if id == "" {
		if ps.Default == nil {
			return nil, Errorf(CodeInvalidPipeline, "the workspace has no default pipeline").
				WithHint("send pipeline_id, or create a pipeline with is_default true")
		}
		return ps.Default, nil
	}
	if p, ok := ps.ByID[strings.ToLower(id)]; ok {
		return p, nil
	}
	return nil, Errorf(CodeInvalidPipeline, "pipeline_id %q is not a pipeline of this workspace", id).
		WithHint("list pipelines with GET /functions/v1/rest-api-proxy/pipelines, or omit pipeline_id for the default")
}
