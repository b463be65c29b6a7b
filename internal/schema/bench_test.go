package schema

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

// The batcher's cost per schema, over the same pod records (what a cycle pays besides export):
//
//	go test ./internal/schema -run '^$' -bench BenchmarkBatches -benchmem -count 6
func BenchmarkBatches(b *testing.B) {
	pods := seed.ServedPods(2000)
	for _, name := range []string{KSM, K8sCluster, Semconv} {
		res, _ := resources.ByName("pods")
		src := res.Compile(family.Filter{UID: name != KSM})
		sch, err := Compile(name, res, src)
		if err != nil {
			b.Fatal(err)
		}
		st := engine.NewStore()
		for i, p := range pods {
			obj, _ := src.Transform(p.DeepCopy())
			st.Put(fmt.Sprint(i), src.Record(obj))
		}
		cols := []engine.Collection{{Source: src, Stores: []*engine.Store{st}, Schema: sch}}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			sent := 0
			for b.Loop() {
				sent = 0
				engine.Batches(cols, 8192, 1, func(md pmetric.Metrics) error { sent += md.DataPointCount(); return nil })
			}
			b.ReportMetric(float64(sent), "points/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(pods)), "ns/pod")
		})
	}
}
