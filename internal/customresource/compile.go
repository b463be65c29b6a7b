package customresource

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Type is a metric's type as configured; all three are exported as gauges.
type Type uint8

const (
	Gauge Type = iota
	StateSet
	Info
)

func (t Type) String() string { return [...]string{"gauge", "stateset", "info"}[t] }

// Reserved label keys every point carries, from the resolved group, version and kind.
const (
	LabelGroup   = "customresource_group"
	LabelVersion = "customresource_version"
	LabelKind    = "customresource_kind"
)

// DefaultPrefix is the metric name prefix when a resource sets no metricNamePrefix.
const DefaultPrefix = "kube_customresource"

// Resource is one compiled entry of spec.resources. Its GVK may still hold wildcards; Resolve
// binds it to one served group/version/kind.
type Resource struct {
	GVK     GroupVersionKind
	Plural  string // resourcePlural as configured; discovery's plural wins, as in KSM
	Metrics []*Metric
}

// Metric is one compiled metric of a resource.
type Metric struct {
	Name string // with the resource's prefix
	Help string
	Type Type

	resourceCommon map[string]string // the resource's commonLabels
	metricCommon   map[string]string // the metric's; set after the reserved labels, so they win
	root           labelPaths        // the resource's and the metric's labelsFromPath, on the object

	path         Path       // to the value(s) the points are made of
	each         labelPaths // each.<type>.labelsFromPath, on each value
	valueFrom    Path
	mapValueKey  string // gauge on an object: the one valueFrom element a key may name directly
	labelFromKey string
	nilIsZero    bool
	list         []string
	labelName    string
	quiet        bool // errorLogV > 0: evaluation errors are logged at debug level
}

// labelPaths are labels taken from paths: stars copy a whole object's fields (in key order, so a
// later star overrides an earlier one), then plain ones override them.
type labelPaths struct {
	stars []starLabel
	plain []plainLabel
}

type starLabel struct {
	prefix string // "lorem_" for "lorem_*"; "" for "*" or "*x"
	path   Path
}

type plainLabel struct {
	key  string // sanitized
	path Path
}

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// Compile checks a parsed config and compiles every resource. Errors name the resource (its index
// and group/version/kind), the metric (index and name) and the field.
func Compile(c *Config) ([]*Resource, error) {
	if c == nil || len(c.Spec.Resources) == 0 {
		return nil, fmt.Errorf("spec.resources: no resource configured")
	}
	out := make([]*Resource, 0, len(c.Spec.Resources))
	for i := range c.Spec.Resources {
		rc := &c.Spec.Resources[i]
		r, err := compileResource(rc)
		if err != nil {
			return nil, fmt.Errorf("spec.resources[%d] (%s): %w", i, rc.GroupVersionKind, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func compileResource(rc *ResourceConfig) (*Resource, error) {
	gvk := rc.GroupVersionKind
	if gvk.Group == "" || gvk.Group == "*" {
		return nil, fmt.Errorf("groupVersionKind.group is required (only version and kind may be \"*\")")
	}
	if len(rc.Metrics) == 0 {
		return nil, fmt.Errorf("metrics: none configured")
	}
	prefix := DefaultPrefix
	if rc.MetricNamePrefix != nil {
		prefix = *rc.MetricNamePrefix
	}
	if err := checkLabelKeys("commonLabels", rc.CommonLabels); err != nil {
		return nil, err
	}
	r := &Resource{GVK: gvk, Plural: rc.ResourcePlural}
	for j := range rc.Metrics {
		mc := &rc.Metrics[j]
		m, err := compileMetric(rc, mc, prefix)
		if err != nil {
			return nil, fmt.Errorf("metrics[%d] (%q): %w", j, mc.Name, err)
		}
		r.Metrics = append(r.Metrics, m)
	}
	return r, nil
}

func compileMetric(rc *ResourceConfig, mc *MetricConfig, prefix string) (*Metric, error) {
	m := &Metric{Help: mc.Help, Name: mc.Name, resourceCommon: rc.CommonLabels, metricCommon: mc.CommonLabels}
	if prefix != "" {
		m.Name = prefix + "_" + mc.Name
	}
	if !metricNameRE.MatchString(m.Name) {
		return nil, fmt.Errorf("name: %q is not a valid metric name", m.Name)
	}
	if err := checkLabelKeys("commonLabels", mc.CommonLabels); err != nil {
		return nil, err
	}
	logV := mc.ErrorLogV
	if logV == 0 {
		logV = rc.ErrorLogV
	}
	m.quiet = logV > 0

	// The metric's labelsFromPath replace the resource's of the same key.
	root := maps.Clone(rc.LabelsFromPath)
	if root == nil {
		root = map[string][]string{}
	}
	maps.Copy(root, mc.LabelsFromPath)
	var err error
	if m.root, err = compileLabels(root); err != nil {
		return nil, fmt.Errorf("labelsFromPath: %w", err)
	}

	var path, valueFrom []string
	var each map[string][]string
	switch typ := strings.ToLower(mc.Each.Type); typ {
	case "gauge":
		g := mc.Each.Gauge
		if g == nil {
			return nil, fmt.Errorf("each.gauge is required with type %s", mc.Each.Type)
		}
		m.Type, path, each, valueFrom = Gauge, g.Path, g.LabelsFromPath, g.ValueFrom
		m.labelFromKey, m.nilIsZero = g.LabelFromKey, g.NilIsZero
		if m.labelFromKey != "" && !labelNameRE.MatchString(m.labelFromKey) {
			return nil, fmt.Errorf("each.gauge.labelFromKey: %q is not a valid label name", m.labelFromKey)
		}
		// A gauge on an object whose valueFrom is one element names, for the object's field of
		// that key, the field itself (KSM's rule: the value is not looked up inside it).
		if len(valueFrom) == 1 && valueFrom[0] != "" && !strings.Contains(valueFrom[0], ",") {
			m.mapValueKey = valueFrom[0]
		}
	case "stateset":
		s := mc.Each.StateSet
		if s == nil {
			return nil, fmt.Errorf("each.stateSet is required with type %s", mc.Each.Type)
		}
		m.Type, path, each, valueFrom = StateSet, s.Path, s.LabelsFromPath, s.ValueFrom
		m.list, m.labelName = s.List, s.LabelName
		if !labelNameRE.MatchString(m.labelName) {
			return nil, fmt.Errorf("each.stateSet.labelName: %q is not a valid label name", m.labelName)
		}
	case "info":
		in := mc.Each.Info
		if in == nil {
			return nil, fmt.Errorf("each.info is required with type %s", mc.Each.Type)
		}
		m.Type, path, each = Info, in.Path, in.LabelsFromPath
		m.labelFromKey = in.LabelFromKey
		if m.labelFromKey != "" && !labelNameRE.MatchString(m.labelFromKey) {
			return nil, fmt.Errorf("each.info.labelFromKey: %q is not a valid label name", m.labelFromKey)
		}
	default:
		return nil, fmt.Errorf("each.type: unknown metric type %q (Gauge, StateSet or Info)", mc.Each.Type)
	}
	field := "each." + map[Type]string{Gauge: "gauge", StateSet: "stateSet", Info: "info"}[m.Type]
	if m.path, err = CompilePath(path); err != nil {
		return nil, fmt.Errorf("%s.path: %w", field, err)
	}
	if m.valueFrom, err = CompilePath(valueFrom); err != nil {
		return nil, fmt.Errorf("%s.valueFrom: %w", field, err)
	}
	if m.each, err = compileLabels(each); err != nil {
		return nil, fmt.Errorf("%s.labelsFromPath: %w", field, err)
	}
	return m, nil
}

func compileLabels(in map[string][]string) (labelPaths, error) {
	var out labelPaths
	for _, k := range slices.Sorted(maps.Keys(in)) {
		p, err := CompilePath(in[k])
		if err != nil {
			return out, fmt.Errorf("%s: %w", k, err)
		}
		if strings.HasPrefix(k, "*") || strings.HasSuffix(k, "*") {
			var prefix string
			if strings.HasSuffix(k, "*") {
				prefix = k[:len(k)-1]
			}
			out.stars = append(out.stars, starLabel{prefix: prefix, path: p})
			continue
		}
		out.plain = append(out.plain, plainLabel{key: sanitizeLabelName(k), path: p})
	}
	return out, nil
}

func checkLabelKeys(field string, labels map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if !labelNameRE.MatchString(k) {
			return fmt.Errorf("%s: %q is not a valid label name", field, k)
		}
	}
	return nil
}

// sanitizeLabelName replaces every character not allowed in a label name with "_", as KSM does
// for keys taken from paths.
func sanitizeLabelName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Matches reports whether a served group/version/kind is one the resource names (a "*" or empty
// version or kind matches any).
func (r *Resource) Matches(gvk GroupVersionKind) bool {
	any := func(want, got string) bool { return want == "" || want == "*" || want == got }
	return r.GVK.Group == gvk.Group && any(r.GVK.Version, gvk.Version) && any(r.GVK.Kind, gvk.Kind)
}
