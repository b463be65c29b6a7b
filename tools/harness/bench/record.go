package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ResultsFile is where bench runs append their results, relative to the repository root; the
// plot of docs/performance.md is drawn from it alone.
const ResultsFile = "docs/bench/results.jsonl"

// SourceBench marks a record a bench run appended; any other source names where imported figures
// come from.
const SourceBench = "bench"

// Record is one run in the results file, one JSON object per line. Figures a run did not measure
// are absent (zero), never estimated.
type Record struct {
	// Date is the run's UTC time (RFC 3339) or, for imported figures, the day their source gives
	// (YYYY-MM-DD); absent when the source gives none.
	Date string `json:"date,omitempty"`
	// Commit is the git commit measured, with "+dirty" when tracked files differed from it.
	Commit string `json:"commit,omitempty"`
	Source string `json:"source"`
	// Config is kubestate's pipeline: lean (no queue, no retries, no compression unless asked),
	// pull (its own endpoint, scraped), recommended (the README's), default (the exporter's defaults).
	Config string `json:"config"`
	// Compression of kubestate's output: none, gzip, zstd or snappy.
	Compression string `json:"compression"`
	// Settings are flags of the run that change what is measured beyond the fields here (a
	// receiver setting passed with -collector-args, GOGC, ...); runs that differ in them are
	// different series in the plot.
	Settings           string  `json:"settings,omitempty"`
	Pods               int     `json:"pods"`
	Churn              string  `json:"churn"` // heavy, light, none or custom: the rates below
	UpdatesPerSec      float64 `json:"updates_per_s"`
	ReplacementsPerSec float64 `json:"replacements_per_s"`
	IntervalS          float64 `json:"interval_s"`
	WindowS            float64 `json:"window_s,omitempty"` // the steady window's length
	Peers              []Peer  `json:"peers"`
	Line               string  `json:"line,omitempty"` // the contract line the run printed
	Note               string  `json:"note,omitempty"`
}

// Peer names in records: kubestate, kube-state-metrics alone, kube-state-metrics and the Collector
// scraping it summed (the pipeline OTel users run with KSM), and the contrib k8s_cluster receiver.
const (
	PeerKubestate  = "kubestate"
	PeerKSM        = "ksm"
	PeerKSMScraper = "ksm+scraper"
	PeerK8sCluster = "k8s_cluster"
)

// Peer is what one side of a run cost and delivered.
type Peer struct {
	Peer       string  `json:"peer"`
	CPUS       float64 `json:"cpu_s,omitempty"`        // CPU seconds from process start to the end of the steady window
	CPUSteadyS float64 `json:"cpu_steady_s,omitempty"` // CPU seconds in the steady window
	RSSMB      float64 `json:"rss_steady_mb,omitempty"`
	PerCycle   int     `json:"per_cycle,omitempty"` // series per scrape or points per cycle, median of the window
	// PointsPerMin is data points per minute received at its sink, stale markers included: what
	// a hosted backend bills. Absent where the side was not measured at a sink.
	PointsPerMin float64 `json:"points_per_min,omitempty"`
}

// Millicores is the peer's CPU in the steady window per second of it, in thousandths of a core
// as Kubernetes sizes requests; false when either is unknown.
func (p Peer) Millicores(windowS float64) (float64, bool) {
	if p.CPUSteadyS <= 0 || windowS <= 0 {
		return 0, false
	}
	return 1000 * p.CPUSteadyS / windowS, true
}

// PointsPerMin is the points (stale markers included) the steady window's deliveries held per
// minute of those deliveries' intervals; NaN without a delivery or an interval.
func (s Summary) PointsPerMin(interval time.Duration) float64 {
	if s.Cycles == 0 || interval <= 0 {
		return math.NaN()
	}
	return float64(s.PointsInWindow) / (float64(s.Cycles) * interval.Minutes())
}

// RunInfo is what a record holds beyond a run's measurements.
type RunInfo struct {
	At                          time.Time
	Commit                      string
	UpdatesPerSec, Replacements float64
	Compression                 string // the lean run's: none or gzip (a pipeline run's is its own)
	Settings                    string
}

// ChurnName names the bench's two churn presets; other rates are custom.
func ChurnName(updatesPerSec, replacementsPerSec float64) string {
	switch {
	case updatesPerSec == 20 && replacementsPerSec == 1:
		return "heavy"
	case updatesPerSec == 2 && replacementsPerSec == 0.1:
		return "light"
	case updatesPerSec == 0 && replacementsPerSec == 0:
		return "none"
	}
	return "custom"
}

func round(x float64, decimals int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

func peerOf(name string, s Summary) Peer {
	return Peer{Peer: name, CPUS: round(s.CPUTotal.Seconds(), 2), CPUSteadyS: round(s.CPUSteady.Seconds(), 2),
		RSSMB: round(float64(s.RSSSteady)/1e6, 1), PerCycle: s.PerCycle}
}

func (r Result) record(info RunInfo) Record {
	return Record{Date: info.At.UTC().Format(time.RFC3339), Commit: info.Commit, Source: SourceBench,
		Settings: info.Settings, Pods: r.Pods, Churn: ChurnName(info.UpdatesPerSec, info.Replacements),
		UpdatesPerSec: info.UpdatesPerSec, ReplacementsPerSec: info.Replacements,
		IntervalS: r.Interval.Seconds(), WindowS: round(r.EndedAt.Sub(r.SteadyFrom).Seconds(), 1)}
}

// Record is the run as a line of the results file. kubestate's points per minute are measured at
// the bench's sink in a push run; a pull run and KSM are scraped, so theirs are absent.
func (r Result) Record(info RunInfo) Record {
	rec := r.record(info)
	ks := peerOf(PeerKubestate, r.Kubestate)
	if r.Pull {
		rec.Config, rec.Compression = "pull", "gzip"
	} else {
		rec.Config, rec.Compression = "lean", info.Compression
		ks.PointsPerMin = round(r.Kubestate.PointsPerMin(r.Interval), 0)
	}
	rec.Peers = []Peer{ks, peerOf(PeerKSM, r.KSM)}
	rec.Line = r.Line()
	return rec
}

// Record is the pipeline run as a line of the results file: kubestate, KSM alone, and KSM with the
// scraper summed, both paths' points per minute measured at their sinks; with -k8scluster the
// k8s_cluster receiver too (its exporter compresses as kubestate's, the record's compression).
func (p Pipeline) Record(info RunInfo) Record {
	rec := p.record(info)
	rec.Config, rec.Compression = "recommended", p.Compression
	if p.Defaults {
		rec.Config = "default"
	}
	if rec.Compression == "" {
		rec.Compression = "gzip" // the otlp exporter's default
	}
	if p.Resend > 0 { // the recommended pipeline before it resent only what changed had none
		rec.Settings = strings.TrimSpace("resend_interval=" + p.Resend.String() + " " + rec.Settings)
	}
	ks := peerOf(PeerKubestate, p.Kubestate)
	ks.PointsPerMin = round(p.Kubestate.PointsPerMin(p.Interval), 0)
	ksm := peerOf(PeerKSM, p.KSM)
	ksm.PerCycle = 0 // the KSM side's deliveries are the scraper's exports
	sum := Summary{CPUTotal: p.KSM.CPUTotal + p.Scraper.CPUTotal, CPUSteady: p.KSM.CPUSteady + p.Scraper.CPUSteady,
		RSSSteady: p.KSM.RSSSteady + p.Scraper.RSSSteady, PerCycle: p.KSM.PerCycle}
	peer := peerOf(PeerKSMScraper, sum)
	peer.PointsPerMin = round(p.KSM.PointsPerMin(p.Interval), 0)
	rec.Peers = []Peer{ks, ksm, peer}
	if p.K8sCluster != nil {
		k := peerOf(PeerK8sCluster, p.K8sCluster.Summary)
		k.PointsPerMin = round(p.K8sCluster.PointsPerMin(p.Interval), 0)
		rec.Peers = append(rec.Peers, k)
	}
	rec.Line = p.Line()
	return rec
}

var (
	configs = map[string]bool{"lean": true, "pull": true, "recommended": true, "default": true}
	peers   = map[string]bool{PeerKubestate: true, PeerKSM: true, PeerKSMScraper: true, PeerK8sCluster: true}
)

// Validate reports the first field of r that is missing or out of range, by its JSON name.
func (r Record) Validate() error {
	if r.Source == "" {
		return errors.New("source: missing")
	}
	if r.Date != "" {
		if _, err := time.Parse(time.RFC3339, r.Date); err != nil {
			if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
				return fmt.Errorf("date: %q is neither RFC 3339 nor YYYY-MM-DD", r.Date)
			}
		}
	}
	if r.Source == SourceBench && (r.Date == "" || r.Commit == "") {
		return errors.New("date, commit: a bench run records both")
	}
	if !configs[r.Config] {
		return fmt.Errorf("config: %q, want lean, pull, recommended or default", r.Config)
	}
	switch r.Compression {
	case "none", "gzip", "zstd", "snappy":
	default:
		return fmt.Errorf("compression: %q, want none, gzip, zstd or snappy", r.Compression)
	}
	if r.Pods <= 0 {
		return fmt.Errorf("pods: %d, want > 0", r.Pods)
	}
	if r.Churn == "" {
		return errors.New("churn: missing")
	}
	if r.UpdatesPerSec < 0 || r.ReplacementsPerSec < 0 {
		return errors.New("updates_per_s, replacements_per_s: negative")
	}
	if r.IntervalS <= 0 {
		return fmt.Errorf("interval_s: %g, want > 0", r.IntervalS)
	}
	if r.WindowS < 0 {
		return fmt.Errorf("window_s: %g, want >= 0", r.WindowS)
	}
	if len(r.Peers) == 0 {
		return errors.New("peers: none")
	}
	seen := map[string]bool{}
	for i, p := range r.Peers {
		if !peers[p.Peer] {
			return fmt.Errorf("peers[%d].peer: %q, want kubestate, ksm, ksm+scraper or k8s_cluster", i, p.Peer)
		}
		if seen[p.Peer] {
			return fmt.Errorf("peers[%d].peer: %q twice", i, p.Peer)
		}
		seen[p.Peer] = true
		for name, v := range map[string]float64{"cpu_s": p.CPUS, "cpu_steady_s": p.CPUSteadyS, "rss_steady_mb": p.RSSMB,
			"per_cycle": float64(p.PerCycle), "points_per_min": p.PointsPerMin} {
			if v < 0 {
				return fmt.Errorf("peers[%d].%s: %g, want >= 0", i, name, v)
			}
		}
		if p.CPUSteadyS > 0 && r.WindowS == 0 {
			return fmt.Errorf("window_s: missing, peers[%d].cpu_steady_s needs it", i)
		}
	}
	return nil
}

// ReadRecords reads a results file: one record per line, blank lines skipped, unknown fields
// refused. An error names the line and the field.
func ReadRecords(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var rec Record
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// ReadRecordsFile reads the results file at path.
func ReadRecordsFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := ReadRecords(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

// AppendRecord validates rec and appends it to the results file at path as one line, creating
// the file and its directory if needed.
func AppendRecord(path string, rec Record) error {
	if err := rec.Validate(); err != nil {
		return fmt.Errorf("result record: %w", err)
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	// A file whose last line lacks its newline (edited by hand) must not swallow this record.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, werr := f.Write(append(line, '\n'))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
