package exposition

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Format is what a scrape is answered with. The body is KSM's text either way; OpenMetrics adds
// the closing "# EOF" line. Like kube-state-metrics, a scraper asking for protobuf gets text.
type Format struct {
	ContentType string
	OpenMetrics bool
}

// The content types kube-state-metrics v2.20.0 answers with (prometheus/common's expfmt formats).
const (
	textContentType        = "text/plain; version=0.0.4; charset=utf-8"
	openMetricsContentType = "application/openmetrics-text; version=%s; charset=utf-8; escaping=%s"
)

// Negotiate picks the format for an Accept header exactly as kube-state-metrics v2.20.0 does: the
// media ranges are ordered by quality (then concrete before wildcard), the first that names
// OpenMetrics 1.0.0 or 0.0.1 selects OpenMetrics, the first that names text 0.0.4 or protobuf
// selects text; nothing known selects text. An OpenMetrics answer carries the escaping scheme of
// the last valid `escaping` parameter seen up to the match (default underscores).
func Negotiate(accept string) Format {
	escaping := "underscores"
	for _, a := range parseAccept(accept) {
		switch e := a.params["escaping"]; e {
		case "allow-utf-8", "underscores", "dots", "values":
			escaping = e
		}
		ver := a.params["version"]
		switch {
		case a.typ == "application/vnd.google.protobuf" && a.params["proto"] == "io.prometheus.client.MetricFamily":
			switch a.params["encoding"] {
			case "delimited", "text", "compact-text":
				return Format{ContentType: textContentType}
			}
		case a.typ == "text/plain" && (ver == "0.0.4" || ver == ""):
			return Format{ContentType: textContentType}
		}
		if a.typ == "application/openmetrics-text" && (ver == "0.0.1" || ver == "1.0.0" || ver == "") {
			if ver != "1.0.0" {
				ver = "0.0.1"
			}
			return Format{ContentType: fmt.Sprintf(openMetricsContentType, ver, escaping), OpenMetrics: true}
		}
	}
	return Format{ContentType: textContentType}
}

type mediaRange struct {
	typ    string // type/subtype
	q      float64
	params map[string]string
}

// acceptOrder sorts media ranges the way the negotiation of kube-state-metrics (goautoneg) does,
// including its use of sort.Sort, so that equal-quality ranges come out in the same order.
type acceptOrder []mediaRange

func (s acceptOrder) Len() int      { return len(s) }
func (s acceptOrder) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s acceptOrder) Less(i, j int) bool {
	a, b := s[i], s[j]
	if a.q > b.q {
		return true
	}
	at, as, _ := strings.Cut(a.typ, "/")
	bt, bs, _ := strings.Cut(b.typ, "/")
	if at != "*" && bt == "*" {
		return true
	}
	return as != "*" && bs == "*"
}

func parseAccept(header string) []mediaRange {
	var out acceptOrder
	for part := range strings.SplitSeq(header, ",") {
		part = strings.Trim(part, " ")
		if part == "" {
			continue
		}
		mr, params, _ := strings.Cut(part, ";")
		typ, sub, ok := strings.Cut(mr, "/")
		typ = strings.Trim(typ, " ")
		switch {
		case !ok && typ == "*":
			sub = "*"
		case !ok, strings.Contains(sub, "/"):
			continue
		}
		m := mediaRange{typ: typ + "/" + strings.Trim(sub, " "), q: 1, params: map[string]string{}}
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || strings.Contains(v, "=") {
				continue
			}
			k, v = strings.Trim(k, " "), strings.Trim(v, " ")
			if k == "q" {
				q, _ := strconv.ParseFloat(v, 32)
				m.q = q
				continue
			}
			m.params[k] = v
		}
		out = append(out, m)
	}
	sort.Sort(out)
	return out
}
