package customresource

import (
	"context"
	"errors"
	"slices"
	"sync"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// Source is the engine's view of one bound resource: the objects of one served group/version/
// kind, evaluated into records. Its points carry all their labels (no prefix keys, as KSM adds no
// identity label of its own); metrics of the same name (one per unit, say) are one family.
type Source struct {
	b      *Bound
	name   string
	descs  []engine.FamilyDesc
	family []int // metric index -> family index
	// Per metric: its family's Keys when they are the metric's Bound.Keys, else nil. A point with
	// exactly those keys is stored without them (its family's keys are shared by every record),
	// any other with its own.
	keys [][]string
	log  *zap.Logger
	pool sync.Pool // *engine.RecordBuilder; reflectors of several namespaces build concurrently
}

// NewSource makes b an engine.Source named name (unique in the engine).
func NewSource(b *Bound, name string, log *zap.Logger) *Source {
	s := &Source{b: b, name: name, log: log}
	byName := map[string]int{}
	for i, m := range b.Metrics {
		f, ok := byName[m.Name]
		if !ok {
			f = len(s.descs)
			byName[m.Name] = f
			// The first metric's help, as KSM's page shows it; info and stateset are gauges there too.
			s.descs = append(s.descs, engine.FamilyDesc{Name: m.Name, Help: m.Help, Type: engine.Gauge, Keys: b.Keys(i)})
		}
		s.family = append(s.family, f)
	}
	for i, f := range s.family {
		var keys []string
		if k := b.Keys(i); k != nil && slices.Equal(k, s.descs[f].Keys) {
			keys = s.descs[f].Keys
		}
		s.keys = append(s.keys, keys)
	}
	s.pool.New = func() any { return &engine.RecordBuilder{} }
	return s
}

func (s *Source) Name() string                  { return s.name }
func (s *Source) Namespaced() bool              { return s.b.Namespaced }
func (s *Source) Families() []engine.FamilyDesc { return s.descs }
func (s *Source) PrefixKeys() []string          { return nil }
func (s *Source) Example() runtime.Object       { return &unstructured.Unstructured{} }

// GVR is the group/version/resource the source lists and watches.
func (s *Source) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: s.b.GVK.Group, Version: s.b.GVK.Version, Resource: s.b.Plural}
}

func (s *Source) ListWatch(c engine.Clients, namespace, fieldSelector string) cache.ListerWatcher {
	api := c.Dynamic.Resource(s.GVR()).Namespace(namespace)
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = fieldSelector
			return api.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = fieldSelector
			return api.Watch(ctx, opts)
		},
	}
}

// Transform drops managedFields, which no path of a CRS config is expected to read and which are
// often the largest part of an object.
func (s *Source) Transform(obj any) (any, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.SetManagedFields(nil)
	}
	return obj, nil
}

// Record evaluates every metric on one object version. An object the config cannot fully read is
// logged (the resource, the object, each metric and path) and gives the points that could be read.
func (s *Source) Record(obj any) *engine.Record {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	rb := s.pool.Get().(*engine.RecordBuilder)
	rb.Reset()
	errs := s.b.Evaluate(u.Object, func(i int, smp Sample) {
		if k := s.keys[i]; k != nil && slices.Equal(smp.Keys, k) {
			rb.Add(s.family[i], smp.Value, smp.Values)
		} else {
			rb.AddKV(s.family[i], smp.Value, smp.Keys, smp.Values)
		}
	})
	rec := rb.Build(nil)
	s.pool.Put(rb)
	if len(errs) > 0 && s.log != nil {
		quiet := true
		for _, err := range errs {
			var ee *EvalError
			quiet = quiet && errors.As(err, &ee) && ee.Quiet
		}
		ce := s.log.Check(zap.WarnLevel, "custom resource state: metric not read")
		if quiet {
			ce = s.log.Check(zap.DebugLevel, "custom resource state: metric not read")
		}
		if ce != nil {
			ce.Write(zap.String("resource", s.name), zap.String("namespace", u.GetNamespace()), zap.String("name", u.GetName()), zap.Error(errors.Join(errs...)))
		}
	}
	return rec
}
