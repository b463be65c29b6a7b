package bench

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A plotted series is one peer under one configuration: kubestate's cost depends on its pipeline
// and compression, every side's on the churn, so runs that differ in those are never joined.
type series struct {
	key    seriesKey
	label  string
	points []plotPoint // in file order
}

type seriesKey struct {
	peerRank, configRank int
	peer, config, churn  string
	variant              string // kubestate's compression when not its pipeline's usual one, and settings
}

type plotPoint struct {
	pods  int
	value float64
}

var (
	peerRank   = map[string]int{PeerKubestate: 0, PeerKSMScraper: 1, PeerKSM: 2, PeerK8sCluster: 3}
	peerLabel  = map[string]string{PeerKubestate: "kubestate", PeerKSMScraper: "KSM + scraper", PeerKSM: "KSM", PeerK8sCluster: "k8s_cluster"}
	configRank = map[string]int{"lean": 0, "recommended": 1, "default": 2, "pull": 3}
	// usualCompression is what each pipeline compresses with unless a run says otherwise.
	usualCompression = map[string]string{"lean": "none", "pull": "gzip", "recommended": "gzip", "default": "gzip"}
	palette          = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
		"#7f7f7f", "#bcbd22", "#000000", "#a6761d", "#1b9e77", "#e7298a", "#66a61e", "#6a3d9a"}
)

func keyOf(rec Record, p Peer) seriesKey {
	k := seriesKey{peerRank: peerRank[p.Peer], configRank: configRank[rec.Config], peer: p.Peer, config: rec.Config, churn: rec.Churn}
	if p.Peer == PeerKubestate {
		var v []string
		if rec.Compression != usualCompression[rec.Config] {
			v = append(v, rec.Compression)
		}
		if rec.Settings != "" {
			// A receiver setting reads as itself: resend_interval=60s.
			v = append(v, strings.ReplaceAll(rec.Settings, "-collector-args=--set=receivers::kubestate::", ""))
		}
		k.variant = strings.Join(v, ", ")
	}
	// The k8s_cluster receiver's exporter compresses as kubestate's in its run: its runs under
	// different codecs are not joined either.
	if p.Peer == PeerK8sCluster && rec.Compression != usualCompression[rec.Config] {
		k.variant = rec.Compression
	}
	return k
}

func (k seriesKey) label() string {
	s := fmt.Sprintf("%s · %s · %s churn", peerLabel[k.peer], k.config, k.churn)
	if k.variant != "" {
		s += " · " + k.variant
	}
	return s
}

func compareKeys(a, b seriesKey) int {
	if c := a.peerRank - b.peerRank; c != 0 {
		return c
	}
	if c := a.configRank - b.configRank; c != 0 {
		return c
	}
	if c := strings.Compare(a.churn, b.churn); c != 0 {
		return c
	}
	return strings.Compare(a.variant, b.variant)
}

// collect groups the records' values of one measure into series, skipping sides without it.
func collect(recs []Record, value func(Record, Peer) (float64, bool)) []*series {
	byKey := map[seriesKey]*series{}
	for _, rec := range recs {
		for _, p := range rec.Peers {
			v, ok := value(rec, p)
			if !ok {
				continue
			}
			k := keyOf(rec, p)
			s := byKey[k]
			if s == nil {
				s = &series{key: k, label: k.label()}
				byKey[k] = s
			}
			s.points = append(s.points, plotPoint{rec.Pods, v})
		}
	}
	out := make([]*series, 0, len(byKey))
	for _, s := range byKey {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *series) int { return compareKeys(a.key, b.key) })
	return out
}

// Geometry of the picture: two panels side by side, the legend under them.
const (
	plotWidth   = 1000
	panelLeft   = 80  // left edge of the first panel's plot area
	panelStride = 500 // from one panel's plot area to the next
	panelW      = 380
	panelTop    = 90
	panelH      = 300
	legendTop   = panelTop + panelH + 70
	legendRowH  = 18
	legendColW  = 500
)

type panel struct {
	id, title, unit string
	series          []*series
}

// PlotSVG draws steady CPU (millicores) and steady RSS (MB) against cluster size (pods) on log-log axes for
// every peer in recs: one series per peer, configuration, churn and kubestate variant, a marker
// per run and a line through each pod count's mean. Sides without a figure are left out of that
// panel, and the caption counts them. source names the results file in the caption.
func PlotSVG(recs []Record, source string) ([]byte, error) {
	if len(recs) == 0 {
		return nil, errors.New("no results to plot")
	}
	cpu := collect(recs, func(r Record, p Peer) (float64, bool) { return p.Millicores(r.WindowS) })
	rss := collect(recs, func(_ Record, p Peer) (float64, bool) { return p.RSSMB, p.RSSMB > 0 })
	if len(cpu) == 0 && len(rss) == 0 {
		return nil, errors.New("no run in the results has a steady CPU or RSS figure")
	}
	var sides, noCPU, noRSS int
	minPods, maxPods := math.MaxInt, 0
	for _, r := range recs {
		for _, p := range r.Peers {
			sides++
			if _, ok := p.Millicores(r.WindowS); !ok {
				noCPU++
			}
			if p.RSSMB <= 0 {
				noRSS++
			}
			if _, ok := p.Millicores(r.WindowS); ok || p.RSSMB > 0 {
				minPods, maxPods = min(minPods, r.Pods), max(maxPods, r.Pods)
			}
		}
	}
	xs := newLogAxis(float64(minPods), float64(maxPods))

	// One colour per series label across both panels, so a peer reads the same in each.
	var labels []string
	for _, s := range append(slices.Clone(cpu), rss...) {
		if !slices.Contains(labels, s.label) {
			labels = append(labels, s.label)
		}
	}
	slices.SortFunc(labels, func(a, b string) int {
		return compareKeys(findKey(cpu, rss, a), findKey(cpu, rss, b))
	})
	colour := map[string]string{}
	for i, l := range labels {
		colour[l] = palette[i%len(palette)]
	}

	perCol := (len(labels) + 1) / 2 // two legend columns
	height := legendTop + perCol*legendRowH + 40
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		plotWidth, height, plotWidth, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotWidth, height)
	fmt.Fprintf(&b, `<text class="title" x="%d" y="24" font-size="16" font-weight="bold">kubestate against kube-state-metrics: cost by cluster size</text>`+"\n", panelLeft)
	for i, line := range []string{
		fmt.Sprintf("From %s: %d runs, %d measured sides. A marker is one run; a line joins each cluster size's mean.", source, len(recs), sides),
		fmt.Sprintf("Not drawn: %d sides without a steady CPU figure (CPU panel), %d without a steady RSS figure (RSS panel).", noCPU, noRSS),
	} {
		fmt.Fprintf(&b, `<text class="caption" x="%d" y="%d" fill="#555">%s</text>`+"\n", panelLeft, 44+16*i, esc(line))
	}
	panels := []panel{{"cpu", "CPU in the steady window", "millicores", cpu}, {"rss", "RSS, steady mean", "MB", rss}}
	for i, p := range panels {
		drawPanel(&b, p, panelLeft+i*panelStride, xs, colour)
	}
	for i, l := range labels {
		x := panelLeft + (i/perCol)*legendColW
		y := legendTop + (i%perCol)*legendRowH
		peer := findKey(cpu, rss, l).peer
		fmt.Fprintf(&b, `<g class="legend" data-label="%s"><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>%s<text x="%d" y="%d">%s</text></g>`+"\n",
			esc(l), x, y-4, x+24, y-4, colour[l], dash(peer), marker(float64(x+12), float64(y-4), colour[l], peer, ""), x+32, y, esc(l))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

func findKey(a, b []*series, label string) seriesKey {
	for _, s := range append(slices.Clone(a), b...) {
		if s.label == label {
			return s.key
		}
	}
	return seriesKey{}
}

func drawPanel(b *bytes.Buffer, p panel, left int, xs logAxis, colour map[string]string) {
	top, bottom, right := float64(panelTop), float64(panelTop+panelH), float64(left+panelW)
	minV, maxV := math.Inf(1), 0.0
	for _, s := range p.series {
		for _, pt := range s.points {
			minV, maxV = min(minV, pt.value), max(maxV, pt.value)
		}
	}
	if maxV == 0 { // an empty panel still has its axes
		minV, maxV = 1, 10
	}
	ys := newLogAxis(minV, maxV)
	xAt := func(pods int) float64 { return float64(left) + xs.frac(float64(pods))*panelW }
	yAt := func(v float64) float64 { return bottom - ys.frac(v)*panelH }

	fmt.Fprintf(b, `<g class="panel" id="%s" data-unit="%s">`+"\n", p.id, p.unit)
	fmt.Fprintf(b, `<text x="%d" y="%g" font-weight="bold">%s (%s, log scale)</text>`+"\n", left, top-10, esc(p.title), p.unit)
	for _, t := range ys.ticks {
		y := yAt(t)
		fmt.Fprintf(b, `<g class="ytick" data-value="%s"><line x1="%d" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%d" y="%s" text-anchor="end">%s</text></g>`+"\n",
			num(t), left, num(y), num(right), num(y), left-6, num(y+4), num(t))
	}
	for _, t := range xs.ticks {
		x := float64(left) + xs.frac(t)*panelW
		fmt.Fprintf(b, `<g class="xtick" data-value="%s"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%s" y="%s" text-anchor="middle">%s</text></g>`+"\n",
			num(t), num(x), num(top), num(x), num(bottom), num(x), num(bottom+16), podsLabel(t))
	}
	fmt.Fprintf(b, `<line class="axis" data-axis="x" x1="%d" y1="%s" x2="%s" y2="%s" stroke="black"/>`+"\n", left, num(bottom), num(right), num(bottom))
	fmt.Fprintf(b, `<line class="axis" data-axis="y" x1="%d" y1="%s" x2="%d" y2="%s" stroke="black"/>`+"\n", left, num(top), left, num(bottom))
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">pods (log scale)</text>`+"\n", num(float64(left)+panelW/2), num(bottom+36))
	for _, s := range p.series {
		c := colour[s.label]
		fmt.Fprintf(b, `<g class="series" data-peer="%s" data-label="%s">`+"\n", s.key.peer, esc(s.label))
		var line []string
		for _, m := range meansByPods(s.points) {
			line = append(line, num(xAt(m.pods))+","+num(yAt(m.value)))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", c, dash(s.key.peer), strings.Join(line, " "))
		for _, pt := range s.points {
			b.WriteString(marker(xAt(pt.pods), yAt(pt.value), c, s.key.peer,
				fmt.Sprintf(` data-pods="%d" data-value="%s"`, pt.pods, strconv.FormatFloat(pt.value, 'g', 6, 64))))
			b.WriteByte('\n')
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</g>\n")
}

// marker is a run's point: filled for kubestate, hollow for the peers it is compared with.
func marker(x, y float64, colour, peer, attrs string) string {
	fill := colour
	if peer != PeerKubestate {
		fill = "white"
	}
	return fmt.Sprintf(`<circle cx="%s" cy="%s" r="4" fill="%s" stroke="%s" stroke-width="1.5"%s/>`, num(x), num(y), fill, colour, attrs)
}

func dash(peer string) string {
	switch peer {
	case PeerKSM:
		return ` stroke-dasharray="6 3"`
	case PeerKSMScraper:
		return ` stroke-dasharray="2 3"`
	case PeerK8sCluster:
		return ` stroke-dasharray="8 3 2 3"`
	}
	return ""
}

// meansByPods is one point per pod count, the mean of its runs, by pod count.
func meansByPods(pts []plotPoint) []plotPoint {
	sum, n := map[int]float64{}, map[int]int{}
	for _, p := range pts {
		sum[p.pods] += p.value
		n[p.pods]++
	}
	out := make([]plotPoint, 0, len(n))
	for pods := range n {
		out = append(out, plotPoint{pods, sum[pods] / float64(n[pods])})
	}
	slices.SortFunc(out, func(a, b plotPoint) int { return a.pods - b.pods })
	return out
}

// logAxis spans whole decades around its values, ticked at 1, 2 and 5 of each: cost against
// cluster size over 1k..100k pods reads best on log-log axes, where a constant ratio between two
// peers is a constant distance.
type logAxis struct {
	lo, hi float64 // log10 of the ends
	ticks  []float64
}

func newLogAxis(minV, maxV float64) logAxis {
	lo := math.Floor(math.Log10(minV))
	hi := math.Ceil(math.Log10(maxV))
	if hi <= lo {
		hi = lo + 1
	}
	a := logAxis{lo: lo, hi: hi}
	for d := lo; d <= hi; d++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, d); math.Log10(v) <= hi+1e-9 {
				a.ticks = append(a.ticks, v)
			}
		}
	}
	return a
}

func (a logAxis) frac(v float64) float64 { return (math.Log10(v) - a.lo) / (a.hi - a.lo) }

func podsLabel(v float64) string {
	switch {
	case v >= 1e6:
		return num(v/1e6) + "M"
	case v >= 1e3:
		return num(v/1e3) + "k"
	}
	return num(v)
}

// num prints a coordinate or value briefly and exactly enough (0.01 px).
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
