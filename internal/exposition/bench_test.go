package exposition

import "testing"

// BenchmarkRender renders a page of 2,000 objects with 20 series each (40,000 lines): the pull
// path's cost per cycle, once however many scrapers read it.
func BenchmarkRender(b *testing.B) {
	p, cols, _ := bigPages(2000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p.Render(cols)
	}
	page := p.Current()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(page.Series), "ns/line")
	b.ReportMetric(float64(page.Size)/float64(page.Series), "bytes/line")
}
