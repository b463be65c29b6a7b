package distribution

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHungDownstream is the failure kubestate exists to never have (a scraper or exporter that stops
// reading freezes collection, as it froze KSM before v2.14) end to end, on the built distribution: the
// collector exports over OTLP/gRPC to a listener that accepts and never reads, and its Prometheus
// exporter is held by 25 clients that send GET /metrics and never read the response (with the
// exporter's write timeout switched off, so nothing but the design keeps state flowing). The OTLP
// exporter waits for its connection to become ready (wait_for_ready), so every export hangs: without
// it gRPC gives up connecting after 20 s and fails fast between reconnects, and the hang comes and
// goes. While that lasts:
//
//   - every state change (a Deployment scaled, a ConfigMap and a Secret created) is delivered to the
//     Prometheus output by a cycle that starts within two collection intervals (export_timeout equals
//     collection_interval, so a tick may be skipped), judged by the points' own timestamps
//     (send_timestamps), and a normal client reads it there;
//   - goroutines, RSS, threads and descriptors stay flat over the cycles;
//   - with the OTLP exporter's queue and retry off (the receiver's export_timeout bounds the hang),
//     failed exports show in the receiver's telemetry (skipped ticks are reported);
//   - with several batches per cycle (max_data_points_per_batch 500), every batch still reaches the
//     Prometheus exporter every cycle: its page holds at least every series of the last cycle;
//   - with the sending queue the README recommends (sized in items to a few batches, blocking on
//     overflow), the same holds and memory stays flat: the queue holds at most its few batches;
//   - with the exporter's defaults (queue and retry on, long form only), the queue absorbs the hang:
//     the receiver's cycles go through; memory grows with the queue, and the figures are reported.
//
// Short form (plain go test): 8 state changes, under a minute. Long form (-tags reliability): one
// change per two intervals of $KUBESTATE_RELIABILITY_DURATION (default 5m: 75 changes, up to 5
// minutes per variant), with a measurement every 15 changes.
func TestHungDownstream(t *testing.T) {
	kubeconfig, cs := seededCluster(t)
	const off = "    sending_queue:\n      enabled: false\n    retry_on_failure:\n      enabled: false\n"
	// The README's recommendation: a queue of a few batches (3 x max_data_points_per_batch), in items.
	const recommended = "    sending_queue:\n      sizer: items\n      queue_size: 1500\n      block_on_overflow: true\n"
	variants := []struct {
		name     string
		otlp     string // extra exporter settings
		batch    int    // max_data_points_per_batch; 500 makes a cycle of the fixtures several batches
		strict   bool   // the receiver's export_timeout is what bounds the hang, and memory stays flat
		longOnly bool
	}{
		{name: "otlp_queue_and_retry_off", otlp: off, batch: 8192, strict: true},
		{name: "otlp_queue_and_retry_off_small_batches", otlp: off, batch: 500, strict: true},
		{name: "otlp_recommended_queue_small_batches", otlp: recommended, batch: 500, strict: true},
		{name: "otlp_defaults_small_batches", batch: 500, longOnly: true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			if v.longOnly && !long {
				t.Skip("long form only (make reliability)")
			}
			hungDownstream(t, kubeconfig, newStateChanger(t, cs, fmt.Sprintf("hung-%d", time.Now().UnixNano()%1e6)), v.otlp, v.strict, v.batch)
		})
	}
}

func hungDownstream(t *testing.T, kubeconfig string, sc *stateChanger, otlpExtra string, strict bool, batch int) {
	const interval = 2 * time.Second
	listings := 3 // goroutine listings (one a second) per measurement; the median counts
	if long {
		listings = 5
	}
	hole := newBlackhole(t)
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg := fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: %s
    export_timeout: %s
    max_data_points_per_batch: %d
exporters:
  prometheus:
    endpoint: %s
    translation_strategy: UnderscoreEscapingWithoutSuffixes
    without_scope_info: true
    metric_expiration: 5m
    send_timestamps: true
    write_timeout: 0s
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
    wait_for_ready: true
%sservice:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [prometheus, otlp_grpc]
`, kubeconfig, interval, interval, batch, promAddr, hole.addr(), otlpExtra)
	p := startCollector(t, "collector", cfg)
	p.awaitUp(60 * time.Second)
	promURL := "http://" + promAddr + "/metrics"

	var page string
	waitFor(t, 3*interval+5*time.Second, "first export reaches the Prometheus exporter", func() (bool, string) {
		var err error
		page, err = get(promURL)
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(page, "kube_pod_info{"), fmt.Sprintf("no kube_pod_info yet: %d kube_* samples on the page; the collector logged %d \"batch dropped\"",
			strings.Count(page, "\nkube_"), strings.Count(p.log(), "batch dropped"))
	})
	waitFor(t, 30*time.Second, "the OTLP exporter connects to the hung listener", func() (bool, string) {
		return hole.count() > 0, "no connection"
	})
	base := p.measure(listings)
	t.Logf("figures: before the hung clients: %s; prometheus page %d bytes", base, len(page))

	clients := openHungClients(t, promAddr, 25)
	waitFor(t, 20*time.Second, "25 Prometheus responses stuck mid-write", func() (bool, string) {
		n, detail := clients.stuck(len(page))
		return n == 25, fmt.Sprintf("%d stuck (%s)", n, detail)
	})
	held := p.measure(listings)
	t.Logf("figures: with 25 hung clients: %s (goroutines %+d)", held, held.goroutines-base.goroutines)

	tel0, _ := get(p.telemetry)
	changes := 8
	if long {
		changes = int(longDuration(t) / (2 * interval))
	}
	var (
		during                         []sample
		maxLatency, total, maxCycle    time.Duration
		beyondTwoIntervals, notStamped int
	)
	for i := range changes {
		check, desc := sc.change(t)
		changed := time.Now()
		var cycle time.Time
		// Seen by a normal client: two intervals, plus building and scraping a page of several hundred
		// KB on a shared 2-core machine.
		lat := waitFor(t, 2*interval+2*time.Second, "state change visible to a normal scrape: "+desc, func() (bool, string) {
			text, err := get(promURL)
			if err != nil {
				return false, err.Error()
			}
			ok, ts := check(text)
			cycle = ts
			return ok, "not yet"
		})
		maxLatency, total = max(maxLatency, lat), total+lat
		// Delivered by a cycle that started within two intervals of the change (by the points' own
		// timestamps; 300ms for watch delivery and timer jitter).
		if cycle.IsZero() {
			notStamped++
		} else {
			d := cycle.Sub(changed)
			maxCycle = max(maxCycle, d)
			if d > 2*interval {
				beyondTwoIntervals++
			}
			if d > 2*interval+300*time.Millisecond {
				t.Errorf("%s: first delivered by the cycle of %s, %s after the change; want within two intervals (%s)",
					desc, cycle.Format("15:04:05.000"), d.Round(time.Millisecond), 2*interval)
			}
		}
		if long && i%15 == 14 {
			s := p.measure(1)
			during = append(during, s)
			t.Logf("figures: after %d changes: %s", i+1, s)
		}
	}
	end := p.measure(listings)
	tel1, _ := get(p.telemetry)
	// Every batch of every cycle reaches the Prometheus exporter: its page holds (about: series of
	// objects deleted meanwhile leave it) every point of the last cycle, not one batch of it.
	endPage, err := get(promURL)
	if err != nil {
		t.Fatal(err)
	}
	onPage := strings.Count(endPage, "\nkube_")
	cyclePoints, _ := sum(tel1, "otelcol_kubestate_cycle_data_points")
	t.Logf("figures: max_data_points_per_batch %d: the last cycle built %v points, the Prometheus page holds %d kube_* series", batch, cyclePoints, onPage)
	if cyclePoints == 0 || float64(onPage) < 0.9*cyclePoints {
		t.Errorf("the Prometheus exporter holds %d kube_* series, the last cycle built %v points: batches of the cycle did not reach it", onPage, cyclePoints)
	}
	if n, _ := clients.stuck(len(page)); n != 25 {
		t.Errorf("only %d of 25 hung clients still stuck at the end: the test lost its load", n)
	}

	skipped0, _ := sum(tel0, "otelcol_kubestate_cycles_skipped")
	skipped1, skippedName := sum(tel1, "otelcol_kubestate_cycles_skipped")
	if skippedName == "" {
		skippedName = "otelcol_kubestate_cycles_skipped (absent)"
	}
	failed0, _ := sum(tel0, "otelcol_kubestate_exports_failed")
	failed1, failedName := sum(tel1, "otelcol_kubestate_exports_failed")
	if failedName == "" {
		failedName = "otelcol_kubestate_exports_failed (absent)"
	}
	queue, _ := sum(tel1, "otelcol_exporter_queue_size")
	uptime := time.Since(p.started)
	t.Logf("figures: %d state changes (interval %s): delivered by a cycle starting at most %s after the change (%d beyond two intervals); visible to a normal scrape after mean %s, max %s",
		changes, interval, maxCycle.Round(time.Millisecond), beyondTwoIntervals, (total / time.Duration(changes)).Round(time.Millisecond), maxLatency.Round(time.Millisecond))
	if notStamped > 0 {
		t.Errorf("%d pages without sample timestamps (send_timestamps is on)", notStamped)
	}
	t.Logf("figures: at the end: %s (goroutines %+d vs. held, rss %+.1fMiB vs. held)", end,
		end.goroutines-held.goroutines, float64(end.rssKB-held.rssKB)/1024)
	t.Logf("figures: during the changes %s=%v (+%v), %s=%v (+%v), exporter queue size %v, OTLP connections accepted %d, uptime %s",
		skippedName, skipped1, skipped1-skipped0, failedName, failed1, failed1-failed0, queue, hole.count(), uptime.Round(time.Second))

	// Flat: the hung clients cost a fixed number of goroutines (the HTTP server's, per connection);
	// cycles add none. RSS may settle after warm-up but must not grow with cycles.
	if d := end.goroutines - held.goroutines; d > 10 {
		t.Errorf("goroutines grew by %d over the cycles (%d -> %d)", d, held.goroutines, end.goroutines)
	}
	if d := held.goroutines - base.goroutines; d > 25*2+10 {
		t.Errorf("25 hung clients cost %d goroutines; want at most 2 each", d)
	}
	switch {
	case !strict:
		// The exporter's queue holds what the hung endpoint does not take: memory grows with it, up to
		// sending_queue.queue_size requests.
		if queue > 0 {
			t.Logf("figures: RSS %+.1fMiB with %v requests in the OTLP exporter's queue: %.2f MiB per queued request",
				float64(end.rssKB-held.rssKB)/1024, queue, float64(end.rssKB-held.rssKB)/1024/queue)
		}
	case end.rssKB > held.rssKB+held.rssKB/4+16<<10:
		t.Errorf("RSS grew from %s to %s over the cycles", held, end)
	}
	if end.fds > held.fds+10 || end.threads > held.threads+4 {
		t.Errorf("descriptors or threads grew over the cycles: %s -> %s", held, end)
	}
	for i, s := range during {
		if s.goroutines > held.goroutines+10 {
			t.Errorf("goroutines at sample %d: %s, held %s", i, s, held)
		}
	}
	if strict {
		// Skipped ticks are only reported: each batch's share of export_timeout holds one back for
		// batches the estimate missed, so a cycle the hung exporter holds ends before the next tick
		// unless building it takes the rest.
		if failed1-failed0 < 1 {
			t.Errorf("no failed export counted while the OTLP endpoint hung (otelcol_kubestate_exports_failed: %v -> %v)", failed0, failed1)
		}
	}
}
