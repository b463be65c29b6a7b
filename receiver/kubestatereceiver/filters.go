package kubestatereceiver

import (
	"regexp"
	"time"

	regexp2 "github.com/dlclark/regexp2/v2"

	"github.com/kubestate/kubestate/internal/family"
)

// metricFilter is KSM's family selection: an allowlist or a denylist of ECMAScript regexes
// (unanchored, as KSM matches them), plus opt-in families enabled by Go regexes.
type metricFilter struct {
	allow, deny []*regexp2.Regexp
	optIn       []*regexp.Regexp
}

func newMetricFilter(c *Config) *metricFilter {
	f := &metricFilter{}
	compile := func(list []string) []*regexp2.Regexp {
		var out []*regexp2.Regexp
		for _, p := range list {
			re := regexp2.MustCompile(p, regexp2.ECMAScript) // Validate has checked it
			re.MatchTimeout = time.Second
			out = append(out, re)
		}
		return out
	}
	f.allow, f.deny = compile(c.MetricAllowlist), compile(c.MetricDenylist)
	for _, p := range c.MetricOptInList {
		f.optIn = append(f.optIn, regexp.MustCompile(p))
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

// allowlistFor resolves a resource's labels/annotations allowlist the way KSM does: a "*" resource
// entry applies to every resource and takes precedence over per-resource entries.
func allowlistFor(m map[string][]string, resource string) *family.Allowlist {
	keys, ok := m["*"]
	if !ok {
		keys, ok = m[resource]
	}
	if !ok {
		return nil
	}
	a, err := family.ParseAllowlist(keys)
	if err != nil {
		return nil // Validate has refused it
	}
	return a
}

func (c *Config) filterFor(resource string, mf *metricFilter) family.Filter {
	return family.Filter{
		Enabled:     mf.enabled,
		Labels:      allowlistFor(c.MetricLabelsAllowlist, resource),
		Annotations: allowlistFor(c.MetricAnnotationsAllowlist, resource),
	}
}

// CustomResourceFilter is metric_allowlist / metric_denylist for custom resource state families
// (KSM applies them to those too; none of them is opt-in).
func (c *Config) CustomResourceFilter() func(name string) bool {
	f := newMetricFilter(c)
	return func(name string) bool { return f.enabled(name, false) }
}
