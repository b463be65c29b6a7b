package bench

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/testenv"
)

// Points per minute are every point of the window's deliveries, stale markers included, over
// those deliveries' intervals: what a backend billing per data point receives.
func TestSummaryPointsPerMin(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	side := &Side{Started: t0}
	for i, p := range []int{5, 100, 40, 100, 40} { // 15 s cycles; the first is before the window
		side.Deliveries = append(side.Deliveries, Delivery{Start: at(i*15 + 1), End: at(i*15 + 2), Points: p, Stale: i % 2})
	}
	s := Summarize(side, at(10), at(70), 100, 0.005)
	if s.Cycles != 4 || s.PointsInWindow != 100+1+40+100+1+40 {
		t.Fatalf("cycles %d points %d, want 4 and 282", s.Cycles, s.PointsInWindow)
	}
	if got := s.PointsPerMin(15 * time.Second); got != 282 {
		t.Fatalf("points per minute %g, want 282 (4 cycles of 15 s)", got)
	}
	if !math.IsNaN((Summary{}).PointsPerMin(15*time.Second)) || !math.IsNaN(s.PointsPerMin(0)) {
		t.Fatal("no cycle or no interval must give NaN, not a rate")
	}
}

func testPipeline() Pipeline {
	t0 := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	return Pipeline{Result: Result{Pods: 2000, Interval: 15 * time.Second, SteadyFrom: t0, EndedAt: t0.Add(127500 * time.Millisecond),
		KSM: Summary{CPUTotal: 10 * time.Second, CPUSteady: 2 * time.Second, RSSSteady: 200e6, Cycles: 8, PointsInWindow: 8 * 1050,
			PerCycle: 1050},
		Kubestate: Summary{CPUTotal: 6 * time.Second, CPUSteady: 4 * time.Second, RSSSteady: 100e6, Cycles: 8, PointsInWindow: 8 * 1000,
			PerCycle: 1000}},
		Scraper:        Summary{CPUTotal: 20 * time.Second, CPUSteady: 8 * time.Second, RSSSteady: 600e6},
		FreshKubestate: Freshness{Delays: []time.Duration{3 * time.Second, time.Second, 2 * time.Second}},
		FreshPeer:      Freshness{Delays: []time.Duration{9 * time.Second, 12 * time.Second}, Missed: 1},
		Churn:          "light"}
}

// A pipeline run's record: every peer, both sinks' points per minute, and the line it printed; it
// round-trips through the results file unchanged, after whatever the file already held.
func TestPipelineRecordRoundTrips(t *testing.T) {
	p := testPipeline()
	at := time.Date(2026, 11, 29, 18, 3, 4, 0, time.FixedZone("CET", 3600))
	rec := p.Record(RunInfo{At: at, Commit: "0123456789ab", UpdatesPerSec: 2, Replacements: 0.1, Settings: "-gogc=200"})
	want := Record{Date: "2026-11-29T17:03:04Z", Commit: "0123456789ab", Source: SourceBench, Config: "recommended",
		Compression: "gzip", Settings: "-gogc=200", Pods: 2000, Churn: "light", UpdatesPerSec: 2, ReplacementsPerSec: 0.1,
		IntervalS: 15, WindowS: 127.5,
		Peers: []Peer{
			{Peer: PeerKubestate, CPUS: 6, CPUSteadyS: 4, RSSMB: 100, PerCycle: 1000, PointsPerMin: 4000},
			{Peer: PeerKSM, CPUS: 10, CPUSteadyS: 2, RSSMB: 200},
			{Peer: PeerKSMScraper, CPUS: 30, CPUSteadyS: 10, RSSMB: 800, PerCycle: 1050, PointsPerMin: 4200},
		},
		Line: p.Line()}
	if !reflect.DeepEqual(rec, want) {
		t.Fatalf("record\n got %+v\nwant %+v", rec, want)
	}
	if !strings.Contains(rec.Line, " points_per_min=4000/4200 ") {
		t.Fatalf("the line lacks points_per_min=<kubestate>/<peer>: %s", rec.Line)
	}

	path := filepath.Join(t.TempDir(), "bench", "results.jsonl")
	if err := AppendRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	// A hand-edited file whose last line lacks its newline keeps both records apart.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw[:len(raw)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	lean := Result{Pods: 1000, Interval: 30 * time.Second, SteadyFrom: p.SteadyFrom, EndedAt: p.SteadyFrom.Add(255 * time.Second),
		Kubestate: Summary{CPUTotal: 3 * time.Second, Cycles: 8, PointsInWindow: 8 * 51073, RSSSteady: 93e6}}
	leanRec := lean.Record(RunInfo{At: at, Commit: "0123456789ab+dirty", UpdatesPerSec: 20, Replacements: 1, Compression: "none"})
	if err := AppendRecord(path, leanRec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecordsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !reflect.DeepEqual(got[0], rec) || !reflect.DeepEqual(got[1], leanRec) {
		t.Fatalf("read back\n %+v\nwant\n %+v\n %+v", got, rec, leanRec)
	}
	raw, _ = os.ReadFile(path)
	if lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n"); len(lines) != 2 || !strings.Contains(lines[0], `"points_per_min":4200`) {
		t.Fatalf("file holds %d lines, want 2 JSON lines:\n%s", len(lines), raw)
	}
}

// A lean run measures kubestate at the sink and KSM by scraping it; a pull run scrapes both. Only
// sides measured at a sink carry points per minute.
func TestResultRecordSides(t *testing.T) {
	r := Result{Pods: 1000, Interval: 30 * time.Second,
		KSM:       Summary{CPUTotal: 3 * time.Second, Cycles: 8, PointsInWindow: 8 * 51061, PerCycle: 51061},
		Kubestate: Summary{CPUTotal: 3 * time.Second, Cycles: 8, PointsInWindow: 8 * 51073, PerCycle: 51073}}
	info := RunInfo{At: time.Now(), Commit: "c", UpdatesPerSec: 20, Replacements: 1, Compression: "none"}
	lean := r.Record(info)
	if lean.Config != "lean" || lean.Compression != "none" || lean.Churn != "heavy" || lean.Line != r.Line() {
		t.Fatalf("lean record %+v", lean)
	}
	if lean.Peers[0].Peer != PeerKubestate || lean.Peers[0].PointsPerMin != 102146 || lean.Peers[1].Peer != PeerKSM || lean.Peers[1].PointsPerMin != 0 {
		t.Fatalf("lean peers %+v: kubestate 102146 points/min at its sink, KSM none (scraped)", lean.Peers)
	}
	r.Pull = true
	pull := r.Record(info)
	if pull.Config != "pull" || pull.Compression != "gzip" || pull.Peers[0].PointsPerMin != 0 || !strings.HasPrefix(pull.Line, "bench-pull:") {
		t.Fatalf("pull record %+v", pull)
	}
	if got := ChurnName(3, 1); got != "custom" {
		t.Fatalf("ChurnName(3, 1) = %s", got)
	}
}

// Bad lines are refused with their line number and the field at fault.
func TestReadRecordsRefusesBadLines(t *testing.T) {
	good := `{"source":"x","config":"lean","compression":"none","pods":1,"churn":"heavy","updates_per_s":20,"replacements_per_s":1,"interval_s":30,"peers":[{"peer":"kubestate"}]}`
	if _, err := ReadRecords(strings.NewReader(good + "\n")); err != nil {
		t.Fatalf("a valid line refused: %v", err)
	}
	for _, c := range []struct{ from, to, field string }{
		{`"source":"x"`, `"source":""`, "source"},
		{`"source":"x"`, `"source":"bench"`, "commit"},
		{`"config":"lean"`, `"config":"fast"`, "config"},
		{`"compression":"none"`, `"compression":"lz4"`, "compression"},
		{`"pods":1`, `"pods":0`, "pods"},
		{`"interval_s":30`, `"interval_s":0`, "interval_s"},
		{`"peers":[{"peer":"kubestate"}]`, `"peers":[]`, "peers"},
		{`"peers":[{"peer":"kubestate"}]`, `"peers":[{"peer":"prometheus"}]`, "peers[0].peer"},
		{`"peers":[{"peer":"kubestate"}]`, `"peers":[{"peer":"ksm"},{"peer":"ksm"}]`, "peers[1].peer"},
		{`"peers":[{"peer":"kubestate"}]`, `"peers":[{"peer":"kubestate","rss_steady_mb":-1}]`, "peers[0].rss_steady_mb"},
		{`"peers":[{"peer":"kubestate"}]`, `"peers":[{"peer":"kubestate","cpu_steady_s":2}]`, "window_s"},
		{`"source":"x"`, `"source":"x","date":"29/11/2026"`, "date"},
		{`"source":"x"`, `"source":"x","cpu":1`, `"cpu"`},
		{`"pods":1`, `"pods":"many"`, "pods"},
	} {
		bad := strings.Replace(good, c.from, c.to, 1)
		_, err := ReadRecords(strings.NewReader(good + "\n\n" + bad + "\n"))
		if err == nil || !strings.HasPrefix(err.Error(), "line 3: ") || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want line 3 and the field %s", bad, err, c.field)
		}
	}
	if err := AppendRecord(filepath.Join(t.TempDir(), "r.jsonl"), Record{Source: "x"}); err == nil || !strings.Contains(err.Error(), "config") {
		t.Fatalf("an invalid record was appended: %v", err)
	}
}

// The committed results file reads, and its seed says where its figures come from.
func TestCommittedResultsRead(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecordsFile(filepath.Join(root, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var imported int
	for i, r := range recs {
		if strings.HasPrefix(r.Source, "imported from docs/performance.md") {
			imported++
		} else if r.Source != SourceBench {
			t.Errorf("record %d: source %q, want bench or imported from docs/performance.md", i+1, r.Source)
		}
	}
	if imported == 0 {
		t.Fatal("the figures published in docs/performance.md are not in the results file")
	}
}

// With -k8scluster the record carries the k8s_cluster receiver as a peer of its own, with the
// points per minute its sink received, and reads back.
func TestPipelineRecordK8sCluster(t *testing.T) {
	p := testPipeline()
	if n := len(p.Record(RunInfo{At: time.Now(), Commit: "c"}).Peers); n != 3 {
		t.Fatalf("%d peers without -k8scluster, want 3", n)
	}
	p.K8sCluster = &K8sClusterRun{Summary: Summary{CPUTotal: 5 * time.Second, CPUSteady: 3 * time.Second, RSSSteady: 90e6,
		Cycles: 8, PointsInWindow: 8 * 300, PerCycle: 300}}
	rec := p.Record(RunInfo{At: time.Now(), Commit: "c", UpdatesPerSec: 2, Replacements: 0.1})
	want := Peer{Peer: PeerK8sCluster, CPUS: 5, CPUSteadyS: 3, RSSMB: 90, PerCycle: 300, PointsPerMin: 1200}
	if len(rec.Peers) != 4 || !reflect.DeepEqual(rec.Peers[3], want) {
		t.Fatalf("peers %+v, want the fourth %+v", rec.Peers, want)
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	if err := AppendRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecordsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], rec) {
		t.Fatalf("read back %+v, want %+v", got, rec)
	}
}
