package exposition

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/kubestate/kubestate/internal/engine"
)

// BenchmarkRender renders a page of 2,000 objects with 20 series each (40,000 lines): the pull
// path's cost per cycle, once however many scrapers read it.
func BenchmarkRender(b *testing.B) {
	p, cols, _ := bigPages(2000)
	benchRender(b, p, cols)
}

// BenchmarkRenderObjectLabels is BenchmarkRender's page with two object labels on each object
// (object_labels_as_attributes), so on every line.
func BenchmarkRenderObjectLabels(b *testing.B) {
	_, cols, _ := bigPages(2000)
	st := engine.NewStore()
	var rb engine.RecordBuilder
	for i := range 2000 {
		rb.Reset()
		rb.ObjectLabel("label_app", "k8s.pod.label.app", "app-"+strconv.Itoa(i%50))
		rb.ObjectLabel("label_pod_template_hash", "k8s.pod.label.pod-template-hash", "5d8f7c9b4")
		for j := range 20 {
			rb.Add(0, float64(i%2), []string{"container-" + strconv.Itoa(j), "CrashLoopBackOff"})
		}
		name := fmt.Sprintf("pod-%07d", i)
		st.Put(name, rb.Build([]string{"namespace-" + strconv.Itoa(i%20), name, fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*7919)}))
	}
	cols[0].Stores = []*engine.Store{st}
	p := NewPages()
	p.Render(cols)
	benchRender(b, p, cols)
}

func benchRender(b *testing.B, p *Pages, cols []engine.Collection) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p.Render(cols)
	}
	page := p.Current()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(page.Series), "ns/line")
	b.ReportMetric(float64(page.Size)/float64(page.Series), "bytes/line")
}
