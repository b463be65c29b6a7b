package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/testenv/proc"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// The k8s_cluster comparison through the Prometheus exporter: both receivers' output goes through
// the distribution's Prometheus exporter with the same settings (PrometheusExporterSettings, and
// resource_to_telemetry_conversion on, since every object is a resource of its own), and the two
// pages are compared series by series. It checks what the pdata comparison cannot: that nothing
// in kubestate's batches (resource layout, units, types, descriptions) makes the exporter name,
// label or type a series differently from the contrib receiver's.

// RefThroughExporter runs the reference peer and a distribution whose OTLP receiver feeds the
// Prometheus exporter, forwards each of the peer's batches to it, and returns the exporter's page
// once two batches in a row left it unchanged. Both processes are stopped before it returns.
func RefThroughExporter(ctx context.Context, refBin, collectorBin, kubeconfig string, interval time.Duration, workDir string) (*Set, error) {
	otlpPort, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	metricsPort, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	prom := map[string]any{
		"endpoint":                         "127.0.0.1:" + strconv.Itoa(metricsPort),
		"metric_expiration":                RecommendedMetricExpiration(interval, interval, 0).String(),
		"resource_to_telemetry_conversion": map[string]any{"enabled": true},
	}
	for k, v := range PrometheusExporterSettings {
		prom[k] = v
	}
	conf, err := json.MarshalIndent(map[string]any{
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{"http": map[string]any{"endpoint": "127.0.0.1:" + strconv.Itoa(otlpPort)}}}},
		"exporters": map[string]any{"prometheus": prom},
		"service": map[string]any{
			"telemetry": map[string]any{"logs": map[string]any{"level": "warn"}, "metrics": map[string]any{"level": "none"}},
			"pipelines": map[string]any{"metrics": map[string]any{"receivers": []string{"otlp"}, "exporters": []string{"prometheus"}}},
		},
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	confPath := filepath.Join(workDir, "parity-otelcol-k8sclusterref.yaml")
	if err := os.WriteFile(confPath, conf, 0o600); err != nil {
		return nil, err
	}
	col, err := startProcess(collectorBin, filepath.Join(workDir, "parity-otelcol-k8sclusterref.log"), "--config", confPath)
	if err != nil {
		return nil, fmt.Errorf("starting the collector for the reference: %w", err)
	}
	defer col.stop()

	otlpURL := fmt.Sprintf("http://127.0.0.1:%d/v1/metrics", otlpPort)
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	var (
		page    *Set
		last    [32]byte
		settled int // batches in a row that left the page unchanged
	)
	err = runRef(ctx, refBin, kubeconfig, interval, filepath.Join(workDir, "k8sclusterref-exporter.log"), func(md pmetric.Metrics) (bool, error) {
		if err := postOTLP(ctx, otlpURL, md); err != nil {
			settled = 0 // the collector may still be starting: the next batch is tried again
			return false, nil
		}
		body, err := col.get(ctx, metricsURL)
		if err != nil {
			return false, fmt.Errorf("scraping the reference's exporter: %w", err)
		}
		set, err := ParseText(bytes.NewReader(body))
		if err != nil {
			return false, fmt.Errorf("the reference's exporter page: %w", err)
		}
		fp := fingerprint(set)
		if len(set.Series) > 0 && fp == last {
			settled++
		} else {
			settled = 0
		}
		last, page = fp, set
		return settled >= 2, nil
	})
	return page, err
}

// postOTLP sends md to an OTLP/HTTP metrics endpoint and waits for its answer.
func postOTLP(ctx context.Context, url string, md pmetric.Metrics) error {
	body, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("OTLP export: %s", resp.Status)
	}
	return nil
}

// OursThroughExporter runs the distribution with the receiver config cfg (its schema set) feeding
// the Prometheus exporter with resource_to_telemetry_conversion on, and returns its page once
// stable.
func OursThroughExporter(ctx context.Context, cfg *kubestatereceiver.Config, collectorBin, kubeconfig string, interval time.Duration, workDir string) (*Set, error) {
	col, err := StartCollector(cfg, CollectorOptions{Binary: collectorBin, Kubeconfig: kubeconfig, WorkDir: workDir,
		Name: "schema-" + cfg.Schema, CollectionInterval: interval, ResourceToTelemetry: true})
	if err != nil {
		return nil, err
	}
	defer col.Stop()
	if err := col.WaitStable(ctx); err != nil {
		return nil, err
	}
	return col.Scrape(ctx)
}

// CompareExported compares two exporter pages series by series (name, labels, value) and the
// types of their families, leaving out the metrics in deliberate (OTel names) and counting the
// reference's series of the metrics in partial that kubestate lacks as deliberate.
func CompareExported(ref, ours *Set, deliberate, partial map[string]string) *OTelResult {
	promName := func(otel string) string { return strings.ReplaceAll(otel, ".", "_") }
	skip, part := map[string]string{}, map[string]string{}
	for m := range deliberate {
		skip[promName(m)] = m
	}
	for m := range partial {
		part[promName(m)] = m
	}
	r := &OTelResult{Deliberate: map[string]int{}}
	oursBy := map[string]float64{}
	for _, s := range ours.Series {
		oursBy[s.Key()] = s.Value
	}
	refKeys := map[string]bool{}
	for _, s := range ref.Series {
		k := s.Key()
		refKeys[k] = true
		if m, ok := skip[s.Name]; ok {
			r.Deliberate[m]++
			continue
		}
		r.Total++
		v, ok := oursBy[k]
		switch {
		case !ok && part[s.Name] != "":
			r.Total--
			r.Deliberate[part[s.Name]]++
		case !ok:
			r.Missing = append(r.Missing, "missing: "+s.String())
		case v != s.Value:
			r.Differ = append(r.Differ, fmt.Sprintf("differ: %s: reference %s, kubestate %s", k, formatValue(s.Value), formatValue(v)))
		default:
			r.Matched++
		}
	}
	for _, s := range ours.Series {
		if !refKeys[s.Key()] {
			r.Extra = append(r.Extra, "extra: "+s.String())
		}
	}
	for name, m := range ref.Families {
		if o, ok := ours.Families[name]; ok && o.Type != m.Type {
			r.MetaDiff = append(r.MetaDiff, fmt.Sprintf("type of %s: reference %s, kubestate %s", name, m.Type, o.Type))
		}
	}
	return r
}
