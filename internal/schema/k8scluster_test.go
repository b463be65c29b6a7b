package schema

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/testenv/points"
)

func ptr[T any](v T) *T { return &v }

// TestTablesNameExistingFamiliesAndLabels compiles every resource of every schema with every
// family on: a table naming a family, label or prefix key the resource lacks panics or is missing.
func TestTablesNameExistingFamiliesAndLabels(t *testing.T) {
	for _, name := range Names() {
		for _, r := range Resources(name) {
			res, ok := resources.ByName(r)
			if !ok {
				t.Fatalf("schema %s: unknown resource %q", name, r)
			}
			src := res.Compile(family.Filter{Enabled: func(string, bool) bool { return true }, UID: true})
			s, err := Compile(name, res, src)
			if err != nil {
				t.Fatalf("schema %s, %s: %v", name, r, err)
			}
			mapped := 0
			for _, ms := range s.Metrics {
				mapped += len(ms)
			}
			if want := len(tableOfMust(name)[r].metrics); mapped != want {
				t.Errorf("schema %s, %s: %d metrics mapped, table has %d (a family name matches none)", name, r, mapped, want)
			}
			if len(s.Enrich) != len(tableOfMust(name)[r].enrich) {
				t.Errorf("schema %s, %s: an enrich family matches none", name, r)
			}
			// Metrics of one name feed one pdata metric: they must agree on what it is.
			byName := map[string]metric{}
			for _, m := range tableOfMust(name)[r].metrics {
				if o, ok := byName[m.name]; ok && (o.unit != m.unit || o.help != m.help || o.int != m.int || o.sum != m.sum) {
					t.Errorf("schema %s, %s: two %s metrics differ in unit, description or type", name, r, m.name)
				}
				byName[m.name] = m
			}
		}
	}
}

func tableOfMust(name string) table { t, _ := tableOf(name); return t }

func TestCompileRefusesUnmappedResourceAndUnknownSchema(t *testing.T) {
	res, _ := resources.ByName("configmaps")
	if _, err := Compile(K8sCluster, res, res.Compile(family.Filter{UID: true})); err == nil || !strings.Contains(err.Error(), `"configmaps"`) {
		t.Fatalf("unmapped resource: %v", err)
	}
	if _, err := Compile("nope", res, res.Compile(family.Filter{})); err == nil {
		t.Fatal("unknown schema accepted")
	}
	if s, err := Compile(KSM, res, res.Compile(family.Filter{})); s != nil || err != nil {
		t.Fatalf("ksm: %v %v; want nil, nil", s, err)
	}
}

// dump runs objs of resource r through its table under schema k8s_cluster and renders every point
// as "[resource attributes] name{attributes} unit type value", sorted.
func dump(t *testing.T, r string, objs ...runtime.Object) []string {
	t.Helper()
	var out []string
	for _, rm := range export(t, K8sCluster, r, objs) {
		ms := rm.ScopeMetrics().At(0).Metrics()
		for j := range ms.Len() {
			if m := ms.At(j); m.Type() != pmetric.MetricTypeGauge {
				t.Errorf("%s is a %s; k8s_cluster's are gauges", m.Name(), m.Type())
			}
		}
		out = append(out, render(rm)...)
	}
	slices.Sort(out)
	return out
}

// export runs objs of resource r through its table under the named schema and returns the
// resources of every batch, checking each has the schema's URL and each metric a description.
func export(t *testing.T, name, r string, objs []runtime.Object, opts ...Option) []pmetric.ResourceMetrics {
	t.Helper()
	res, _ := resources.ByName(r)
	src := res.Compile(family.Filter{UID: true})
	s, err := Compile(name, res, src, opts...)
	if err != nil {
		t.Fatal(err)
	}
	st := engine.NewStore()
	for i, o := range objs {
		obj, err := src.Transform(o)
		if err != nil {
			t.Fatal(err)
		}
		st.Put(fmt.Sprint(i), src.Record(obj))
	}
	var out []pmetric.ResourceMetrics
	engine.Batches([]engine.Collection{{Source: src, Stores: []*engine.Store{st}, Schema: s}}, 1000, 1, func(md pmetric.Metrics) error {
		for i := range md.ResourceMetrics().Len() {
			rm := md.ResourceMetrics().At(i)
			if rm.SchemaUrl() != schemaURL(name) {
				t.Errorf("schema URL %q", rm.SchemaUrl())
			}
			ms := rm.ScopeMetrics().At(0).Metrics()
			for j := range ms.Len() {
				if ms.At(j).Description() == "" {
					t.Errorf("%s has no description", ms.At(j).Name())
				}
			}
			c := pmetric.NewResourceMetrics()
			rm.CopyTo(c)
			out = append(out, c)
		}
		return nil
	})
	return out
}

// render renders every point of rm as "[resource attributes] name{attributes} unit type value".
func render(rm pmetric.ResourceMetrics) []string {
	var out []string
	attrs := points.Attrs
	one := pmetric.NewMetrics()
	rm.CopyTo(one.ResourceMetrics().AppendEmpty())
	points.Each(one, func(m pmetric.Metric, dp pmetric.NumberDataPoint) bool {
		v := fmt.Sprintf("double %g", dp.DoubleValue())
		if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
			v = fmt.Sprintf("int %d", dp.IntValue())
		}
		out = append(out, fmt.Sprintf("[%s] %s{%s} %q %s", attrs(rm.Resource().Attributes()), m.Name(), attrs(dp.Attributes()), m.Unit(), v))
		return true
	})
	return out
}

func check(t *testing.T, got, want []string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func meta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name)}
}

func TestK8sClusterPod(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: meta("ns", "web"),
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{
			{Name: "app", Image: "nginx:1.27", Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")},
			}},
			{Name: "side", Image: "busybox"},
		}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
			{Name: "app", Image: "docker.io/library/nginx:1.27", ContainerID: "containerd://abc", Ready: true, RestartCount: 3},
			{Name: "side", Image: "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000", ContainerID: "containerd://def"},
		}},
	}
	p := "k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web"
	app := "[container.id=abc,container.image.name=docker.io/library/nginx,container.image.tag=1.27,k8s.container.name=app," + p + "]"
	side := "[container.id=def,container.image.name=busybox,container.image.tag=latest,k8s.container.name=side," + p + "]"
	check(t, dump(t, "pods", pod), []string{
		app + ` k8s.container.cpu_limit{} "{cpu}" double 1`,
		app + ` k8s.container.cpu_request{} "{cpu}" double 0.25`,
		app + ` k8s.container.ephemeralstorage_limit{} "By" int 1073741824`,
		app + ` k8s.container.memory_request{} "By" int 67108864`,
		app + ` k8s.container.ready{} "" int 1`,
		app + ` k8s.container.restarts{} "{restart}" int 3`,
		side + ` k8s.container.ready{} "" int 0`,
		side + ` k8s.container.restarts{} "{restart}" int 0`,
		"[" + p + `] k8s.pod.phase{} "" int 2`,
	})
}

// A pod not yet scheduled, with no container status: its container resource still has
// container.id and k8s.node.name, empty, as the receiver sets them.
func TestK8sClusterPodWithoutStatus(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: meta("ns", "p"), Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodPending}}
	p := "k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=p,k8s.pod.uid=uid-p"
	check(t, dump(t, "pods", pod), []string{
		"[container.id=,k8s.container.name=c," + p + `] k8s.container.cpu_request{} "{cpu}" double 1`,
		"[" + p + `] k8s.pod.phase{} "" int 1`,
	})
}

func TestK8sClusterNodeAndNamespace(t *testing.T) {
	node := &corev1.Node{ObjectMeta: meta("", "n1"), Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
		{Type: corev1.NodeReady, Status: corev1.ConditionFalse}, {Type: corev1.NodeMemoryPressure, Status: corev1.ConditionTrue},
	}}}
	check(t, dump(t, "nodes", node), []string{`[k8s.node.name=n1,k8s.node.uid=uid-n1] k8s.node.condition_ready{} "" int 0`})
	ns := &corev1.Namespace{ObjectMeta: meta("", "team"), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
	check(t, dump(t, "namespaces", ns), []string{`[k8s.namespace.name=team,k8s.namespace.uid=uid-team] k8s.namespace.phase{} "" int 0`})
}

func TestK8sClusterWorkloads(t *testing.T) {
	dep := &appsv1.Deployment{ObjectMeta: meta("ns", "d"), Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(3))}, Status: appsv1.DeploymentStatus{AvailableReplicas: 2}}
	r := "[k8s.deployment.name=d,k8s.deployment.uid=uid-d,k8s.namespace.name=ns]"
	check(t, dump(t, "deployments", dep), []string{r + ` k8s.deployment.available{} "{pod}" int 2`, r + ` k8s.deployment.desired{} "{pod}" int 3`})

	rs := &appsv1.ReplicaSet{ObjectMeta: meta("ns", "rs"), Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(4))}}
	check(t, dump(t, "replicasets", rs), []string{`[k8s.namespace.name=ns,k8s.replicaset.name=rs,k8s.replicaset.uid=uid-rs] k8s.replicaset.desired{} "{pod}" int 4`})

	ss := &appsv1.StatefulSet{ObjectMeta: meta("ns", "s"), Spec: appsv1.StatefulSetSpec{Replicas: ptr(int32(3))},
		Status: appsv1.StatefulSetStatus{ReadyReplicas: 2, CurrentReplicas: 1, UpdatedReplicas: 3}}
	r = "[k8s.namespace.name=ns,k8s.statefulset.name=s,k8s.statefulset.uid=uid-s]"
	check(t, dump(t, "statefulsets", ss), []string{
		r + ` k8s.statefulset.current_pods{} "{pod}" int 1`, r + ` k8s.statefulset.desired_pods{} "{pod}" int 3`,
		r + ` k8s.statefulset.ready_pods{} "{pod}" int 2`, r + ` k8s.statefulset.updated_pods{} "{pod}" int 3`,
	})

	ds := &appsv1.DaemonSet{ObjectMeta: meta("ns", "ds"), Status: appsv1.DaemonSetStatus{CurrentNumberScheduled: 5, DesiredNumberScheduled: 6, NumberMisscheduled: 1, NumberReady: 4}}
	r = "[k8s.daemonset.name=ds,k8s.daemonset.uid=uid-ds,k8s.namespace.name=ns]"
	check(t, dump(t, "daemonsets", ds), []string{
		r + ` k8s.daemonset.current_scheduled_nodes{} "{node}" int 5`, r + ` k8s.daemonset.desired_scheduled_nodes{} "{node}" int 6`,
		r + ` k8s.daemonset.misscheduled_nodes{} "{node}" int 1`, r + ` k8s.daemonset.ready_nodes{} "{node}" int 4`,
	})

	job := &batchv1.Job{ObjectMeta: meta("ns", "j"), Spec: batchv1.JobSpec{Completions: ptr(int32(5)), Parallelism: ptr(int32(2))},
		Status: batchv1.JobStatus{Active: 1, Succeeded: 3, Failed: 2}}
	r = "[k8s.job.name=j,k8s.job.uid=uid-j,k8s.namespace.name=ns]"
	check(t, dump(t, "jobs", job), []string{
		r + ` k8s.job.active_pods{} "{pod}" int 1`, r + ` k8s.job.desired_successful_pods{} "{pod}" int 5`,
		r + ` k8s.job.failed_pods{} "{pod}" int 2`, r + ` k8s.job.max_parallel_pods{} "{pod}" int 2`,
		r + ` k8s.job.successful_pods{} "{pod}" int 3`,
	})

	cj := &batchv1.CronJob{ObjectMeta: meta("ns", "cj"), Spec: batchv1.CronJobSpec{Schedule: "* * * * *"},
		Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{{Name: "a"}, {Name: "b"}}}}
	check(t, dump(t, "cronjobs", cj), []string{`[k8s.cronjob.name=cj,k8s.cronjob.uid=uid-cj,k8s.namespace.name=ns] k8s.cronjob.active_jobs{} "{job}" int 2`})

	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta("ns", "h"),
		Spec:   autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: ptr(int32(1)), MaxReplicas: 10},
		Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 2, DesiredReplicas: 3}}
	r = "[k8s.hpa.name=h,k8s.hpa.uid=uid-h,k8s.namespace.name=ns]"
	check(t, dump(t, "horizontalpodautoscalers", hpa), []string{
		r + ` k8s.hpa.current_replicas{} "{pod}" int 2`, r + ` k8s.hpa.desired_replicas{} "{pod}" int 3`,
		r + ` k8s.hpa.max_replicas{} "{pod}" int 10`, r + ` k8s.hpa.min_replicas{} "{pod}" int 1`,
	})
}

func TestK8sClusterResourceQuotaCPUInMillicores(t *testing.T) {
	q := &corev1.ResourceQuota{ObjectMeta: meta("ns", "q"), Status: corev1.ResourceQuotaStatus{
		Hard: corev1.ResourceList{"requests.cpu": resource.MustParse("1500m"), "pods": resource.MustParse("10")},
		Used: corev1.ResourceList{"requests.cpu": resource.MustParse("250m"), "pods": resource.MustParse("3")},
	}}
	r := "[k8s.namespace.name=ns,k8s.resourcequota.name=q,k8s.resourcequota.uid=uid-q]"
	check(t, dump(t, "resourcequotas", q), []string{
		r + ` k8s.resource_quota.hard_limit{resource=pods} "{resource}" int 10`,
		r + ` k8s.resource_quota.hard_limit{resource=requests.cpu} "{resource}" int 1500`,
		r + ` k8s.resource_quota.used{resource=pods} "{resource}" int 3`,
		r + ` k8s.resource_quota.used{resource=requests.cpu} "{resource}" int 250`,
	})
}

func TestParseImage(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                          "nginx latest",
		"nginx:1.27":                     "nginx 1.27",
		"example.com:5000/team/app:v1":   "example.com:5000/team/app v1",
		"example.com:5000/team/app":      "example.com:5000/team/app latest",
		"app:v2@sha256:abcdef0123456789": "app v2",
		"":                               "!",
		"Upper/Case":                     "!",
	} {
		repo, tag, ok := parseImage(in)
		got := repo + " " + tag
		if !ok {
			got = "!"
		}
		if got != want {
			t.Errorf("parseImage(%q) = %q; want %q", in, got, want)
		}
	}
}

// Documented differences: KSM has no point for a pod without a phase or a node without a Ready
// condition, so neither has k8s.pod.phase / k8s.node.condition_ready (the contrib receiver: 5, -1).
func TestK8sClusterNoPhaseNoReadyCondition(t *testing.T) {
	if got := dump(t, "pods", &corev1.Pod{ObjectMeta: meta("ns", "p")}); len(got) != 0 {
		t.Fatalf("pod without phase: %q", got)
	}
	if got := dump(t, "nodes", &corev1.Node{ObjectMeta: meta("", "n")}); len(got) != 0 {
		t.Fatalf("node without Ready: %q", got)
	}
}
