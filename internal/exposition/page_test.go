package exposition

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/engine"
)

// fakeSource is a Source whose records tests put into Stores by hand.
type fakeSource struct {
	name   string
	prefix []string
	fams   []engine.FamilyDesc
}

func (s *fakeSource) Name() string                                                 { return s.name }
func (s *fakeSource) Namespaced() bool                                             { return true }
func (s *fakeSource) Families() []engine.FamilyDesc                                { return s.fams }
func (s *fakeSource) PrefixKeys() []string                                         { return s.prefix }
func (s *fakeSource) Example() runtime.Object                                      { return nil }
func (s *fakeSource) Transform(obj any) (any, error)                               { return obj, nil }
func (s *fakeSource) Record(any) *engine.Record                                    { return nil }
func (s *fakeSource) ListWatch(engine.Clients, string, string) cache.ListerWatcher { return nil }

func text(t *testing.T, p *Page) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(p.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != p.Size {
		t.Fatalf("page says %d bytes of text, holds %d", p.Size, len(b))
	}
	return string(b)
}

// The page is KSM's text: families in table order, each with HELP and TYPE once per resource that
// has objects (also for a family without series), samples of every store under their family,
// label pairs in KSM's order, its escaping and number formatting.
func TestRenderKSMText(t *testing.T) {
	pods := &fakeSource{name: "pods", prefix: []string{"namespace", "pod"}, fams: []engine.FamilyDesc{
		{Name: "kube_pod_info", Help: `Information about pod \ with a backslash` + "\nand a newline.", Type: engine.Gauge, Keys: []string{"node"}},
		{Name: "kube_pod_labels", Help: "Kubernetes labels.", Type: engine.Gauge},
		{Name: "kube_pod_restarts_total", Help: "[STABLE] Restarts.", Type: engine.Counter, Keys: []string{"container"}},
		{Name: "kube_pod_never", Help: "No series.", Type: engine.Gauge},
	}}
	empty := &fakeSource{name: "secrets", prefix: []string{"namespace", "secret"}, fams: []engine.FamilyDesc{{Name: "kube_secret_info", Help: "x"}}}
	dup := &fakeSource{name: "other", prefix: []string{"namespace"}, fams: []engine.FamilyDesc{{Name: "kube_pod_info", Help: "again", Keys: []string{}}}}

	var b engine.RecordBuilder
	rec := func(prefix []string, add func()) *engine.Record {
		b.Reset()
		add()
		return b.Build(prefix)
	}
	st1, st2, st3 := engine.NewStore(), engine.NewStore(), engine.NewStore()
	st1.Put("a/p1", rec([]string{"a", "p1"}, func() {
		b.Add(2, 3, []string{"c1"}) // added out of order: the record groups by family
		b.Add(0, 1, []string{`n"1\` + "\n"})
		b.AddKV(1, 1, []string{"label_app", "label_tier"}, []string{"web", ""})
		b.Add(2, math.Inf(1), []string{"c2"})
	}))
	st1.Put("a/p2", rec([]string{"a", "p2"}, func() {
		b.Add(0, 0.000125, []string{"n2"})
		b.AddKV(1, 1, nil, nil)
		b.Add(2, -1, []string{"c"})
	}))
	st2.Put("b/p3", rec([]string{"b", "p3"}, func() {
		b.Add(0, math.NaN(), []string{"n3"})
		b.Add(2, 1e21, []string{"c"})
	}))
	st3.Put("x", rec([]string{"x"}, func() { b.Add(0, 0, nil) }))

	p := NewPages()
	p.Render([]engine.Collection{
		{Source: pods, Stores: []*engine.Store{st1, st2}},
		{Source: empty, Stores: []*engine.Store{engine.NewStore()}},
		{Source: dup, Stores: []*engine.Store{st3}},
	})
	want := `# HELP kube_pod_info Information about pod \\ with a backslash\nand a newline.
# TYPE kube_pod_info gauge
kube_pod_info{namespace="a",pod="p1",node="n\"1\\\n"} 1
kube_pod_info{namespace="a",pod="p2",node="n2"} 0.000125
kube_pod_info{namespace="b",pod="p3",node="n3"} NaN
# HELP kube_pod_labels Kubernetes labels.
# TYPE kube_pod_labels gauge
kube_pod_labels{namespace="a",pod="p1",label_app="web",label_tier=""} 1
kube_pod_labels{namespace="a",pod="p2"} 1
# HELP kube_pod_restarts_total [STABLE] Restarts.
# TYPE kube_pod_restarts_total counter
kube_pod_restarts_total{namespace="a",pod="p1",container="c1"} 3
kube_pod_restarts_total{namespace="a",pod="p1",container="c2"} +Inf
kube_pod_restarts_total{namespace="a",pod="p2",container="c"} -1
kube_pod_restarts_total{namespace="b",pod="p3",container="c"} 1e+21
# HELP kube_pod_never No series.
# TYPE kube_pod_never gauge
kube_pod_info{namespace="x"} 0
`
	got := text(t, p.Current())
	if got != want {
		t.Fatalf("page:\n%s\nwant:\n%s", got, want)
	}
	if s := p.Current().Series; s != 10 {
		t.Fatalf("series = %d, want 10", s)
	}
}

// A page is rendered from each Store loaded once: a record replaced after the render does not
// change the published page, and the next render shows it.
func TestPagesAreImmutable(t *testing.T) {
	src := &fakeSource{name: "configmaps", prefix: []string{"configmap"}, fams: []engine.FamilyDesc{{Name: "v", Help: "h"}}}
	st := engine.NewStore()
	st.Put("a", engine.NewRecord([]string{"a"}, []engine.Point{{Value: 1}}))
	p := NewPages()
	cols := []engine.Collection{{Source: src, Stores: []*engine.Store{st}}}
	p.Render(cols)
	first := p.Current()
	before := text(t, first)
	st.Put("a", engine.NewRecord([]string{"a"}, []engine.Point{{Value: 2}}))
	st.Delete("a")
	if text(t, first) != before {
		t.Fatal("a published page changed")
	}
	p.Render(cols)
	if got := text(t, p.Current()); got != "" {
		t.Fatalf("after the delete: %q, want an empty page (no objects, no headers)", got)
	}
}

// Object labels follow every sample's own labels under their KSM names; a sample that has a
// label of the same name (kube_pod_labels' label_app) keeps its own value.
func TestRenderObjectLabels(t *testing.T) {
	pods := &fakeSource{name: "pods", prefix: []string{"namespace", "pod"}, fams: []engine.FamilyDesc{
		{Name: "kube_pod_info", Help: "i", Type: engine.Gauge, Keys: []string{"node"}},
		{Name: "kube_pod_labels", Help: "l", Type: engine.Gauge},
	}}
	var b engine.RecordBuilder
	b.ObjectLabel("label_app", "k8s.pod.label.app", `we"b`)
	b.ObjectLabel("namespace", "k8s.pod.label.namespace", "not-the-namespace")
	b.Add(0, 1, []string{"n1"})
	b.AddKV(1, 1, []string{"label_app"}, []string{"from-family"})
	st := engine.NewStore()
	st.Put("a/p1", b.Build([]string{"a", "p1"}))
	b.Reset()
	b.Add(0, 1, []string{"n2"})
	b.AddKV(1, 1, nil, nil)
	st.Put("a/p2", b.Build([]string{"a", "p2"}))
	pages := NewPages()
	pages.Render([]engine.Collection{{Source: pods, Stores: []*engine.Store{st}}})
	want := `# HELP kube_pod_info i
# TYPE kube_pod_info gauge
kube_pod_info{namespace="a",pod="p1",node="n1",label_app="we\"b"} 1
kube_pod_info{namespace="a",pod="p2",node="n2"} 1
# HELP kube_pod_labels l
# TYPE kube_pod_labels gauge
kube_pod_labels{namespace="a",pod="p1",label_app="from-family"} 1
kube_pod_labels{namespace="a",pod="p2"} 1
`
	if got := text(t, pages.Current()); got != want {
		t.Fatalf("page\n%s\nwant\n%s", got, want)
	}
}
