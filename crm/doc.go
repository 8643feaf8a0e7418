// Package crm holds the domain of ConnectGain: workspaces, API keys, deals,
// contacts, companies, pipelines and their stages, the rules that validate
// and normalise them (phones to E.164, emails lower-cased, ISO 4217
// currencies, canonical stage ids, exact money), the description of the
// tables the REST API exposes, and the one error type every layer speaks.
//
// It imports no package of ours; storage and HTTP import it.
package crm
