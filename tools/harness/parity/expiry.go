package parity

import (
	"bytes"
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ExpiryResult is what happened to a deleted object's series on both sides.
type ExpiryResult struct {
	Object           string        // namespace/name of the ConfigMap created and deleted
	KSMGone          time.Duration // from the delete call until kube-state-metrics no longer served its series
	ExporterGone     time.Duration // the same for the Prometheus exporter
	MetricExpiration time.Duration
	// Bound is the latest the exporter may drop them: the first cycle that starts after the delete
	// event arrived marks them stale (NoRecordedValue), and the exporter drops a stale series at
	// once. That cycle starts within one collection_interval and ends within export_timeout. It is
	// shorter than metric_expiration, so a pass shows the stale points at work, not the expiry.
	Bound time.Duration
	Pull  bool // our side is the receiver's pull endpoint: the next page simply lacks the series
}

// OK reports whether the exporter dropped the series within Bound.
func (e ExpiryResult) OK() bool { return e.ExporterGone <= e.Bound }

func (e ExpiryResult) String() string {
	if e.Pull {
		return fmt.Sprintf("deleted object: the series of ConfigMap %s left kube-state-metrics' output after %s and the pull endpoint's after %s (bound %s: the next page, rendered within collection_interval, lacks them)",
			e.Object, e.KSMGone.Round(10*time.Millisecond), e.ExporterGone.Round(10*time.Millisecond), e.Bound)
	}
	return fmt.Sprintf("deleted object: the series of ConfigMap %s left kube-state-metrics' output after %s and the exporter's after %s (bound %s: collection_interval + export_timeout, the next cycle marks them stale; metric_expiration %s)",
		e.Object, e.KSMGone.Round(10*time.Millisecond), e.ExporterGone.Round(10*time.Millisecond), e.Bound, e.MetricExpiration)
}

// CheckExpiry creates a ConfigMap in namespace ns, waits until both sides serve its
// kube_configmap_info series, deletes it, and measures how long each side keeps serving it. KSM
// drops it at once; the exporter when the next cycle's stale points reach it. It fails if a side
// still serves it after the bound plus 30s.
func CheckExpiry(ctx context.Context, kube kubernetes.Interface, ns string, ksm *KSM, col *Collector) (ExpiryResult, error) {
	s := col.Settings
	res := ExpiryResult{MetricExpiration: s.MetricExpiration, Bound: s.CollectionInterval + s.ExportTimeout, Pull: s.Pull}
	cm, err := kube.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "parity-expiry-"},
		Data:       map[string]string{"purpose": "deleted by the parity harness to measure metric_expiration"},
	}, metav1.CreateOptions{})
	if err != nil {
		return res, fmt.Errorf("creating a ConfigMap: %w", err)
	}
	res.Object = ns + "/" + cm.Name
	deleted := false
	defer func() {
		if !deleted {
			_ = kube.CoreV1().ConfigMaps(ns).Delete(context.WithoutCancel(ctx), cm.Name, metav1.DeleteOptions{})
		}
	}()
	has := func(body []byte) (bool, error) {
		set, err := ParseText(bytes.NewReader(body))
		if err != nil {
			return false, err
		}
		for _, x := range set.Series {
			if x.Name == "kube_configmap_info" && x.Label("configmap") == cm.Name && x.Label("namespace") == ns {
				return true, nil
			}
		}
		return false, nil
	}
	// Polls are cheap; a short period keeps the measured times accurate.
	const every = 100 * time.Millisecond
	waitFor := func(ctx context.Context, what string, get func(context.Context) ([]byte, error), want bool) error {
		for {
			body, err := get(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			ok, err := has(body)
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			if ok == want {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s: still %v after the deadline: %w", what, !want, ctx.Err())
			case <-time.After(every):
			}
		}
	}
	appear, cancel := context.WithTimeout(ctx, time.Minute+res.Bound)
	defer cancel()
	if err := waitFor(appear, "kube-state-metrics serving "+res.Object, ksm.Exposition, true); err != nil {
		return res, err
	}
	if err := waitFor(appear, "the exporter serving "+res.Object, col.Exposition, true); err != nil {
		return res, err
	}

	start := time.Now()
	if err := kube.CoreV1().ConfigMaps(ns).Delete(ctx, cm.Name, metav1.DeleteOptions{}); err != nil {
		return res, fmt.Errorf("deleting %s: %w", res.Object, err)
	}
	deleted = true
	// Both polled in turn, so each time is measured while the other side is watched too.
	gone, cancel2 := context.WithTimeout(ctx, res.Bound+30*time.Second)
	defer cancel2()
	ksmDone, colDone := false, false
	for !ksmDone || !colDone {
		for _, side := range []struct {
			done *bool
			took *time.Duration
			get  func(context.Context) ([]byte, error)
			what string
		}{{&ksmDone, &res.KSMGone, ksm.Exposition, "kube-state-metrics"}, {&colDone, &res.ExporterGone, col.Exposition, "exporter"}} {
			if *side.done {
				continue
			}
			body, err := side.get(gone)
			if err != nil {
				return res, fmt.Errorf("%s: %w", side.what, err)
			}
			ok, err := has(body)
			if err != nil {
				return res, fmt.Errorf("%s: %w", side.what, err)
			}
			if !ok {
				*side.done, *side.took = true, time.Since(start)
			}
		}
		if ksmDone && colDone {
			break
		}
		select {
		case <-gone.Done():
			return res, fmt.Errorf("series of deleted %s still served after %s (kube-state-metrics gone: %v, exporter gone: %v): %w",
				res.Object, time.Since(start).Round(time.Millisecond), ksmDone, colDone, gone.Err())
		case <-time.After(every):
		}
	}
	return res, nil
}
