package parity

import (
	"strings"
	"testing"
)

func TestCompareExported(t *testing.T) {
	parse := func(text string) *Set {
		s, err := ParseText(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ref := parse(`# TYPE k8s_pod_phase gauge
k8s_pod_phase{k8s_pod_name="a"} 2
k8s_pod_phase{k8s_pod_name="b"} 2
k8s_pod_phase{k8s_pod_name="c"} 3
# TYPE k8s_container_restarts gauge
k8s_container_restarts{k8s_pod_name="a"} 0
# TYPE k8s_replicaset_available gauge
k8s_replicaset_available{k8s_replicaset_name="r"} 1
# TYPE k8s_job_failed_pods gauge
k8s_job_failed_pods{k8s_job_name="j"} 4
`)
	ours := parse(`# TYPE k8s_pod_phase gauge
k8s_pod_phase{k8s_pod_name="a"} 2
k8s_pod_phase{k8s_pod_name="b"} 1
k8s_pod_phase{k8s_pod_name="d"} 2
# TYPE k8s_container_restarts counter
k8s_container_restarts{k8s_pod_name="a"} 0
`)
	r := CompareExported(ref, ours, map[string]string{"k8s.replicaset.available": "why"}, map[string]string{"k8s.job.failed_pods": "why"})
	want := map[string][]string{
		"missing": {`missing: k8s_pod_phase{k8s_pod_name="c"} 3`},
		"extra":   {`extra: k8s_pod_phase{k8s_pod_name="d"} 2`},
		"differ":  {`differ: k8s_pod_phase{k8s_pod_name="b"}: reference 2, kubestate 1`},
		"meta":    {`type of k8s_container_restarts: reference gauge, kubestate counter`},
	}
	got := map[string][]string{"missing": r.Missing, "extra": r.Extra, "differ": r.Differ, "meta": r.MetaDiff}
	for k, w := range want {
		if strings.Join(got[k], "|") != strings.Join(w, "|") {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if r.Matched != 2 || r.Total != 4 || r.Deliberate["k8s.replicaset.available"] != 1 || r.Deliberate["k8s.job.failed_pods"] != 1 || r.OK() {
		t.Errorf("matched %d of %d, deliberate %v, ok %v; want 2 of 4, one of each deliberate, not ok", r.Matched, r.Total, r.Deliberate, r.OK())
	}
}
