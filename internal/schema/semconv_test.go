package schema

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// semconvFixtures are objects of every resource the semconv schema maps, together reaching every
// metric of its table (TestSemconvNamesUnitsAndAttributesExistInTheRelease checks they do).
func semconvFixtures() map[string][]runtime.Object {
	q := resource.MustParse
	return map[string][]runtime.Object{
		"pods": {&corev1.Pod{
			ObjectMeta: meta("ns", "web"),
			Spec: corev1.PodSpec{NodeName: "n1",
				InitContainers: []corev1.Container{{Name: "init", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceMemory: q("16Mi")}}}},
				Containers: []corev1.Container{
					{Name: "app", Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: q("250m"), corev1.ResourceMemory: q("64Mi"),
							corev1.ResourceEphemeralStorage: q("1Gi"), corev1.ResourceStorage: q("2Gi")},
						Limits: corev1.ResourceList{corev1.ResourceCPU: q("1500m"), corev1.ResourceMemory: q("128Mi"),
							corev1.ResourceEphemeralStorage: q("3Gi"), corev1.ResourceStorage: q("4Gi"), "hugepages-2Mi": q("2Mi")},
					}},
					{Name: "side"},
				}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning,
				InitContainerStatuses: []corev1.ContainerStatus{{Name: "init", State: corev1.ContainerState{
					Terminated: &corev1.ContainerStateTerminated{Reason: "Completed"}}}},
				ContainerStatuses: []corev1.ContainerStatus{
					{Name: "app", Ready: true, RestartCount: 3, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
					{Name: "side", RestartCount: 7, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}},
				}},
		}, &corev1.Pod{
			ObjectMeta: meta("ns", "gone"),
			Status:     corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted"},
		}},
		"nodes": {&corev1.Node{ObjectMeta: meta("", "n1"), Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}, {Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("3500m"), corev1.ResourceMemory: q("8Gi"),
				corev1.ResourceEphemeralStorage: q("100Gi"), corev1.ResourcePods: q("110"), "hugepages-1Gi": q("0")},
		}}},
		"namespaces": {&corev1.Namespace{ObjectMeta: meta("", "team"), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}},
		"deployments": {&appsv1.Deployment{ObjectMeta: meta("ns", "d"), Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(3))},
			Status: appsv1.DeploymentStatus{AvailableReplicas: 2}}},
		"replicasets": {&appsv1.ReplicaSet{ObjectMeta: meta("ns", "rs"), Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(4))}}},
		"replicationcontrollers": {&corev1.ReplicationController{ObjectMeta: meta("ns", "rc"), Spec: corev1.ReplicationControllerSpec{Replicas: ptr(int32(2))},
			Status: corev1.ReplicationControllerStatus{AvailableReplicas: 1}}},
		"statefulsets": {&appsv1.StatefulSet{ObjectMeta: meta("ns", "s"), Spec: appsv1.StatefulSetSpec{Replicas: ptr(int32(3))},
			Status: appsv1.StatefulSetStatus{ReadyReplicas: 2, CurrentReplicas: 1, UpdatedReplicas: 3}}},
		"daemonsets": {&appsv1.DaemonSet{ObjectMeta: meta("ns", "ds"),
			Status: appsv1.DaemonSetStatus{CurrentNumberScheduled: 5, DesiredNumberScheduled: 6, NumberMisscheduled: 1, NumberReady: 4}}},
		"jobs": {&batchv1.Job{ObjectMeta: meta("ns", "j"), Spec: batchv1.JobSpec{Completions: ptr(int32(5)), Parallelism: ptr(int32(2))},
			Status: batchv1.JobStatus{Active: 1, Succeeded: 3, Failed: 2}}},
		"cronjobs": {&batchv1.CronJob{ObjectMeta: meta("ns", "cj"), Spec: batchv1.CronJobSpec{Schedule: "* * * * *"},
			Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{{Name: "a"}, {Name: "b"}}}}},
		"horizontalpodautoscalers": {&autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta("ns", "h"),
			Spec:   autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: ptr(int32(1)), MaxReplicas: 10},
			Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 2, DesiredReplicas: 3}}},
		"resourcequotas": {&corev1.ResourceQuota{ObjectMeta: meta("ns", "q"), Status: corev1.ResourceQuotaStatus{
			Hard: corev1.ResourceList{"limits.cpu": q("4"), "requests.cpu": q("1500m"), "limits.memory": q("8Gi"), "memory": q("4Gi"),
				"limits.ephemeral-storage": q("10Gi"), "requests.ephemeral-storage": q("5Gi"), "requests.storage": q("100Gi"),
				"gold.storageclass.storage.k8s.io/requests.storage": q("10Gi"), "persistentvolumeclaims": q("10"),
				"gold.storageclass.storage.k8s.io/persistentvolumeclaims": q("2"), "pods": q("20"), "count/deployments.apps": q("5"),
				"requests.nvidia.com/gpu": q("1")},
			Used: corev1.ResourceList{"limits.cpu": q("2"), "requests.cpu": q("250m"), "limits.memory": q("1Gi"), "memory": q("512Mi"),
				"limits.ephemeral-storage": q("2Gi"), "requests.ephemeral-storage": q("1Gi"), "requests.storage": q("20Gi"),
				"gold.storageclass.storage.k8s.io/requests.storage": q("1Gi"), "persistentvolumeclaims": q("3"),
				"gold.storageclass.storage.k8s.io/persistentvolumeclaims": q("1"), "pods": q("3"), "count/deployments.apps": q("2"),
				"requests.nvidia.com/gpu": q("0")},
		}}},
		"persistentvolumes": {&corev1.PersistentVolume{ObjectMeta: meta("", "pv"),
			Spec:   corev1.PersistentVolumeSpec{Capacity: corev1.ResourceList{corev1.ResourceStorage: q("5Gi")}},
			Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound}}},
		"persistentvolumeclaims": {&corev1.PersistentVolumeClaim{ObjectMeta: meta("ns", "data"),
			Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")}}},
			Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}}},
	}
}

// semconvDump renders every point of resource r's fixtures under schema semconv, sorted.
func semconvDump(t *testing.T, r string, opts ...Option) []string {
	t.Helper()
	var out []string
	for _, rm := range export(t, Semconv, r, semconvFixtures()[r], opts...) {
		out = append(out, render(rm)...)
	}
	slices.Sort(out)
	return out
}

func TestSemconvFixturesCoverEveryResource(t *testing.T) {
	var got []string
	for r := range semconvFixtures() {
		got = append(got, r)
	}
	slices.Sort(got)
	if want := Resources(Semconv); !slices.Equal(got, want) {
		t.Fatalf("fixtures for %v; the semconv table maps %v", got, want)
	}
}

// semconvGolden is what each resource's fixtures become: per resource, the resource attributes
// of most of its points, and its points (a point starting with "[" has other resource attributes).
var semconvGolden = map[string]struct {
	resource string
	points   []string
}{
	"cronjobs": {`[k8s.cronjob.name=cj,k8s.cronjob.uid=uid-cj,k8s.namespace.name=ns]`, []string{
		` k8s.cronjob.job.active{} "{job}" int 2`,
	}},
	"daemonsets": {`[k8s.daemonset.name=ds,k8s.daemonset.uid=uid-ds,k8s.namespace.name=ns]`, []string{
		` k8s.daemonset.node.current_scheduled{} "{node}" int 5`,
		` k8s.daemonset.node.desired_scheduled{} "{node}" int 6`,
		` k8s.daemonset.node.misscheduled{} "{node}" int 1`,
		` k8s.daemonset.node.ready{} "{node}" int 4`,
	}},
	"deployments": {`[k8s.deployment.name=d,k8s.deployment.uid=uid-d,k8s.namespace.name=ns]`, []string{
		` k8s.deployment.pod.available{} "{pod}" int 2`,
		` k8s.deployment.pod.desired{} "{pod}" int 3`,
	}},
	"horizontalpodautoscalers": {`[k8s.hpa.name=h,k8s.hpa.uid=uid-h,k8s.namespace.name=ns]`, []string{
		` k8s.hpa.pod.current{} "{pod}" int 2`,
		` k8s.hpa.pod.desired{} "{pod}" int 3`,
		` k8s.hpa.pod.max{} "{pod}" int 10`,
		` k8s.hpa.pod.min{} "{pod}" int 1`,
	}},
	"jobs": {`[k8s.job.name=j,k8s.job.uid=uid-j,k8s.namespace.name=ns]`, []string{
		` k8s.job.pod.active{} "{pod}" int 1`,
		` k8s.job.pod.desired_successful{} "{pod}" int 5`,
		` k8s.job.pod.failed{} "{pod}" int 2`,
		` k8s.job.pod.max_parallel{} "{pod}" int 2`,
		` k8s.job.pod.successful{} "{pod}" int 3`,
	}},
	"namespaces": {`[k8s.namespace.name=team]`, []string{
		` k8s.namespace.phase{k8s.namespace.phase=active} "{namespace}" int 0`,
		` k8s.namespace.phase{k8s.namespace.phase=terminating} "{namespace}" int 1`,
	}},
	"nodes": {`[k8s.node.name=n1,k8s.node.uid=uid-n1]`, []string{
		` k8s.node.condition.status{k8s.node.condition.status=false,k8s.node.condition.type=MemoryPressure} "{node}" int 1`,
		` k8s.node.condition.status{k8s.node.condition.status=false,k8s.node.condition.type=Ready} "{node}" int 0`,
		` k8s.node.condition.status{k8s.node.condition.status=true,k8s.node.condition.type=MemoryPressure} "{node}" int 0`,
		` k8s.node.condition.status{k8s.node.condition.status=true,k8s.node.condition.type=Ready} "{node}" int 1`,
		` k8s.node.condition.status{k8s.node.condition.status=unknown,k8s.node.condition.type=MemoryPressure} "{node}" int 0`,
		` k8s.node.condition.status{k8s.node.condition.status=unknown,k8s.node.condition.type=Ready} "{node}" int 0`,
		` k8s.node.cpu.allocatable{} "{cpu}" double 3.5`,
		` k8s.node.ephemeral_storage.allocatable{} "By" int 107374182400`,
		` k8s.node.memory.allocatable{} "By" int 8589934592`,
		` k8s.node.pod.allocatable{} "{pod}" int 110`,
	}},
	"persistentvolumeclaims": {`[k8s.namespace.name=ns,k8s.persistentvolumeclaim.name=data,k8s.persistentvolumeclaim.uid=uid-data]`, []string{
		` k8s.persistentvolumeclaim.status.phase{k8s.persistentvolumeclaim.status.phase=Bound} "{persistentvolumeclaim}" int 0`,
		` k8s.persistentvolumeclaim.status.phase{k8s.persistentvolumeclaim.status.phase=Lost} "{persistentvolumeclaim}" int 0`,
		` k8s.persistentvolumeclaim.status.phase{k8s.persistentvolumeclaim.status.phase=Pending} "{persistentvolumeclaim}" int 1`,
		` k8s.persistentvolumeclaim.storage.request{} "By" int 1073741824`,
	}},
	"persistentvolumes": {`[k8s.persistentvolume.name=pv,k8s.persistentvolume.uid=uid-pv]`, []string{
		` k8s.persistentvolume.status.phase{k8s.persistentvolume.status.phase=Available} "{persistentvolume}" int 0`,
		` k8s.persistentvolume.status.phase{k8s.persistentvolume.status.phase=Bound} "{persistentvolume}" int 1`,
		` k8s.persistentvolume.status.phase{k8s.persistentvolume.status.phase=Failed} "{persistentvolume}" int 0`,
		` k8s.persistentvolume.status.phase{k8s.persistentvolume.status.phase=Pending} "{persistentvolume}" int 0`,
		` k8s.persistentvolume.status.phase{k8s.persistentvolume.status.phase=Released} "{persistentvolume}" int 0`,
		` k8s.persistentvolume.storage.capacity{} "By" int 5368709120`,
	}},
	"pods": {`[k8s.container.name=app,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web]`, []string{
		` k8s.container.cpu.limit.desired{} "{cpu}" double 1.5`,
		` k8s.container.cpu.request.desired{} "{cpu}" double 0.25`,
		` k8s.container.ephemeral_storage.limit{} "By" int 3221225472`,
		` k8s.container.ephemeral_storage.request{} "By" int 1073741824`,
		` k8s.container.memory.limit.desired{} "By" int 134217728`,
		` k8s.container.memory.request.desired{} "By" int 67108864`,
		` k8s.container.ready{} "{container}" int 1`,
		` k8s.container.restart.count{} "{restart}" int 3`,
		` k8s.container.status.state{k8s.container.status.state=running} "{container}" int 1`,
		` k8s.container.status.state{k8s.container.status.state=terminated} "{container}" int 0`,
		` k8s.container.status.state{k8s.container.status.state=waiting} "{container}" int 0`,
		` k8s.container.storage.limit{} "By" int 4294967296`,
		` k8s.container.storage.request{} "By" int 2147483648`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.memory.request.desired{} "By" int 16777216`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.ready{} "{container}" int 0`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.restart.count{} "{restart}" int 0`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.reason{k8s.container.status.reason=Completed} "{container}" int 1`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=running} "{container}" int 0`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=terminated} "{container}" int 1`,
		`[k8s.container.name=init,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=waiting} "{container}" int 0`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.ready{} "{container}" int 0`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.restart.count{} "{restart}" int 7`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.reason{k8s.container.status.reason=CrashLoopBackOff} "{container}" int 1`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=running} "{container}" int 0`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=terminated} "{container}" int 0`,
		`[k8s.container.name=side,k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.container.status.state{k8s.container.status.state=waiting} "{container}" int 1`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.phase{k8s.pod.status.phase=Failed} "{pod}" int 1`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.phase{k8s.pod.status.phase=Pending} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.phase{k8s.pod.status.phase=Running} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.phase{k8s.pod.status.phase=Succeeded} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.phase{k8s.pod.status.phase=Unknown} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=,k8s.pod.name=gone,k8s.pod.uid=uid-gone] k8s.pod.status.reason{k8s.pod.status.reason=Evicted} "{pod}" int 1`,
		`[k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.pod.status.phase{k8s.pod.status.phase=Failed} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.pod.status.phase{k8s.pod.status.phase=Pending} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.pod.status.phase{k8s.pod.status.phase=Running} "{pod}" int 1`,
		`[k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.pod.status.phase{k8s.pod.status.phase=Succeeded} "{pod}" int 0`,
		`[k8s.namespace.name=ns,k8s.node.name=n1,k8s.pod.name=web,k8s.pod.uid=uid-web] k8s.pod.status.phase{k8s.pod.status.phase=Unknown} "{pod}" int 0`,
	}},
	"replicasets": {`[k8s.namespace.name=ns,k8s.replicaset.name=rs,k8s.replicaset.uid=uid-rs]`, []string{
		` k8s.replicaset.pod.desired{} "{pod}" int 4`,
	}},
	"replicationcontrollers": {`[k8s.namespace.name=ns,k8s.replicationcontroller.name=rc,k8s.replicationcontroller.uid=uid-rc]`, []string{
		` k8s.replicationcontroller.pod.available{} "{pod}" int 1`,
		` k8s.replicationcontroller.pod.desired{} "{pod}" int 2`,
	}},
	"resourcequotas": {`[k8s.namespace.name=ns,k8s.resourcequota.name=q,k8s.resourcequota.uid=uid-q]`, []string{
		` k8s.resourcequota.cpu.limit.hard{} "{cpu}" double 4`,
		` k8s.resourcequota.cpu.limit.used{} "{cpu}" double 2`,
		` k8s.resourcequota.cpu.request.hard{} "{cpu}" double 1.5`,
		` k8s.resourcequota.cpu.request.used{} "{cpu}" double 0.25`,
		` k8s.resourcequota.ephemeral_storage.limit.hard{} "By" int 10737418240`,
		` k8s.resourcequota.ephemeral_storage.limit.used{} "By" int 2147483648`,
		` k8s.resourcequota.ephemeral_storage.request.hard{} "By" int 5368709120`,
		` k8s.resourcequota.ephemeral_storage.request.used{} "By" int 1073741824`,
		` k8s.resourcequota.memory.limit.hard{} "By" int 8589934592`,
		` k8s.resourcequota.memory.limit.used{} "By" int 1073741824`,
		` k8s.resourcequota.memory.request.hard{} "By" int 4294967296`,
		` k8s.resourcequota.memory.request.used{} "By" int 536870912`,
		` k8s.resourcequota.object_count.hard{k8s.resourcequota.resource_name=count/deployments.apps} "{object}" int 5`,
		` k8s.resourcequota.object_count.hard{k8s.resourcequota.resource_name=pods} "{object}" int 20`,
		` k8s.resourcequota.object_count.used{k8s.resourcequota.resource_name=count/deployments.apps} "{object}" int 2`,
		` k8s.resourcequota.object_count.used{k8s.resourcequota.resource_name=pods} "{object}" int 3`,
		` k8s.resourcequota.persistentvolumeclaim_count.hard{k8s.storageclass.name=gold} "{persistentvolumeclaim}" int 2`,
		` k8s.resourcequota.persistentvolumeclaim_count.hard{} "{persistentvolumeclaim}" int 10`,
		` k8s.resourcequota.persistentvolumeclaim_count.used{k8s.storageclass.name=gold} "{persistentvolumeclaim}" int 1`,
		` k8s.resourcequota.persistentvolumeclaim_count.used{} "{persistentvolumeclaim}" int 3`,
		` k8s.resourcequota.storage.request.hard{k8s.storageclass.name=gold} "By" int 10737418240`,
		` k8s.resourcequota.storage.request.hard{} "By" int 107374182400`,
		` k8s.resourcequota.storage.request.used{k8s.storageclass.name=gold} "By" int 1073741824`,
		` k8s.resourcequota.storage.request.used{} "By" int 21474836480`,
	}},
	"statefulsets": {`[k8s.namespace.name=ns,k8s.statefulset.name=s,k8s.statefulset.uid=uid-s]`, []string{
		` k8s.statefulset.pod.current{} "{pod}" int 1`,
		` k8s.statefulset.pod.desired{} "{pod}" int 3`,
		` k8s.statefulset.pod.ready{} "{pod}" int 2`,
		` k8s.statefulset.pod.updated{} "{pod}" int 3`,
	}},
}

func TestSemconvGolden(t *testing.T) {
	for r, g := range semconvGolden {
		t.Run(r, func(t *testing.T) {
			want := make([]string, len(g.points))
			for i, p := range g.points {
				if !strings.HasPrefix(p, "[") {
					p = g.resource + p
				}
				want[i] = p
			}
			check(t, semconvDump(t, r), want)
		})
	}
	if len(semconvGolden) != len(Resources(Semconv)) {
		t.Fatalf("golden points for %d resources; semconv maps %d", len(semconvGolden), len(Resources(Semconv)))
	}
}

// semconvRelease is what the semantic conventions release says of a metric, read from the
// generated k8sconv source of the module the product builds with.
type semconvRelease struct {
	instrument, unit, description string
	attrs                         map[string]bool // data point attribute keys its methods set
}

// readSemconvRelease parses k8sconv's metric.go (every k8s.* metric of the release, with its
// instrument, unit, description and attributes) and the semconv package's attribute keys.
func readSemconvRelease(t *testing.T) (metrics map[string]*semconvRelease, keys map[string]bool) {
	t.Helper()
	dir := func(pkg string) string {
		out, err := exec.Command("go", "list", "-f", "{{.Dir}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.TrimSpace(string(out))
	}
	parse := func(path string) *ast.File {
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	lit := func(e ast.Expr) (string, bool) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, err := strconv.Unquote(b.Value)
			return s, err == nil
		}
		return "", false
	}
	byType := map[string]*semconvRelease{}
	typ := func(name string) *semconvRelease {
		if byType[name] == nil {
			byType[name] = &semconvRelease{attrs: map[string]bool{}}
		}
		return byType[name]
	}
	names := map[string]string{} // type -> metric name
	f := parse(filepath.Join(dir("go.opentelemetry.io/otel/semconv/v1.41.0/k8sconv"), "metric.go"))
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok && len(st.Fields.List) == 1 {
						if sel, ok := st.Fields.List[0].Type.(*ast.SelectorExpr); ok {
							typ(ts.Name.Name).instrument = sel.Sel.Name
						}
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || d.Body == nil {
				continue
			}
			recv := d.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok || strings.HasSuffix(id.Name, "Observable") {
				continue
			}
			r := typ(id.Name)
			ast.Inspect(d.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ReturnStmt:
					if len(n.Results) == 1 {
						if s, ok := lit(n.Results[0]); ok {
							switch d.Name.Name {
							case "Name":
								names[id.Name] = s
							case "Unit":
								r.unit = s
							case "Description":
								r.description = s
							}
						}
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) > 0 {
						if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "attribute" {
							if s, ok := lit(n.Args[0]); ok {
								r.attrs[s] = true
							}
						}
					}
				}
				return true
			})
		}
	}
	metrics = map[string]*semconvRelease{}
	for ty, name := range names {
		metrics[name] = byType[ty]
	}
	keys = map[string]bool{}
	ast.Inspect(parse(filepath.Join(dir("go.opentelemetry.io/otel/semconv/v1.41.0"), "attribute_group.go")), func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Key" && len(c.Args) == 1 {
				if s, ok := lit(c.Args[0]); ok {
					keys[s] = true
				}
			}
		}
		return true
	})
	if len(metrics) < 100 || !keys["k8s.pod.uid"] {
		t.Fatalf("read %d metrics and %d attribute keys of semconv v1.41.0: the parse is broken", len(metrics), len(keys))
	}
	return metrics, keys
}

// Every metric the semconv schema emits for the fixtures (which reach every metric of its table)
// is in the release with its unit, description and instrument (an UpDownCounter is a
// non-monotonic cumulative sum of int64 points; our one extension: amounts of CPU, unit {cpu},
// are doubles), its data point attributes are the release's for that metric, and its resource
// attributes are attribute keys of the release.
func TestSemconvNamesUnitsAndAttributesExistInTheRelease(t *testing.T) {
	release, keys := readSemconvRelease(t)
	emitted := map[string]bool{}
	for r, objs := range semconvFixtures() {
		for _, rm := range export(t, Semconv, r, objs) {
			rm.Resource().Attributes().Range(func(k string, _ pcommon.Value) bool {
				if !keys[k] {
					t.Errorf("%s: resource attribute %q is not in semconv v1.41.0", r, k)
				}
				return true
			})
			ms := rm.ScopeMetrics().At(0).Metrics()
			for i := range ms.Len() {
				m := ms.At(i)
				emitted[m.Name()] = true
				sc, ok := release[m.Name()]
				if !ok {
					t.Errorf("%s: metric %q is not in semconv v1.41.0", r, m.Name())
					continue
				}
				if m.Unit() != sc.unit || m.Description() != sc.description {
					t.Errorf("%s: unit %q, description %q; semconv: %q, %q", m.Name(), m.Unit(), m.Description(), sc.unit, sc.description)
				}
				if sc.instrument != "Int64UpDownCounter" {
					t.Errorf("%s: semconv's instrument is %s; the table maps UpDownCounters only", m.Name(), sc.instrument)
					continue
				}
				if m.Type() != pmetric.MetricTypeSum || m.Sum().IsMonotonic() || m.Sum().AggregationTemporality() != pmetric.AggregationTemporalityCumulative {
					t.Errorf("%s: a %s; an UpDownCounter is a non-monotonic cumulative sum", m.Name(), m.Type())
					continue
				}
				wantType := pmetric.NumberDataPointValueTypeInt
				if m.Unit() == "{cpu}" {
					wantType = pmetric.NumberDataPointValueTypeDouble
				}
				for j := range m.Sum().DataPoints().Len() {
					dp := m.Sum().DataPoints().At(j)
					if dp.ValueType() != wantType {
						t.Errorf("%s: %s points; want %s", m.Name(), dp.ValueType(), wantType)
					}
					if dp.StartTimestamp() == 0 {
						t.Errorf("%s: a cumulative point without a start time", m.Name())
					}
					dp.Attributes().Range(func(k string, _ pcommon.Value) bool {
						if !sc.attrs[k] {
							t.Errorf("%s: data point attribute %q is not one of the metric's in semconv v1.41.0", m.Name(), k)
						}
						return true
					})
				}
			}
		}
	}
	for _, r := range Resources(Semconv) {
		for _, m := range semconv[r].metrics {
			if !emitted[m.name] {
				t.Errorf("%s: the fixtures reach no point of %s (from %s): the check above does not cover it", r, m.name, m.from)
			}
		}
	}
}

// With KeepKSMFamilies, a family semconv has no metric for is kept under its KSM name, with its
// labels as data point attributes, in the object's resource; mapped families are not doubled.
func TestSemconvKeepKSMFamilies(t *testing.T) {
	objs := semconvFixtures()["deployments"]
	var kept []string
	for _, rm := range export(t, Semconv, "deployments", objs, KeepKSMFamilies()) {
		for _, line := range render(rm) {
			name := line[strings.Index(line, "] ")+2 : strings.IndexByte(line, '{')]
			if !strings.HasPrefix(line, "[k8s.deployment.name=d,k8s.deployment.uid=uid-d,k8s.namespace.name=ns] ") {
				t.Errorf("%q is not in the deployment's resource", line)
			}
			if strings.HasPrefix(name, "kube_") {
				kept = append(kept, line)
			} else if _, ok := semconvMetricNames()[name]; !ok {
				t.Errorf("%q is neither a KSM family nor a semconv metric of the table", line)
			}
		}
	}
	for _, want := range []string{
		`[k8s.deployment.name=d,k8s.deployment.uid=uid-d,k8s.namespace.name=ns] kube_deployment_status_replicas_updated{} "" double 0`,
		`[k8s.deployment.name=d,k8s.deployment.uid=uid-d,k8s.namespace.name=ns] kube_deployment_spec_paused{} "" double 0`,
	} {
		if !slices.Contains(kept, want) {
			t.Errorf("kept families lack %q; have\n%s", want, strings.Join(kept, "\n"))
		}
	}
	for _, l := range kept {
		if strings.Contains(l, "kube_deployment_spec_replicas") || strings.Contains(l, "kube_deployment_status_replicas_available") {
			t.Errorf("%q is mapped to a semconv metric and kept too", l)
		}
	}
	if got := semconvDump(t, "deployments"); len(got) != 2 {
		t.Fatalf("without KeepKSMFamilies: %q; want only the two semconv metrics", got)
	}
}

// semconvMetricNames are the names of the semconv table's metrics.
func semconvMetricNames() map[string]bool {
	out := map[string]bool{}
	for _, rm := range semconv {
		for _, m := range rm.metrics {
			out[m.name] = true
		}
	}
	return out
}
