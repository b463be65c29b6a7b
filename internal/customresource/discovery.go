package customresource

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// Engine is what discovery needs of the engine: sources added and removed at runtime.
type Engine interface {
	AddSource(engine.Source) error
	RemoveSource(ctx context.Context, name string) error
}

// CRDs is the CustomResourceDefinition resource discovery watches.
var CRDs = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Discovery keeps one engine source per configured resource and served version/kind a CRD
// defines: it watches CRDs (reduced to group, kind, plural, scope and served versions), and after
// each change adds the sources that became due and removes those that no longer are (a CRD deleted,
// a version no longer served, a plural or scope changed). A CRD change that alters none of these
// leaves its sources running. One goroutine applies the changes, in order.
type Discovery struct {
	resources []*Resource
	eng       Engine
	dyn       dynamic.Interface
	log       *zap.Logger

	mu     sync.Mutex
	active map[string]string // binding key -> source name; written by the apply goroutine only

	changed chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	crds    cache.Store
	ctrl    cache.Controller
	missing map[int]bool // resources that resolved to nothing, logged once until they resolve
	applied atomic.Bool  // the CRDs were listed and the sources they call for added
}

// Applied reports whether discovery has listed the CRDs and added the sources they call for.
func (d *Discovery) Applied() bool { return d.applied.Load() }

// NewDiscovery binds compiled resources to the CRDs found through dyn, adding their sources to eng.
func NewDiscovery(resources []*Resource, eng Engine, dyn dynamic.Interface, log *zap.Logger) *Discovery {
	d := &Discovery{resources: slices.Clone(resources), eng: eng, dyn: dyn, log: log, active: map[string]string{},
		changed: make(chan struct{}, 1), missing: map[int]bool{}}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return dyn.Resource(CRDs).List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			return dyn.Resource(CRDs).Watch(ctx, opts)
		},
	}
	signal := func(any) {
		select {
		case d.changed <- struct{}{}:
		default:
		}
	}
	d.crds, d.ctrl = cache.NewInformerWithOptions(cache.InformerOptions{
		ListerWatcher: lw,
		ObjectType:    &unstructured.Unstructured{},
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    signal,
			UpdateFunc: func(_, n any) { signal(n) },
			DeleteFunc: signal, // tombstones included: the store is read again, never the object
		},
		Transform: reduceCRD,
	})
	return d
}

// Select keeps only the metrics enabled says run (the receiver's metric_allowlist and
// metric_denylist, which KSM applies to custom resource state families too); call it before Start.
func (d *Discovery) Select(enabled func(name string) bool) *Discovery {
	for i, r := range d.resources {
		sel := *r
		sel.Metrics = nil
		for _, m := range r.Metrics {
			if enabled(m.Name) {
				sel.Metrics = append(sel.Metrics, m)
			}
		}
		d.resources[i] = &sel
	}
	return d
}

// Start runs the CRD informer and the goroutine that applies changes.
func (d *Discovery) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.wg.Add(2)
	go func() { defer d.wg.Done(); d.ctrl.RunWithContext(ctx) }()
	go func() { defer d.wg.Done(); d.loop(ctx) }()
}

// Stop stops watching CRDs and removes every source discovery added; it returns once its
// goroutines and those of the sources have, or ctx ends.
func (d *Discovery) Stop(ctx context.Context) error {
	if d.cancel == nil {
		return nil
	}
	d.cancel()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("custom resource discovery: %w", ctx.Err())
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(d.active)) {
		if err := d.eng.RemoveSource(ctx, d.active[key]); err != nil {
			errs = append(errs, err)
		}
		d.mu.Lock() // Sources may be read meanwhile
		delete(d.active, key)
		d.mu.Unlock()
	}
	if len(errs) > 0 {
		return fmt.Errorf("custom resource discovery: %v", errs)
	}
	return nil
}

// Sources is the names of the sources discovery has added, sorted.
func (d *Discovery) Sources() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Values(d.active))
}

func (d *Discovery) loop(ctx context.Context) {
	if !cache.WaitForCacheSync(ctx.Done(), d.ctrl.HasSynced) {
		return
	}
	for {
		d.apply(ctx)
		d.applied.Store(true)
		select {
		case <-ctx.Done():
			return
		case <-d.changed:
		}
	}
}

// binding is one source due: resource index, served group/version/kind, plural and scope.
type binding struct {
	res        int
	gvk        GroupVersionKind
	plural     string
	namespaced bool
}

func (b binding) key() string {
	return strconv.Itoa(b.res) + "|" + b.gvk.Group + "|" + b.gvk.Version + "|" + b.gvk.Kind + "|" + b.plural + "|" + strconv.FormatBool(b.namespaced)
}

// due lists the bindings the CRDs call for, in a stable order.
func (d *Discovery) due() []binding {
	var crds []*crd
	for _, o := range d.crds.List() {
		if c, ok := o.(*crd); ok {
			crds = append(crds, c)
		}
	}
	slices.SortFunc(crds, func(a, b *crd) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	var out []binding
	for i, r := range d.resources {
		n := 0
		for _, c := range crds {
			if c.group != r.GVK.Group {
				continue
			}
			for _, v := range c.served {
				gvk := GroupVersionKind{Group: c.group, Version: v, Kind: c.kind}
				if r.Matches(gvk) {
					out = append(out, binding{res: i, gvk: gvk, plural: c.plural, namespaced: c.namespaced})
					n++
				}
			}
		}
		if n == 0 && !d.missing[i] {
			d.log.Warn("custom resource state: no served CustomResourceDefinition matches (built-in kinds are not read)",
				zap.String("groupVersionKind", r.GVK.String()), zap.Int("resource", i))
		}
		d.missing[i] = n == 0
	}
	return out
}

func (d *Discovery) apply(ctx context.Context) {
	due := d.due()
	want := map[string]binding{}
	for _, b := range due {
		want[b.key()] = b
	}
	for _, key := range slices.Sorted(maps.Keys(d.active)) {
		if _, ok := want[key]; ok {
			continue
		}
		name := d.active[key]
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := d.eng.RemoveSource(rctx, name)
		cancel()
		if err != nil {
			d.log.Warn("custom resource state: removing source", zap.String("resource", name), zap.Error(err))
		} else {
			d.log.Info("custom resource state: stopped watching", zap.String("resource", name))
		}
		d.mu.Lock()
		delete(d.active, key)
		d.mu.Unlock()
	}
	taken := map[string]bool{}
	for _, name := range d.active {
		taken[name] = true
	}
	for _, b := range due {
		key := b.key()
		if _, ok := d.active[key]; ok {
			continue
		}
		name := b.plural + "." + b.gvk.Version + "." + b.gvk.Group
		if taken[name] {
			name += "#" + strconv.Itoa(b.res)
		}
		src := NewSource(d.resources[b.res].Bind(b.gvk, b.plural, b.namespaced), name, d.log)
		if err := d.eng.AddSource(src); err != nil {
			d.log.Warn("custom resource state: adding source", zap.String("resource", name), zap.Error(err))
			continue
		}
		d.log.Info("custom resource state: watching", zap.String("resource", name), zap.String("kind", b.gvk.Kind))
		taken[name] = true
		d.mu.Lock()
		d.active[key] = name
		d.mu.Unlock()
	}
}

// crd is what discovery keeps of a CustomResourceDefinition.
type crd struct {
	metav1.ObjectMeta
	group, kind, plural string
	namespaced          bool
	served              []string
}

func (c *crd) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }
func (c *crd) DeepCopyObject() runtime.Object {
	out := *c
	out.served = slices.Clone(c.served)
	return &out
}

// reduceCRD keeps of a CRD what bindings are made of; its schema and status are dropped at once.
func reduceCRD(obj any) (any, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj, nil // tombstones pass through
	}
	c := &crd{ObjectMeta: metav1.ObjectMeta{Name: u.GetName(), ResourceVersion: u.GetResourceVersion(), UID: u.GetUID()}}
	c.group, _, _ = unstructured.NestedString(u.Object, "spec", "group")
	c.kind, _, _ = unstructured.NestedString(u.Object, "spec", "names", "kind")
	c.plural, _, _ = unstructured.NestedString(u.Object, "spec", "names", "plural")
	scope, _, _ := unstructured.NestedString(u.Object, "spec", "scope")
	c.namespaced = scope == "Namespaced"
	if u.GetDeletionTimestamp() != nil {
		// Being deleted: the apiserver stops serving its resources while the finalizer removes
		// them (a list answers "not found"), so its sources stop now, not when the CRD is gone.
		return c, nil
	}
	versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
	for _, v := range versions {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		if served, _ := m["served"].(bool); served && name != "" {
			c.served = append(c.served, name)
		}
	}
	return c, nil
}

// CountBindings is how many sources discovery would run for resources with the CRDs the
// apiserver has now (one per resource and served version and kind matched): what
// kube-state-metrics builds as many stores for. For harnesses that wait for both.
func CountBindings(ctx context.Context, dyn dynamic.Interface, resources []*Resource) (int, error) {
	list, err := dyn.Resource(CRDs).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range list.Items {
		c, _ := reduceCRD(&list.Items[i])
		crd := c.(*crd)
		for _, r := range resources {
			for _, v := range crd.served {
				if r.Matches(GroupVersionKind{Group: crd.group, Version: v, Kind: crd.kind}) {
					n++
				}
			}
		}
	}
	return n, nil
}
