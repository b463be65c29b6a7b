package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/kubestate/kubestate/internal/testenv/points"
)

// podLikeSource is a pod-like resource: an info family, a per-container family, and a state family.
type podLikeSource struct{}

func (podLikeSource) Name() string         { return "pods" }
func (podLikeSource) Namespaced() bool     { return true }
func (podLikeSource) PrefixKeys() []string { return []string{"namespace", "pod"} }
func (podLikeSource) Families() []FamilyDesc {
	return []FamilyDesc{
		{Name: "pod_info", Type: Gauge, Keys: []string{"node"}},
		{Name: "pod_container_requests", Type: Gauge, Keys: []string{"container", "resource"}},
		{Name: "pod_container_info", Type: Gauge, Keys: []string{"container", "image"}},
		{Name: "pod_phase", Type: Gauge, Keys: []string{"phase"}},
	}
}
func (podLikeSource) ListWatch(Clients, string, string) cache.ListerWatcher { return nil }
func (podLikeSource) Example() kruntime.Object                              { return nil }
func (podLikeSource) Transform(obj any) (any, error)                        { return obj, nil }
func (podLikeSource) Record(any) *Record                                    { return nil }

var podLikeSchema = &SourceSchema{
	SchemaURL: "https://example.com/schema",
	Resource:  []PrefixAttr{{"k8s.namespace.name", 0}, {"k8s.pod.name", 1}, {"k8s.pod.uid", 2}},
	Metrics: [][]MetricMap{
		nil, // pod_info is read by Enrich only
		{
			{Name: "k8s.container.cpu_request", Unit: "{cpu}", Where: []LabelIs{{Label: 1, Value: "cpu"}}, ResourceLabels: []LabelAttr{{Key: "k8s.container.name", Label: 0}}},
			{Name: "k8s.container.memory_request", Unit: "By", Int: true, Where: []LabelIs{{Label: 1, Value: "memory"}}, ResourceLabels: []LabelAttr{{Key: "k8s.container.name", Label: 0}}},
		},
		nil,
		{{Name: "k8s.pod.phase", Int: true, FromLabel: &StateValue{Label: 0, Values: map[string]float64{"Pending": 1, "Running": 2}, Default: 5}}},
	},
	Enrich: []Enrich{
		{Family: 0, Put: func(label func(string) string, put func(string, string)) { put("k8s.node.name", label("node")) }},
		{Family: 2, Match: &LabelIs{Label: 0}, Put: func(label func(string) string, put func(string, string)) {
			put("container.image.name", label("image"))
		}},
	},
}

// podLike builds a record of a pod whose prefix carries a uid beyond the Source's PrefixKeys.
func podLike(name, phase string, containers ...string) *Record {
	pts := []Point{{Family: 0, Values: []string{"node-1"}, Value: 1}}
	for i, c := range containers {
		pts = append(pts,
			Point{Family: 1, Values: []string{c, "cpu"}, Value: 0.25},
			Point{Family: 1, Values: []string{c, "memory"}, Value: float64(int(1) << (20 + i))},
			Point{Family: 2, Values: []string{c, "img-" + c}, Value: 1})
	}
	for _, p := range []string{"Pending", "Running", "Failed"} {
		v := 0.0
		if p == phase {
			v = 1
		}
		pts = append(pts, Point{Family: 3, Values: []string{p}, Value: v})
	}
	return NewRecord([]string{"ns", name, "uid-" + name}, pts)
}

// resourceDump renders every point with its resource's attributes, in order.
func resourceDump(md pmetric.Metrics) []string {
	var out []string
	attrs := points.Attrs
	for i := range md.ResourceMetrics().Len() {
		rm := md.ResourceMetrics().At(i)
		for j := range rm.ScopeMetrics().Len() {
			ms := rm.ScopeMetrics().At(j).Metrics()
			for k := range ms.Len() {
				m := ms.At(k)
				dps := m.Gauge().DataPoints()
				for l := range dps.Len() {
					dp := dps.At(l)
					v := fmt.Sprint(dp.DoubleValue())
					if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
						v = fmt.Sprintf("%d", dp.IntValue())
					}
					if dp.Flags().NoRecordedValue() {
						v = "stale"
					}
					out = append(out, fmt.Sprintf("[%s] %s{%s} %s %s", attrs(rm.Resource().Attributes()), m.Name(), attrs(dp.Attributes()), m.Unit(), v))
				}
			}
		}
	}
	return out
}

func TestSchemaOneResourcePerObjectAndContainer(t *testing.T) {
	st := NewStore()
	st.Put("a", podLike("a", "Running", "app", "side"))
	var got []string
	var rms []int
	collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}, Schema: podLikeSchema}},
		batchOptions{MaxDataPointsPerBatch: 100, Now: 2}, func(md pmetric.Metrics) error {
			rms = append(rms, md.ResourceMetrics().Len())
			got = append(got, resourceDump(md)...)
			if u := md.ResourceMetrics().At(0).SchemaUrl(); u != podLikeSchema.SchemaURL {
				t.Errorf("schema URL %q", u)
			}
			return nil
		})
	pod := "k8s.namespace.name=ns,k8s.node.name=node-1,k8s.pod.name=a,k8s.pod.uid=uid-a"
	want := []string{
		"[container.image.name=img-app,k8s.container.name=app," + pod + "] k8s.container.cpu_request{} {cpu} 0.25",
		"[container.image.name=img-app,k8s.container.name=app," + pod + "] k8s.container.memory_request{} By 1048576",
		"[container.image.name=img-side,k8s.container.name=side," + pod + "] k8s.container.cpu_request{} {cpu} 0.25",
		"[container.image.name=img-side,k8s.container.name=side," + pod + "] k8s.container.memory_request{} By 2097152",
		"[" + pod + "] k8s.pod.phase{}  2",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(rms, []int{3}) {
		t.Fatalf("resources per batch %v; want one batch of 3 (two containers and the pod)", rms)
	}
}

func TestSchemaBatchesBoundedAndResourcesSplitAcrossBatches(t *testing.T) {
	st := NewStore()
	for i := range 10 {
		st.Put(fmt.Sprint(i), podLike(fmt.Sprint("p", i), "Pending", "c1", "c2", "c3"))
	}
	var batches []int
	perResource := map[string]int{}
	stats := collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}, Schema: podLikeSchema}},
		batchOptions{MaxDataPointsPerBatch: 4, Now: 2}, func(md pmetric.Metrics) error {
			batches = append(batches, md.DataPointCount())
			for _, line := range resourceDump(md) {
				res := line[:strings.Index(line, "]")]
				perResource[res]++
			}
			return nil
		})
	total := 0
	for i, n := range batches {
		if n < 1 || n > 4 {
			t.Fatalf("batch %d has %d points; want 1..4", i, n)
		}
		total += n
	}
	// Per pod: 3 containers x 2 requests + 1 phase.
	if total != 70 || stats.Sent != 70 {
		t.Fatalf("sent %d (stats %+v); want 70", total, stats)
	}
	if len(perResource) != 40 {
		t.Fatalf("%d distinct resources; want 40 (10 pods, 30 containers)", len(perResource))
	}
}

func TestSchemaStalePointsOfDeletedObject(t *testing.T) {
	st := NewStore()
	st.Put("a", podLike("a", "Running", "app"))
	last := newLastExported()
	o := batchOptions{MaxDataPointsPerBatch: 100, Now: 5e9, Last: last}
	run := func() []string {
		var got []string
		collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}, Schema: podLikeSchema}}, o,
			func(md pmetric.Metrics) error { got = append(got, resourceDump(md)...); return nil })
		return got
	}
	if got := run(); len(got) != 3 {
		t.Fatalf("first snapshot: %q", got)
	}
	st.Delete("a")
	got := run()
	if len(got) != 3 {
		t.Fatalf("after delete: %q; want 3 stale points", got)
	}
	for _, l := range got {
		if !strings.HasSuffix(l, " stale") || !strings.Contains(l, "k8s.pod.uid=uid-a") {
			t.Fatalf("after delete: %q is not a stale point of the pod's resource", l)
		}
	}
}

func TestNilSchemaKeepsOneResourcePerBatch(t *testing.T) {
	st := NewStore()
	st.Put("a", podLike("a", "Running", "app"))
	st.Put("b", podLike("b", "Running", "app"))
	collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}}},
		batchOptions{MaxDataPointsPerBatch: 100, Now: 2}, func(md pmetric.Metrics) error {
			if n := md.ResourceMetrics().Len(); n != 1 {
				t.Fatalf("%d resources; want 1", n)
			}
			// The uid past PrefixKeys stays out of KSM's labels.
			dp := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints().At(0)
			if dp.Attributes().Len() != 3 {
				t.Fatalf("attributes %v; want namespace, pod, node", dp.Attributes().AsRaw())
			}
			return nil
		})
}

// Two families feeding one metric (each with a fixed attribute), a converted attribute, a tested
// label and a family kept with all its labels (also a point whose keys vary per object, as a
// labels family's): one metric per name and resource, its points from both families.
func TestSchemaMetricFedBySeveralFamiliesFixedAndConvertedAttrs(t *testing.T) {
	lower := func(s string) string { return strings.ToLower(s) }
	schema := &SourceSchema{
		Resource: []PrefixAttr{{"k8s.pod.name", 1}},
		Metrics: [][]MetricMap{
			{{Name: "pod_info", AllLabels: true}},
			{
				{Name: "requests", Where: []LabelIs{{Label: 1, Test: func(v string) bool { return strings.HasPrefix(v, "c") }}},
					Attrs: []LabelAttr{{Key: "resource", Label: 1, Convert: strings.ToUpper}}, Fixed: []FixedAttr{{"from", "requests"}}},
			},
			{{Name: "requests", Attrs: []LabelAttr{{Key: "resource", Label: 1}}, Fixed: []FixedAttr{{"from", "info"}}}},
			{{Name: "phase", Int: true, Attrs: []LabelAttr{{Key: "phase", Label: 0, Convert: lower}}}},
		},
	}
	st := NewStore()
	st.Put("a", NewRecord([]string{"ns", "a", "uid-a"}, []Point{
		{Family: 0, Values: []string{"node-1"}, Value: 1},
		{Family: 0, Keys: []string{"label_app", "label_tier"}, Values: []string{"web", "front"}, Value: 1},
		{Family: 1, Values: []string{"app", "cpu"}, Value: 0.25},
		{Family: 1, Values: []string{"app", "memory"}, Value: 1 << 20},
		{Family: 2, Values: []string{"app", "img-app"}, Value: 1},
		{Family: 3, Values: []string{"Pending"}, Value: 0},
		{Family: 3, Values: []string{"Running"}, Value: 1},
		{Family: 3, Values: []string{"Failed"}, Value: 0},
	}))
	var got []string
	metrics := 0
	collect(context.Background(), []Collection{{Source: podLikeSource{}, Stores: []*Store{st}, Schema: schema}},
		batchOptions{MaxDataPointsPerBatch: 100, Now: 2}, func(md pmetric.Metrics) error {
			metrics += md.MetricCount()
			got = append(got, resourceDump(md)...)
			return nil
		})
	want := []string{
		"[k8s.pod.name=a] pod_info{node=node-1}  1",
		"[k8s.pod.name=a] pod_info{label_app=web,label_tier=front}  1",
		"[k8s.pod.name=a] requests{from=requests,resource=CPU}  0.25",
		"[k8s.pod.name=a] requests{from=info,resource=img-app}  1",
		"[k8s.pod.name=a] phase{phase=pending}  0",
		"[k8s.pod.name=a] phase{phase=running}  1",
		"[k8s.pod.name=a] phase{phase=failed}  0",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if metrics != 3 {
		t.Fatalf("%d metrics; want 3 (requests fed by two families is one metric)", metrics)
	}
}
