package family

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BoolFloat is KSM's 1/0 encoding of a boolean.
func BoolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var conditionStatuses = [...]corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}

// Conditions emits KSM's three points for a condition status: one per possible status (true,
// false, unknown), valued 1 for the actual one. lead are the label values before "status".
func (e *Emitter) Conditions(actual corev1.ConditionStatus, lead ...string) {
	var buf [8]string
	vals := append(buf[:0], lead...)
	vals = append(vals, "")
	for _, s := range conditionStatuses {
		vals[len(vals)-1] = strings.ToLower(string(s))
		e.Add(BoolFloat(actual == s), vals...)
	}
}

// KubeLabels emits KSM's *_labels / *_annotations point: value 1, one "<prefix>_<key>" label per
// allowed Kubernetes key. Without an allowlist it emits nothing, as KSM does by default.
func (e *Emitter) KubeLabels(prefix string, m map[string]string, allow *Allowlist) {
	if allow == nil {
		return
	}
	keys, values := allow.PromLabels(prefix, m)
	e.AddKV(1, keys, values...)
}

// Labels emits the resource's *_labels family from the object's labels.
func (e *Emitter) Labels(m map[string]string) { e.KubeLabels("label", m, e.filter.Labels) }

// Annotations emits the resource's *_annotations family from the object's annotations.
func (e *Emitter) Annotations(m map[string]string) {
	e.KubeLabels("annotation", m, e.filter.Annotations)
}

// Allowlist is a resource's metric_labels_allowlist / metric_annotations_allowlist entry, with KSM's
// semantics: "*" first allows every key (a later "*" is ignored), keys with one "*" are patterns,
// others match exactly.
type Allowlist struct {
	all      bool
	exact    []string
	patterns []*regexp.Regexp
}

// ParseAllowlist checks and compiles keys. It refuses keys with more than one "*" (KSM's limit).
func ParseAllowlist(keys []string) (*Allowlist, error) {
	a := &Allowlist{}
	for i, k := range keys {
		switch n := strings.Count(k, "*"); {
		case k == "*":
			if i == 0 {
				a.all = true
			}
		case n == 0:
			a.exact = append(a.exact, k)
		case n == 1:
			before, after, _ := strings.Cut(k, "*")
			re, err := regexp.Compile("^" + regexp.QuoteMeta(before) + ".*" + regexp.QuoteMeta(after) + "$")
			if err != nil { // QuoteMeta leaves invalid UTF-8 as is, and the compiler refuses it
				return nil, fmt.Errorf("%q is not a valid key pattern: %w", k, err)
			}
			a.patterns = append(a.patterns, re)
		default:
			return nil, fmt.Errorf("%q has %d wildcards; at most one \"*\" per key is allowed", k, n)
		}
	}
	return a, nil
}

// PromLabels selects the allowed keys of m and converts them into Prometheus label names (sorted by
// Kubernetes key, sanitized, snake_cased, prefixed, with KSM's _conflictN suffixes on collisions).
func (a *Allowlist) PromLabels(prefix string, m map[string]string) (keys, values []string) {
	_, keys, values = a.promLabels(prefix, m)
	return keys, values
}

// promLabels is PromLabels, with the Kubernetes key of each label name (selected[i] is named
// keys[i]).
func (a *Allowlist) promLabels(prefix string, m map[string]string) (selected, keys, values []string) {
	selected = make([]string, 0, len(m))
	for k := range m {
		if a.allows(k) {
			selected = append(selected, k)
		}
	}
	slices.Sort(selected)
	keys = make([]string, 0, len(selected))
	values = make([]string, 0, len(selected))
	used := make(map[string]int, len(selected)) // emitted name -> index in keys
	conflicts := map[string]int{}               // base name -> suffixes handed out
	for _, k := range selected {
		base := PromLabelName(prefix, k)
		name := base
		if n, seen := conflicts[base]; seen {
			name = nextFree(base, &n, used)
			conflicts[base] = n
		} else if idx, taken := used[base]; taken {
			// First collision: the name emitted earlier becomes _conflict1, this one the next free.
			n := 0
			renamed := nextFree(base, &n, used)
			delete(used, base)
			keys[idx] = renamed
			used[renamed] = idx
			name = nextFree(base, &n, used)
			conflicts[base] = n
		}
		used[name] = len(keys)
		keys = append(keys, name)
		values = append(values, m[k])
	}
	return selected, keys, values
}

func (a *Allowlist) allows(k string) bool {
	if a.all || slices.Contains(a.exact, k) {
		return true
	}
	for _, p := range a.patterns {
		if p.MatchString(k) {
			return true
		}
	}
	return false
}

func nextFree(base string, n *int, used map[string]int) string {
	for {
		*n++
		c := fmt.Sprintf("%s_conflict%d", base, *n)
		if _, taken := used[c]; !taken {
			return c
		}
	}
}

var (
	invalidLabelChar = regexp.MustCompile(`[^a-zA-Z0-9_]`)
	lowerThenUpper   = regexp.MustCompile(`([a-z0-9])([A-Z])`)
)

// PromLabelName is KSM's conversion of a Kubernetes label or annotation key into a label name.
func PromLabelName(prefix, key string) string {
	s := invalidLabelChar.ReplaceAllString(key, "_")
	return prefix + "_" + strings.ToLower(lowerThenUpper.ReplaceAllString(s, "${1}_${2}"))
}

// Quantity is KSM's float conversion of a resource quantity: milli-precision, except for values too
// large for it.
func Quantity(q resource.Quantity) float64 {
	if q.Value() > resource.MaxMilliValue {
		return float64(q.Value())
	}
	return float64(q.MilliValue()) / 1000
}

// ResourceVersion emits metadata.resourceVersion as a number, and nothing when it is not one
// (KSM's *_metadata_resource_version families).
func (e *Emitter) ResourceVersion(rv string) {
	if v, err := strconv.ParseFloat(rv, 64); err == nil {
		e.Add(v)
	}
}

// Timestamp emits t as Unix seconds, and nothing when it is unset.
func (e *Emitter) Timestamp(t *metav1.Time) {
	if !t.IsZero() {
		e.Add(float64(t.Unix()))
	}
}
