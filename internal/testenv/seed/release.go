package seed

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ReleaseGroupVersion and ReleaseNamespaces describe the custom resource of the custom resource
// bench (testdata/bench/crs): Releases of bench.kubestate.io/v1 in ReleaseNamespaces namespaces.
const (
	ReleaseGroupVersion = "bench.kubestate.io/v1"
	ReleaseNamespaces   = 10
	ReleaseNamespaceFmt = "crs-%03d"
)

// ReleasePhases are the phases a Release goes through, the bench config's StateSet list.
var ReleasePhases = []string{"Pending", "Progressing", "Deployed", "Failed"}

// Release is Release i of the synthetic set at revision rev: revision 0 is what the bench seeds,
// and its churn writes later revisions, which change values (replicas, phase, version,
// conditions) but never the set of series. Shared by the bench and the Go benchmarks of custom
// resource state, so that both measure the same objects.
func Release(i, rev int) *unstructured.Unstructured {
	// Mostly deployed, a deterministic share pending, progressing or failed; a revision moves the
	// phase on.
	phase := "Deployed"
	switch (i + rev) % 20 {
	case 3:
		phase = "Pending"
	case 7, 13:
		phase = "Progressing"
	case 11:
		phase = "Failed"
	}
	ready, readyReason := "True", "ReconciliationSucceeded"
	reconciling, reconcilingReason := "False", "Succeeded"
	switch phase {
	case "Pending", "Progressing":
		ready, readyReason = "False", "Progressing"
		reconciling, reconcilingReason = "True", "Progressing"
	case "Failed":
		ready, readyReason = "False", "InstallFailed"
	}
	since := time.Unix(1700000000+int64(i%3600)+int64(rev)*60, 0).UTC().Format(time.RFC3339)
	cond := func(typ, status, reason string) any {
		return map[string]any{"type": typ, "status": status, "reason": reason, "lastTransitionTime": since}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": ReleaseGroupVersion,
		"kind":       "Release",
		"metadata": map[string]any{
			"name":      fmt.Sprintf("release-%05d", i),
			"namespace": fmt.Sprintf(ReleaseNamespaceFmt, i%ReleaseNamespaces),
			"labels":    map[string]any{"app.kubernetes.io/name": fmt.Sprintf("app-%04d", i%1000)},
		},
		"spec": map[string]any{
			"chart":    fmt.Sprintf("chart-%02d", i%40),
			"version":  fmt.Sprintf("1.%d.%d", i%7, (i+rev)%13),
			"replicas": int64(1 + (i+rev)%5),
			"suspend":  i%25 == 0,
		},
		"status": map[string]any{
			"phase":              phase,
			"observedGeneration": int64(1 + rev),
			"conditions":         []any{cond("Ready", ready, readyReason), cond("Reconciling", reconciling, reconcilingReason)},
		},
	}}
}
