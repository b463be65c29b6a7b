package bench

import (
	"bytes"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kubestate/kubestate/internal/testenv"
)

// node is any SVG element, parsed generically so the test reads the picture, not the code's strings.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) float(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s> %s=%q: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// all returns n's descendants (n included) for which keep is true, in document order.
func (n node) all(keep func(node) bool) []node {
	var out []node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(keep)...)
	}
	return out
}

func byClass(class string) func(node) bool {
	return func(n node) bool { return n.attr("class") == class }
}

func byName(name string) func(node) bool {
	return func(n node) bool { return n.XMLName.Local == name }
}

func parseSVG(t *testing.T, svg []byte) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal(svg, &root); err != nil {
		t.Fatalf("the plot is not well-formed XML: %v", err)
	}
	if root.XMLName.Local != "svg" {
		t.Fatalf("root element %q, want svg", root.XMLName.Local)
	}
	return root
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.02 }

// TestPlotSVG draws the fixture and reads the picture back: two panels with their axes, one series
// per peer, configuration and churn, and every run's marker where the axes' own ticks put its pod
// count and value.
func TestPlotSVG(t *testing.T) {
	recs, err := ReadRecordsFile(filepath.Join("testdata", "results-fixture.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	svg, err := PlotSVG(recs, ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := PlotSVG(recs, ResultsFile)
	if !bytes.Equal(svg, again) {
		t.Fatal("two plots of the same results differ")
	}
	root := parseSVG(t, svg)

	// The fixture's values by panel, series and pod count, worked out by hand: millicores are
	// 1000 * cpu_steady_s / window_s; the last record has no steady CPU, so it is in the RSS panel only.
	want := map[string]map[string]map[int][]float64{
		"cpu": {
			"kubestate · lean · heavy churn":            {1000: {500}, 10000: {1000, 800}},
			"KSM · lean · heavy churn":                  {1000: {600}, 10000: {1100, 1100}},
			"kubestate · recommended · light churn":     {2000: {400}},
			"KSM + scraper · recommended · light churn": {2000: {500}},
			"KSM · recommended · light churn":           {2000: {100}},
		},
		"rss": {
			"kubestate · lean · heavy churn":            {1000: {100}, 10000: {150, 170}},
			"KSM · lean · heavy churn":                  {1000: {200}, 10000: {400, 400}},
			"kubestate · recommended · light churn":     {2000: {120, 140}},
			"KSM + scraper · recommended · light churn": {2000: {500, 533}},
			"KSM · recommended · light churn":           {2000: {130, 134}},
		},
	}
	wantPeer := map[string]string{"kubestate": PeerKubestate, "KSM + scraper": PeerKSMScraper, "KSM": PeerKSM}

	panels := root.all(byClass("panel"))
	if len(panels) != 2 || panels[0].attr("id") != "cpu" || panels[1].attr("id") != "rss" {
		t.Fatalf("panels %d, want cpu and rss", len(panels))
	}
	for _, p := range panels {
		id := p.attr("id")
		axes := p.all(byClass("axis"))
		if len(axes) != 2 || axes[0].attr("data-axis") != "x" || axes[1].attr("data-axis") != "y" {
			t.Fatalf("%s: axes %v, want an x and a y axis line", id, axes)
		}
		xAxis, yAxis := axes[0], axes[1]
		bottom := xAxis.float(t, "y1")
		if yAxis.float(t, "y2") != bottom || yAxis.float(t, "x1") != xAxis.float(t, "x1") {
			t.Fatalf("%s: the axes do not meet at the origin", id)
		}

		// The x axis: pods on a log scale over whole decades (1k..10k for the fixture), ticks at 1-2-5.
		xTick := map[float64]float64{}
		var xTicks []float64
		for _, tk := range p.all(byClass("xtick")) {
			v := tk.float(t, "data-value")
			xTick[v] = tk.all(byName("line"))[0].float(t, "x1")
			xTicks = append(xTicks, v)
		}
		if !slices.Equal(xTicks, []float64{1000, 2000, 5000, 10000}) {
			t.Fatalf("%s: x ticks %v, want 1000 2000 5000 10000", id, xTicks)
		}
		if !near(xTick[1000], xAxis.float(t, "x1")) || !near(xTick[10000], xAxis.float(t, "x2")) {
			t.Fatalf("%s: x axis %g..%g, ticks 1k at %g and 10k at %g", id, xAxis.float(t, "x1"), xAxis.float(t, "x2"), xTick[1000], xTick[10000])
		}
		// Log scale: 2k sits log10(2) of the way from 1k to 10k.
		if f := (xTick[2000] - xTick[1000]) / (xTick[10000] - xTick[1000]); math.Abs(f-math.Log10(2)) > 1e-3 {
			t.Fatalf("%s: 2k tick at fraction %g of the decade, want log10(2)", id, f)
		}

		// The y axis: log scale over whole decades, its lowest tick on the x axis; a value's height
		// is read off the lowest and highest tick.
		var yTicks []float64
		yTick := map[float64]float64{}
		for _, tk := range p.all(byClass("ytick")) {
			v := tk.float(t, "data-value")
			yTick[v] = tk.all(byName("line"))[0].float(t, "y1")
			yTicks = append(yTicks, v)
		}
		wantY := map[string][]float64{"cpu": {100, 200, 500, 1000, 2000, 5000, 10000}, "rss": {100, 200, 500, 1000}}[id]
		if !slices.Equal(yTicks, wantY) {
			t.Fatalf("%s: y ticks %v, want %v", id, yTicks, wantY)
		}
		v0, v1 := yTicks[0], yTicks[len(yTicks)-1]
		y0, y1 := yTick[v0], yTick[v1]
		if y0 != bottom || !near(y1, yAxis.float(t, "y1")) {
			t.Fatalf("%s: y ticks span %g..%g, the axis %g..%g", id, y0, y1, bottom, yAxis.float(t, "y1"))
		}
		yOf := func(v float64) float64 {
			return y0 + (math.Log10(v)-math.Log10(v0))/(math.Log10(v1)-math.Log10(v0))*(y1-y0)
		}

		series := p.all(byClass("series"))
		var labels []string
		for _, s := range series {
			label := s.attr("data-label")
			labels = append(labels, label)
			wantPts, ok := want[id][label]
			if !ok {
				t.Errorf("%s: unexpected series %q", id, label)
				continue
			}
			if peer := wantPeer[strings.Split(label, " · ")[0]]; s.attr("data-peer") != peer {
				t.Errorf("%s: series %q has data-peer %q, want %q", id, label, s.attr("data-peer"), peer)
			}
			got := map[int][]float64{}
			for _, c := range s.all(byName("circle")) {
				pods, val := int(c.float(t, "data-pods")), c.float(t, "data-value")
				got[pods] = append(got[pods], val)
				if !near(c.float(t, "cx"), xTick[float64(pods)]) {
					t.Errorf("%s %q: marker for %d pods at x %g, the tick is at %g", id, label, pods, c.float(t, "cx"), xTick[float64(pods)])
				}
				if !near(c.float(t, "cy"), yOf(val)) {
					t.Errorf("%s %q: marker for %g at y %g, the axis puts it at %g", id, label, val, c.float(t, "cy"), yOf(val))
				}
			}
			for pods, vs := range wantPts {
				g := slices.Clone(got[pods])
				w := slices.Clone(vs)
				slices.Sort(g)
				slices.Sort(w)
				if !slices.EqualFunc(g, w, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
					t.Errorf("%s %q at %d pods: markers %v, want %v", id, label, pods, g, w)
				}
			}
			// The line joins each pod count's mean, by pod count.
			var vertices []string
			for pods := range wantPts {
				vertices = append(vertices, strconv.Itoa(pods))
			}
			line := s.all(byName("polyline"))
			if len(line) != 1 {
				t.Fatalf("%s %q: %d polylines", id, label, len(line))
			}
			pts := strings.Fields(line[0].attr("points"))
			if len(pts) != len(wantPts) {
				t.Fatalf("%s %q: line through %v, want one vertex per pod count %v", id, label, pts, vertices)
			}
			pods := make([]int, 0, len(wantPts))
			for p := range wantPts {
				pods = append(pods, p)
			}
			slices.Sort(pods)
			for i, p := range pods {
				xy := strings.Split(pts[i], ",")
				x, _ := strconv.ParseFloat(xy[0], 64)
				y, _ := strconv.ParseFloat(xy[1], 64)
				var mean float64
				for _, v := range wantPts[p] {
					mean += v / float64(len(wantPts[p]))
				}
				if !near(x, xTick[float64(p)]) || !near(y, yOf(mean)) {
					t.Errorf("%s %q: vertex %d at (%g,%g), want %d pods (%g) and mean %g (%g)", id, label, i, x, y, p, xTick[float64(p)], mean, yOf(mean))
				}
			}
		}
		if len(labels) != len(want[id]) {
			t.Errorf("%s: series %q, want %d", id, labels, len(want[id]))
		}
	}

	legend := root.all(byClass("legend"))
	if len(legend) != 5 {
		t.Errorf("legend has %d entries, want one per series (5)", len(legend))
	}
	var caption []string
	for _, c := range root.all(byClass("caption")) {
		caption = append(caption, c.Text)
	}
	if got := strings.Join(caption, " "); !strings.Contains(got, "From docs/bench/results.jsonl: 5 runs, 12 measured sides.") ||
		!strings.Contains(got, "Not drawn: 3 sides without a steady CPU figure (CPU panel), 0 without a steady RSS figure") {
		t.Errorf("caption %q", got)
	}
}

// A kubestate run with another compression or settings than its pipeline's usual is a series of
// its own; the peers measured beside it are not split by kubestate's settings, but the k8s_cluster
// receiver, whose exporter compresses as kubestate's, is split by the compression.
func TestPlotSeriesSplitByVariant(t *testing.T) {
	base := Record{Source: "t", Config: "recommended", Compression: "gzip", Pods: 2000, Churn: "light", IntervalS: 15, WindowS: 100,
		Peers: []Peer{{Peer: PeerKubestate, RSSMB: 100}, {Peer: PeerKSMScraper, RSSMB: 500}, {Peer: PeerK8sCluster, RSSMB: 80}}}
	zstd := base
	zstd.Compression = "zstd"
	resend := base
	resend.Settings = "-collector-args=--set=receivers::kubestate::resend_interval=60s"
	svg, err := PlotSVG([]Record{base, zstd, resend}, "t")
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	var got []string
	for _, s := range root.all(byClass("series")) {
		got = append(got, s.attr("data-label"))
	}
	want := []string{ // all in the RSS panel: these records have no steady CPU
		"kubestate · recommended · light churn",
		"kubestate · recommended · light churn · resend_interval=60s",
		"kubestate · recommended · light churn · zstd",
		"KSM + scraper · recommended · light churn",
		"k8s_cluster · recommended · light churn",
		"k8s_cluster · recommended · light churn · zstd",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("series\n got %q\nwant %q", got, want)
	}
	if _, err := PlotSVG(nil, "t"); err == nil {
		t.Fatal("an empty results file was plotted")
	}
}

// The committed picture is the committed results drawn: `make bench-plot` after every change.
func TestCommittedPlotIsCurrent(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecordsFile(filepath.Join(root, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	svg, err := PlotSVG(recs, ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(root, "docs", "bench", "performance.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, committed) {
		t.Fatalf("docs/bench/performance.svg is not %s drawn: run make bench-plot", ResultsFile)
	}
}
