package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/confmap"

	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// PrometheusExporterSettings are the settings of the contrib Prometheus exporter that README.md
// documents for KSM-identical output ("Matching KSM's Prometheus output"). The Prometheus path of the
// harness runs the distribution with exactly these (plus an endpoint and metric_expiration).
var PrometheusExporterSettings = map[string]any{
	// Keep KSM's names: no unit or _total suffixes added, no UTF-8 names.
	"translation_strategy": "UnderscoreEscapingWithoutSuffixes",
	// No otel_scope_name/otel_scope_version/... labels on every series.
	"without_scope_info": true,
}

// CollectorOptions say how StartCollector runs the distribution.
type CollectorOptions struct {
	Binary     string // _build/otelcol-kubestate
	Kubeconfig string // the receiver uses auth_type kubeConfig with this file
	WorkDir    string // the generated config and the collector's log go here
	Name       string // names the files in WorkDir

	// CollectionInterval and ExportTimeout override the receiver config's (the parity configs use
	// the 30s default, too slow for a harness); zero means 2s and 2s.
	CollectionInterval time.Duration
	ExportTimeout      time.Duration
	// MetricExpiration is the exporter's metric_expiration; zero means RecommendedMetricExpiration.
	MetricExpiration time.Duration
	// ResourceToTelemetry turns the Prometheus exporter's resource_to_telemetry_conversion on, as
	// users of a schema with one resource per object must: without it, the series of two objects
	// with equal data point attributes would be one series.
	ResourceToTelemetry bool
	// Pull serves the receiver's own pull endpoint (pull.endpoint, push: false) instead of the
	// Prometheus exporter; the pipeline ends in the nop exporter.
	Pull bool
	// OTLPEndpoint, if set, adds a second pipeline from the receiver to an otlphttp exporter sending
	// to it (synchronously: no queue, no retries), which carries the receiver config's
	// resource_attributes; the Prometheus exporter's pipeline deletes them (resource processor), so
	// that side stays comparable with kube-state-metrics.
	OTLPEndpoint string
}

// RecommendedMetricExpiration is the smallest metric_expiration under which a live series never
// drops out of the exporter between two cycles, with one tick skipped: a series refreshed early in
// one cycle is next refreshed at the latest one skipped tick and a whole export later; with
// resend_interval, an unchanged series is refreshed once per resend_interval instead of per cycle. Series of a
// deleted object (or a label set an object no longer has) do not wait for it: the next cycle marks
// them stale and the exporter drops them then. It remains the backstop for series whose stale
// point never came (the collector restarted in between).
func RecommendedMetricExpiration(collectionInterval, exportTimeout, resendInterval time.Duration) time.Duration {
	return max(resendInterval, collectionInterval) + collectionInterval + exportTimeout
}

// Collector is a running distribution (_build/otelcol-kubestate) with the kubestate receiver feeding
// the Prometheus exporter on a loopback port, and its own telemetry on another.
type Collector struct {
	MetricsURL   string // the Prometheus exporter
	TelemetryURL string // the collector's own metrics (otelcol_kubestate_*)
	LogPath      string
	ConfigPath   string
	Settings     CollectorOptions // with defaults filled in
	// MinResources is how many resources WaitStable waits to see synced at least (custom resource
	// sources are added after the first sync); 0: any.
	MinResources int

	proc *process
}

// CollectorConfig renders a whole Collector configuration (JSON, which the Collector reads as YAML):
// the receiver configuration cfg connecting with auth_type kubeConfig to kubeconfig, the Prometheus
// exporter with PrometheusExporterSettings on metricsPort, and the telemetry on telemetryPort, all
// on 127.0.0.1.
func CollectorConfig(cfg *kubestatereceiver.Config, o CollectorOptions, metricsPort, telemetryPort int) ([]byte, error) {
	rcv := *cfg
	rcv.AuthType = kubestatereceiver.AuthKubeConfig
	rcv.Kubeconfig = o.Kubeconfig
	rcv.Context = ""
	rcv.CollectionInterval = o.CollectionInterval
	rcv.ExportTimeout = o.ExportTimeout
	if err := rcv.Validate(); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	conf := confmap.New()
	if err := conf.Marshal(&rcv); err != nil {
		return nil, fmt.Errorf("receiver config: %w", err)
	}
	receiver := conf.ToStringMap()
	// Durations as the Collector's users write them (confmap marshals them as nanoseconds).
	receiver["collection_interval"] = o.CollectionInterval.String()
	receiver["export_timeout"] = o.ExportTimeout.String()
	receiver["resend_interval"] = rcv.ResendInterval.String()
	receiver["custom_resource_state_reload_interval"] = rcv.CustomResourceStateReloadInterval.String()

	receiver["pull"] = map[string]any{"write_timeout": rcv.Pull.WriteTimeout.String(), "max_connections": rcv.Pull.MaxConnections}
	exporter, exporters := "prometheus", map[string]any{}
	if o.Pull {
		receiver["pull"].(map[string]any)["endpoint"] = "127.0.0.1:" + strconv.Itoa(metricsPort)
		receiver["push"] = false
		exporter, exporters["nop"] = "nop", map[string]any{}
	} else {
		prom := map[string]any{
			"endpoint":          "127.0.0.1:" + strconv.Itoa(metricsPort),
			"metric_expiration": o.MetricExpiration.String(),
		}
		for k, v := range PrometheusExporterSettings {
			prom[k] = v
		}
		if o.ResourceToTelemetry {
			prom["resource_to_telemetry_conversion"] = map[string]any{"enabled": true}
		}
		exporters["prometheus"] = prom
	}
	pipelines := map[string]any{"metrics": map[string]any{
		"receivers": []string{"kubestate"},
		"exporters": []string{exporter},
	}}
	processors := map[string]any{}
	if o.OTLPEndpoint != "" {
		exporters["otlphttp"] = map[string]any{
			"endpoint":         o.OTLPEndpoint,
			"compression":      "none",
			"retry_on_failure": map[string]any{"enabled": false},
			"sending_queue":    map[string]any{"enabled": false},
		}
		pipelines["metrics/otlp"] = map[string]any{"receivers": []string{"kubestate"}, "exporters": []string{"otlphttp"}}
		if len(rcv.ResourceAttributes) > 0 {
			var actions []any
			for _, k := range slices.Sorted(maps.Keys(rcv.ResourceAttributes)) {
				actions = append(actions, map[string]any{"key": k, "action": "delete"})
			}
			processors["resource/drop"] = map[string]any{"attributes": actions}
			pipelines["metrics"].(map[string]any)["processors"] = []string{"resource/drop"}
		}
	}
	doc := map[string]any{
		"receivers": map[string]any{"kubestate": receiver},
		"exporters": exporters,
		"service": map[string]any{
			"telemetry": map[string]any{
				"logs": map[string]any{"level": "warn"},
				"metrics": map[string]any{
					"level": "detailed",
					"readers": []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{"prometheus": map[string]any{
						"host": "127.0.0.1", "port": telemetryPort,
					}}}}},
				},
			},
			"pipelines": pipelines,
		},
	}
	if len(processors) > 0 {
		doc["processors"] = processors
	}
	return json.MarshalIndent(doc, "", "  ")
}

// StartCollector writes a config for cfg and runs the distribution with it. Stop must be called,
// also on failure paths.
func StartCollector(cfg *kubestatereceiver.Config, o CollectorOptions) (*Collector, error) {
	if _, err := os.Stat(o.Binary); err != nil {
		return nil, fmt.Errorf("collector binary: %w (run make build)", err)
	}
	if o.CollectionInterval == 0 {
		o.CollectionInterval = 2 * time.Second
	}
	if o.ExportTimeout == 0 {
		o.ExportTimeout = 2 * time.Second
	}
	if o.MetricExpiration == 0 {
		o.MetricExpiration = RecommendedMetricExpiration(o.CollectionInterval, o.ExportTimeout, cfg.ResendInterval)
	}
	if o.Name == "" {
		o.Name = "collector"
	}
	port, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	tport, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	data, err := CollectorConfig(cfg, o, port, tport)
	if err != nil {
		return nil, err
	}
	c := &Collector{
		MetricsURL:   fmt.Sprintf("http://127.0.0.1:%d/metrics", port),
		TelemetryURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", tport),
		LogPath:      filepath.Join(o.WorkDir, "parity-otelcol-"+o.Name+".log"),
		ConfigPath:   filepath.Join(o.WorkDir, "parity-otelcol-"+o.Name+".yaml"),
		Settings:     o,
	}
	if err := os.WriteFile(c.ConfigPath, data, 0o600); err != nil {
		return nil, err
	}
	if c.proc, err = startProcess(o.Binary, c.LogPath, "--config", c.ConfigPath); err != nil {
		return nil, fmt.Errorf("starting the collector: %w", err)
	}
	return c, nil
}

// Stop terminates the collector (SIGTERM, then SIGKILL after 10s) and waits for it.
func (c *Collector) Stop() {
	if c != nil {
		c.proc.stop()
	}
}

// Exposition reads the exporter's /metrics once, as Prometheus text 0.0.4.
func (c *Collector) Exposition(ctx context.Context) ([]byte, error) {
	return c.proc.get(ctx, c.MetricsURL)
}

// Scrape reads the exporter's /metrics once and parses it.
func (c *Collector) Scrape(ctx context.Context) (*Set, error) {
	body, err := c.Exposition(ctx)
	if err != nil {
		return nil, err
	}
	return ParseText(bytes.NewReader(body))
}

// CollectorState is what the collector's own telemetry says about the receiver.
type CollectorState struct {
	Resources int     // resources with an informer_synced series
	Synced    int     // of which synced
	Cycles    float64 // completed collection cycles (otelcol_kubestate_snapshot_duration count)
	Renders   float64 // pages rendered by the pull endpoint (otelcol_kubestate_pull_render_duration count)
}

// State reads the receiver's telemetry from the collector.
func (c *Collector) State(ctx context.Context) (CollectorState, error) {
	var st CollectorState
	body, err := c.proc.get(ctx, c.TelemetryURL)
	if err != nil {
		return st, err
	}
	set, err := ParseText(bytes.NewReader(body))
	if err != nil {
		return st, err
	}
	for _, s := range set.Series {
		switch {
		// The telemetry exporter may add unit suffixes; match the stems.
		case strings.HasPrefix(s.Name, "otelcol_kubestate_informer_synced"):
			st.Resources++
			if s.Value == 1 {
				st.Synced++
			}
		case strings.HasPrefix(s.Name, "otelcol_kubestate_snapshot_duration") && strings.HasSuffix(s.Name, "_count"):
			st.Cycles += s.Value
		case strings.HasPrefix(s.Name, "otelcol_kubestate_pull_render_duration") && strings.HasSuffix(s.Name, "_count"):
			st.Renders += s.Value
		}
	}
	return st, nil
}

// WaitCycles waits until n collection cycles have completed after the call: a cycle that started
// before the call may still be in flight, so n = 2 guarantees a whole cycle ran after it.
func (c *Collector) WaitCycles(ctx context.Context, n int) error {
	st, err := c.State(ctx)
	if err != nil {
		return err
	}
	cycles := func(st CollectorState) float64 { // what refreshes the served output
		if c.Settings.Pull {
			return st.Renders
		}
		return st.Cycles
	}
	want := cycles(st) + float64(n)
	return c.poll(ctx, func(st CollectorState) (bool, error) {
		if cycles(st) >= want {
			return true, nil
		}
		return false, fmt.Errorf("%g of %g cycles completed", cycles(st), want)
	})
}

func (c *Collector) poll(ctx context.Context, done func(CollectorState) (bool, error)) error {
	// Telemetry polls are cheap; a fraction of the interval keeps the harness responsive.
	every := c.Settings.CollectionInterval / 8
	var lastErr error
	for {
		if c.proc.Exited() {
			return fmt.Errorf("the collector exited; last lines of %s:\n%s", c.LogPath, proc.Tail(c.LogPath, 20))
		}
		st, err := c.State(ctx)
		if err == nil {
			var ok bool
			if ok, err = done(st); ok {
				return nil
			}
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("collector: %w (last: %v); last lines of %s:\n%s", ctx.Err(), lastErr, c.LogPath, proc.Tail(c.LogPath, 20))
		case <-time.After(every):
		}
	}
}

// WaitStable waits until every informer of the receiver has synced, then until the exporter serves
// the same non-empty series after two consecutive whole cycles (an informer reports synced once its
// cache is filled, slightly before its handler has built every object's record).
func (c *Collector) WaitStable(ctx context.Context) error {
	err := c.poll(ctx, func(st CollectorState) (bool, error) {
		if st.Resources > 0 && st.Synced == st.Resources && st.Resources >= c.MinResources {
			return true, nil
		}
		return false, fmt.Errorf("%d of %d resources synced", st.Synced, st.Resources)
	})
	if err != nil {
		return err
	}
	var last [32]byte
	first := true
	for {
		if err := c.WaitCycles(ctx, 2); err != nil {
			return err
		}
		set, err := c.Scrape(ctx)
		if err != nil {
			return err
		}
		fp := fingerprint(set)
		if !first && fp == last && len(set.Series) > 0 {
			return nil
		}
		first, last = false, fp
	}
}

// process is a child process serving HTTP on loopback, in its own process group.
// process is a child process and the HTTP client that reads its endpoints.
type process struct {
	*proc.Process
	hc *httpGetter
}

func startProcess(bin, logPath string, args ...string) (*process, error) {
	p, err := proc.Start(filepath.Base(bin), bin, logPath, nil, args...)
	if err != nil {
		return nil, err
	}
	return &process{Process: p, hc: newHTTPGetter()}, nil
}

func (p *process) stop() {
	if p == nil {
		return
	}
	p.Stop(10 * time.Second)
	p.hc.close()
}

func (p *process) get(ctx context.Context, url string) ([]byte, error) {
	if p.Exited() {
		return nil, errors.New("process exited")
	}
	return p.hc.get(ctx, url)
}

// httpGetter reads a URL as Prometheus text 0.0.4 (what a Prometheus server that asks for text gets).
type httpGetter struct{ client *http.Client }

func newHTTPGetter() *httpGetter { return &httpGetter{client: &http.Client{Timeout: 30 * time.Second}} }

func (g *httpGetter) close() { g.client.CloseIdleConnections() }

func (g *httpGetter) get(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, nil
}
