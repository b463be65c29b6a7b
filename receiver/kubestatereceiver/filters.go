package kubestatereceiver

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	regexp2 "github.com/dlclark/regexp2/v2"

	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
)

// metricFilter is KSM's family selection: an allowlist or a denylist of ECMAScript regexes
// (unanchored, as KSM matches them), plus opt-in families enabled by Go regexes.
type metricFilter struct {
	allow, deny []*regexp2.Regexp
	optIn       []*regexp.Regexp
}

// compileMetricFilter compiles metric_allowlist, metric_denylist and metric_opt_in_list, reporting
// each invalid entry to bad.
func compileMetricFilter(c *Config, bad func(string, ...any)) *metricFilter {
	if len(c.MetricAllowlist) > 0 && len(c.MetricDenylist) > 0 {
		bad("metric_allowlist and metric_denylist are mutually exclusive; set only one")
	}
	compile := func(field string, list []string) []*regexp2.Regexp {
		var out []*regexp2.Regexp
		for _, p := range list {
			re, err := regexp2.Compile(p, regexp2.ECMAScript)
			if err != nil {
				bad("%s: %q is not a valid regular expression (ECMAScript syntax, as kube-state-metrics): %v", field, p, err)
				continue
			}
			re.MatchTimeout = time.Second
			out = append(out, re)
		}
		return out
	}
	f := &metricFilter{
		allow: compile("metric_allowlist", c.MetricAllowlist),
		deny:  compile("metric_denylist", c.MetricDenylist),
	}
	for _, p := range c.MetricOptInList {
		re, err := regexp.Compile(p)
		if err != nil {
			bad("metric_opt_in_list: %q is not a valid regular expression (Go RE2 syntax): %v", p, err)
			continue
		}
		f.optIn = append(f.optIn, re)
	}
	return f
}

func matchAny(list []*regexp2.Regexp, name string) bool {
	for _, re := range list {
		if ok, err := re.MatchString(name); err == nil && ok {
			return true
		}
	}
	return false
}

// enabled reports whether a family runs: opt-in families must match metric_opt_in_list, and then
// every family must pass the allow- or denylist.
func (f *metricFilter) enabled(name string, optIn bool) bool {
	if optIn {
		on := false
		for _, re := range f.optIn {
			if re.MatchString(name) {
				on = true
				break
			}
		}
		if !on {
			return false
		}
	}
	if len(f.allow) > 0 {
		return matchAny(f.allow, name)
	}
	return !matchAny(f.deny, name)
}

// compileAllowlists parses a labels/annotations allowlist per resource ("*" for all), reporting
// unknown resources and bad keys to bad.
func compileAllowlists(field string, m map[string][]string, bad func(string, ...any)) map[string]*family.Allowlist {
	out := make(map[string]*family.Allowlist, len(m))
	for res, keys := range m {
		if _, ok := resources.ByName(res); !ok && res != "*" {
			bad("%s: unknown resource %q; allowed: \"*\" or %s", field, res, strings.Join(resources.Names(), ", "))
		}
		a, err := family.ParseAllowlist(keys)
		if err != nil {
			bad("%s[%s]: %v", field, res, err)
			continue
		}
		out[res] = a
	}
	return out
}

// compileObjectLabels parses object_labels_as_attributes: metric_labels_allowlist's form, but an
// empty key is refused (it selects no label: a mistake, not a choice).
func compileObjectLabels(m map[string][]string, bad func(string, ...any)) map[string]*family.Allowlist {
	const field = "object_labels_as_attributes"
	for _, res := range slices.Sorted(maps.Keys(m)) {
		if slices.Contains(m[res], "") {
			bad("%s[%s]: a label key must not be empty", field, res)
		}
	}
	return compileAllowlists(field, m, bad)
}

// allowlistFor resolves a resource's allowlist the way KSM does: a "*" entry applies to every
// resource and takes precedence over per-resource entries.
func allowlistFor(m map[string]*family.Allowlist, resource string) *family.Allowlist {
	if a, ok := m["*"]; ok {
		return a
	}
	return m[resource]
}
