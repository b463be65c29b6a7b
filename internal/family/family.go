// Package family declares metric families as data: a Resource is a flat table of Families, each a
// small function from a typed object to points. Compile turns a table plus the user's filters into an
// engine.Source. Shared label plumbing (conditions, label/annotation allowlists, quantities) lives in
// labels.go so resource tables stay one line of logic per family.
package family

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// Stability is KSM's stability level of a family.
type Stability uint8

const (
	Alpha Stability = iota
	Stable
)

func (s Stability) String() string {
	if s == Stable {
		return "STABLE"
	}
	return "ALPHA"
}

// Family is one metric family of a resource.
type Family[T any] struct {
	Name       string
	Help       string // KSM's help text, without the stability prefix
	Type       engine.MetricType
	Stability  Stability
	OptIn      bool   // emitted only when listed in metric_opt_in_list
	Deprecated string // KSM version that deprecated it, if any
	// Labels are the keys Points emits after the resource's prefix keys, in KSM's order. Families
	// whose keys depend on the object (labels, annotations) leave it empty and use AddKV.
	Labels []string
	Points func(obj T, e *Emitter)
}

// Resource is a resource's table of families and how to watch it.
type Resource[T runtime.Object] struct {
	Name       string // plural, as in KSM's --resources
	Namespaced bool
	Default    bool // in KSM's default resource set
	// Prefix are the label keys every family of the resource starts with (e.g. namespace, pod, uid),
	// and PrefixValues their values for one object.
	Prefix       []string
	PrefixValues func(T) []string
	Families     []Family[T]
	New          func() T // an empty object, for the informer
	ListWatch    func(c engine.Clients, namespace, fieldSelector string) cache.ListerWatcher
	// Strip clears, in place, every field no family reads, before the informer caches the object.
	// managedFields are always cleared.
	Strip func(T)
}

// Filter decides which families run. Labels and Annotations are this resource's allowlists
// (already resolved from KSM-style "*" wildcards); nil means the labels/annotations families emit
// nothing, as in KSM.
type Filter struct {
	Enabled     func(name string, optIn bool) bool // nil enables every non-opt-in family
	Labels      *Allowlist
	Annotations *Allowlist
	// UID keeps the object's uid in every record, after the prefix values, when the resource's
	// Prefix has none: naming schemas other than KSM's identify objects by uid. KSM's labels never
	// show it (the engine emits only the Prefix keys' values).
	UID bool
	// ObjectLabels selects the object's Kubernetes labels every series of the object carries
	// (object_labels_as_attributes); nil: none, and records are as without it.
	ObjectLabels *Allowlist
}

// AnyResource is a Resource of any object type: what the registry lists, docs and config
// validation read, and the receiver compiles into an engine Source.
type AnyResource interface {
	ResourceName() string
	PrefixKeys() []string
	IsDefault() bool
	FamilyInfo() []Info
	Compile(Filter) engine.Source
}

// Info is a family's documentation.
type Info struct {
	Name, Help, Stability, Deprecated string
	Type                              engine.MetricType
	OptIn                             bool
	Labels                            []string // prefix keys + family keys; nil for dynamic families
}

func (r *Resource[T]) ResourceName() string { return r.Name }
func (r *Resource[T]) IsDefault() bool      { return r.Default }
func (r *Resource[T]) PrefixKeys() []string { return r.Prefix }

func (r *Resource[T]) FamilyInfo() []Info {
	out := make([]Info, len(r.Families))
	for i, f := range r.Families {
		var labels []string
		if len(f.Labels) > 0 || f.Points != nil {
			labels = append(append([]string{}, r.Prefix...), f.Labels...)
		}
		out[i] = Info{Name: f.Name, Help: f.Help, Stability: f.Stability.String(), Deprecated: f.Deprecated, Type: f.Type, OptIn: f.OptIn, Labels: labels}
	}
	return out
}

// Compile selects the enabled families and returns the engine's view of the resource.
func (r *Resource[T]) Compile(f Filter) engine.Source {
	s := &source[T]{res: r, filter: f}
	for i := range r.Families {
		fam := &r.Families[i]
		on := !fam.OptIn
		if f.Enabled != nil {
			on = f.Enabled(fam.Name, fam.OptIn)
		}
		if !on {
			continue
		}
		s.fams = append(s.fams, fam)
		s.descs = append(s.descs, engine.FamilyDesc{Name: fam.Name, Help: fam.Description(), Type: fam.Type, Keys: fam.Labels})
	}
	s.pool.New = func() any { return &Emitter{} }
	if f.ObjectLabels != nil {
		s.labelAttrPrefix = "k8s." + objectKind(r.New()) + ".label."
	}
	return s
}

// objectKind is the kind's name in OpenTelemetry's k8s.<kind>.* attributes: the lowercase kind,
// but "hpa" for HorizontalPodAutoscaler as the semantic conventions name it (k8s.hpa.name).
func objectKind(obj runtime.Object) string {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "HorizontalPodAutoscaler" {
		return "hpa"
	}
	return strings.ToLower(t.Name())
}

// Description is the help text KSM prints: stable families carry a "[STABLE] " prefix (alpha
// families none), then deprecated ones "(Deprecated since vX) ".
func (f *Family[T]) Description() string {
	d := f.Help
	if f.Deprecated != "" {
		d = "(Deprecated since " + f.Deprecated + ") " + d
	}
	if f.Stability == Stable {
		d = "[STABLE] " + d
	}
	return d
}

type source[T runtime.Object] struct {
	res    *Resource[T]
	filter Filter
	fams   []*Family[T]
	descs  []engine.FamilyDesc
	pool   sync.Pool // *Emitter scratch; one per concurrent handler
	// labelAttrPrefix starts the resource attribute key of an object label (k8s.pod.label.), set
	// when filter.ObjectLabels is.
	labelAttrPrefix string
}

func (s *source[T]) Name() string                  { return s.res.Name }
func (s *source[T]) Namespaced() bool              { return s.res.Namespaced }
func (s *source[T]) Families() []engine.FamilyDesc { return s.descs }
func (s *source[T]) PrefixKeys() []string          { return s.res.Prefix }
func (s *source[T]) Example() runtime.Object       { return s.res.New() }

func (s *source[T]) ListWatch(c engine.Clients, namespace, fieldSelector string) cache.ListerWatcher {
	return s.res.ListWatch(c, namespace, fieldSelector)
}

func (s *source[T]) Transform(obj any) (any, error) {
	o, ok := obj.(T)
	if !ok {
		return obj, nil // tombstones and the like pass through untouched
	}
	m, err := meta.Accessor(o)
	if err == nil {
		m.SetManagedFields(nil)
	}
	if s.res.Strip != nil {
		// Strip may clear labels no family reads; object_labels_as_attributes reads them.
		var labels map[string]string
		if s.filter.ObjectLabels != nil && m != nil {
			labels = m.GetLabels()
		}
		s.res.Strip(o)
		if labels != nil {
			m.SetLabels(labels)
		}
	}
	return o, nil
}

// Record runs every enabled family over obj and packs the points into one immutable record.
func (s *source[T]) Record(obj any) *engine.Record {
	o, ok := obj.(T)
	if !ok {
		return nil
	}
	e := s.pool.Get().(*Emitter)
	e.reset(s.filter)
	for i, f := range s.fams {
		e.family, e.keys = i, f.Labels
		f.Points(o, e)
	}
	prefix := s.res.PrefixValues(o)
	if s.filter.UID || s.filter.ObjectLabels != nil {
		if m, err := meta.Accessor(o); err == nil {
			if s.filter.UID && !slices.Contains(s.res.Prefix, "uid") {
				prefix = append(prefix, string(m.GetUID()))
			}
			if s.filter.ObjectLabels != nil {
				e.objectLabels(s.filter.ObjectLabels, s.labelAttrPrefix, m.GetLabels())
			}
		}
	}
	rec := e.record(prefix)
	s.pool.Put(e)
	return rec
}
