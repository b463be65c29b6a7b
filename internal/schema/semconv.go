package schema

import (
	"strings"

	semconvattr "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/semconv/v1.41.0/k8sconv"

	"github.com/kubestate/kubestate/internal/engine"
)

// semconv is the schema of the OpenTelemetry semantic conventions v1.41.0: every k8s.* metric a
// KSM family carries the facts of, named, described and united by the generated k8sconv package,
// with the resource and data point attribute keys of the semconv package. The k8s.* metrics are
// UpDownCounters (non-monotonic cumulative sums) of int64; CPU amounts are double points, as they
// are fractions of a core. What semconv has no metric for is left out (kept under KSM's names
// with KeepKSMFamilies); docs/schemas.md lists both.
var semconv = table{
	"pods": {
		resource: []attr{{key(semconvattr.K8SNamespaceNameKey), "namespace"}, {key(semconvattr.K8SPodNameKey), "pod"}, {key(semconvattr.K8SPodUIDKey), "uid"}},
		enrich: []enrich{
			{from: "kube_pod_info", put: func(label func(string) string, put func(k, v string)) {
				put(key(semconvattr.K8SNodeNameKey), label("node"))
			}},
		},
		metrics: append(append(
			containerMetrics("kube_pod_container_"), containerMetrics("kube_pod_init_container_")...),
			sc("kube_pod_status_phase", k8sconv.PodStatusPhase{}, attr{key(semconvattr.K8SPodStatusPhaseKey), "phase"}),
			sc("kube_pod_status_reason", k8sconv.PodStatusReason{}, attr{key(semconvattr.K8SPodStatusReasonKey), "reason"}),
		),
	},
	"nodes": {
		resource: []attr{{key(semconvattr.K8SNodeNameKey), "node"}, {key(semconvattr.K8SNodeUIDKey), "uid"}},
		metrics: []metric{
			sc("kube_node_status_condition", k8sconv.NodeConditionStatus{},
				attr{key(semconvattr.K8SNodeConditionTypeKey), "condition"}, attr{key(semconvattr.K8SNodeConditionStatusKey), "status"}),
			cores(where(sc("kube_node_status_allocatable", k8sconv.NodeCPUAllocatable{}), "resource", "cpu")),
			where(sc("kube_node_status_allocatable", k8sconv.NodeMemoryAllocatable{}), "resource", "memory"),
			where(sc("kube_node_status_allocatable", k8sconv.NodeEphemeralStorageAllocatable{}), "resource", "ephemeral_storage"),
			where(sc("kube_node_status_allocatable", k8sconv.NodePodAllocatable{}), "resource", "pods"),
		},
	},
	"namespaces": {
		resource: []attr{{key(semconvattr.K8SNamespaceNameKey), "namespace"}}, // semconv has no k8s.namespace.uid
		metrics: []metric{
			// KSM's phases are the API's (Active); semconv's are lower case (active).
			convert(sc("kube_namespace_status_phase", k8sconv.NamespacePhase{}, attr{key(semconvattr.K8SNamespacePhaseKey), "phase"}),
				key(semconvattr.K8SNamespacePhaseKey), strings.ToLower),
		},
	},
	"deployments": {
		resource: semconvNamespaced(semconvattr.K8SDeploymentNameKey, semconvattr.K8SDeploymentUIDKey, "deployment"),
		metrics: []metric{
			sc("kube_deployment_status_replicas_available", k8sconv.DeploymentPodAvailable{}),
			sc("kube_deployment_spec_replicas", k8sconv.DeploymentPodDesired{}),
		},
	},
	"replicasets": {
		resource: semconvNamespaced(semconvattr.K8SReplicaSetNameKey, semconvattr.K8SReplicaSetUIDKey, "replicaset"),
		metrics: []metric{
			sc("kube_replicaset_spec_replicas", k8sconv.ReplicaSetPodDesired{}),
		},
	},
	"replicationcontrollers": {
		resource: semconvNamespaced(semconvattr.K8SReplicationControllerNameKey, semconvattr.K8SReplicationControllerUIDKey, "replicationcontroller"),
		metrics: []metric{
			sc("kube_replicationcontroller_status_available_replicas", k8sconv.ReplicationControllerPodAvailable{}),
			sc("kube_replicationcontroller_spec_replicas", k8sconv.ReplicationControllerPodDesired{}),
		},
	},
	"statefulsets": {
		resource: semconvNamespaced(semconvattr.K8SStatefulSetNameKey, semconvattr.K8SStatefulSetUIDKey, "statefulset"),
		metrics: []metric{
			sc("kube_statefulset_status_replicas_current", k8sconv.StatefulSetPodCurrent{}),
			sc("kube_statefulset_replicas", k8sconv.StatefulSetPodDesired{}),
			sc("kube_statefulset_status_replicas_ready", k8sconv.StatefulSetPodReady{}),
			sc("kube_statefulset_status_replicas_updated", k8sconv.StatefulSetPodUpdated{}),
		},
	},
	"daemonsets": {
		resource: semconvNamespaced(semconvattr.K8SDaemonSetNameKey, semconvattr.K8SDaemonSetUIDKey, "daemonset"),
		metrics: []metric{
			sc("kube_daemonset_status_current_number_scheduled", k8sconv.DaemonSetNodeCurrentScheduled{}),
			sc("kube_daemonset_status_desired_number_scheduled", k8sconv.DaemonSetNodeDesiredScheduled{}),
			sc("kube_daemonset_status_number_misscheduled", k8sconv.DaemonSetNodeMisscheduled{}),
			sc("kube_daemonset_status_number_ready", k8sconv.DaemonSetNodeReady{}),
		},
	},
	"jobs": {
		resource: semconvNamespaced(semconvattr.K8SJobNameKey, semconvattr.K8SJobUIDKey, "job_name"),
		metrics: []metric{
			sc("kube_job_status_active", k8sconv.JobPodActive{}),
			sc("kube_job_spec_completions", k8sconv.JobPodDesiredSuccessful{}),
			// KSM's points with a known failure reason are 0/1 flags, not counts: only the
			// point without a reason carries the count.
			where(sc("kube_job_status_failed", k8sconv.JobPodFailed{}), "reason", ""),
			sc("kube_job_spec_parallelism", k8sconv.JobPodMaxParallel{}),
			sc("kube_job_status_succeeded", k8sconv.JobPodSuccessful{}),
		},
	},
	"cronjobs": {
		resource: semconvNamespaced(semconvattr.K8SCronJobNameKey, semconvattr.K8SCronJobUIDKey, "cronjob"),
		metrics: []metric{
			sc("kube_cronjob_status_active", k8sconv.CronJobJobActive{}),
		},
	},
	"horizontalpodautoscalers": {
		resource: semconvNamespaced(semconvattr.K8SHPANameKey, semconvattr.K8SHPAUIDKey, "horizontalpodautoscaler"),
		metrics: []metric{
			sc("kube_horizontalpodautoscaler_status_current_replicas", k8sconv.HPAPodCurrent{}),
			sc("kube_horizontalpodautoscaler_status_desired_replicas", k8sconv.HPAPodDesired{}),
			sc("kube_horizontalpodautoscaler_spec_max_replicas", k8sconv.HPAPodMax{}),
			sc("kube_horizontalpodautoscaler_spec_min_replicas", k8sconv.HPAPodMin{}),
		},
	},
	"resourcequotas": {
		resource: semconvNamespaced(semconvattr.K8SResourceQuotaNameKey, semconvattr.K8SResourceQuotaUIDKey, "resourcequota"),
		metrics:  append(quotaMetrics("hard"), quotaMetrics("used")...),
	},
	"persistentvolumes": {
		resource: []attr{{key(semconvattr.K8SPersistentvolumeNameKey), "persistentvolume"}, {key(semconvattr.K8SPersistentvolumeUIDKey), "uid"}},
		metrics: []metric{
			sc("kube_persistentvolume_status_phase", k8sconv.PersistentvolumeStatusPhase{}, attr{key(semconvattr.K8SPersistentvolumeStatusPhaseKey), "phase"}),
			sc("kube_persistentvolume_capacity_bytes", k8sconv.PersistentvolumeStorageCapacity{}),
		},
	},
	"persistentvolumeclaims": {
		resource: semconvNamespaced(semconvattr.K8SPersistentvolumeclaimNameKey, semconvattr.K8SPersistentvolumeclaimUIDKey, "persistentvolumeclaim"),
		metrics: []metric{
			sc("kube_persistentvolumeclaim_status_phase", k8sconv.PersistentvolumeclaimStatusPhase{},
				attr{key(semconvattr.K8SPersistentvolumeclaimStatusPhaseKey), "phase"}),
			sc("kube_persistentvolumeclaim_resource_requests_storage_bytes", k8sconv.PersistentvolumeclaimStorageRequest{}),
		},
	},
}

// semconvSchemaURL is the semantic conventions release the schema follows.
const semconvSchemaURL = semconvattr.SchemaURL

// semconvMetric is what the generated k8sconv instruments say of themselves.
type semconvMetric interface {
	Name() string
	Unit() string
	Description() string
}

// sc is semconv metric m read from KSM family from, an int64 UpDownCounter as k8sconv's are, with
// the data point attributes attrs.
func sc(from string, m semconvMetric, attrs ...attr) metric {
	return metric{from: from, name: m.Name(), unit: m.Unit(), help: m.Description(), int: true, sum: true, attrs: attrs}
}

func key[K ~string](k K) string { return string(k) }

func where(m metric, label, value string) metric {
	if m.where == nil {
		m.where = map[string]string{}
	}
	m.where[label] = value
	return m
}

// cores makes m's points doubles: an amount of CPU is a fraction of a core.
func cores(m metric) metric {
	m.int = false
	return m
}

func convert(m metric, attrKey string, f func(string) string) metric {
	m.convert = map[string]func(string) string{attrKey: f}
	return m
}

// semconvNamespaced is the resource of a namespaced object: its namespace, name from the prefix
// key nameKey, and uid.
func semconvNamespaced[K ~string](name, uid K, nameKey string) []attr {
	return []attr{{key(semconvattr.K8SNamespaceNameKey), "namespace"}, {key(name), nameKey}, {key(uid), "uid"}}
}

var semconvContainer = []attr{{key(semconvattr.K8SContainerNameKey), "container"}}

// containerMetrics are the k8s.container.* metrics of the families prefix+"status_ready" etc.
// (a pod's containers or init containers): each container is a resource of its own.
func containerMetrics(prefix string) []metric {
	inContainer := func(m metric) metric { m.resource = semconvContainer; return m }
	state := func(from string, value k8sconv.ContainerStatusStateAttr) metric {
		m := inContainer(sc(prefix+from, k8sconv.ContainerStatusState{}))
		m.fixed = []engine.FixedAttr{{Key: key(semconvattr.K8SContainerStatusStateKey), Value: string(value)}}
		return m
	}
	reason := attr{key(semconvattr.K8SContainerStatusReasonKey), "reason"}
	limits, requests := prefix+"resource_limits", prefix+"resource_requests"
	return []metric{
		inContainer(sc(prefix+"status_ready", k8sconv.ContainerReady{})),
		inContainer(sc(prefix+"status_restarts_total", k8sconv.ContainerRestartCount{})),
		state("status_running", k8sconv.ContainerStatusStateRunning),
		state("status_waiting", k8sconv.ContainerStatusStateWaiting),
		state("status_terminated", k8sconv.ContainerStatusStateTerminated),
		inContainer(sc(prefix+"status_waiting_reason", k8sconv.ContainerStatusReason{}, reason)),
		inContainer(sc(prefix+"status_terminated_reason", k8sconv.ContainerStatusReason{}, reason)),
		// KSM's requests and limits are the spec's: semconv's "desired" amounts.
		inContainer(cores(where(sc(limits, k8sconv.ContainerCPULimitDesired{}), "resource", "cpu"))),
		inContainer(where(sc(limits, k8sconv.ContainerMemoryLimitDesired{}), "resource", "memory")),
		inContainer(where(sc(limits, k8sconv.ContainerEphemeralStorageLimit{}), "resource", "ephemeral_storage")),
		inContainer(where(sc(limits, k8sconv.ContainerStorageLimit{}), "resource", "storage")),
		inContainer(cores(where(sc(requests, k8sconv.ContainerCPURequestDesired{}), "resource", "cpu"))),
		inContainer(where(sc(requests, k8sconv.ContainerMemoryRequestDesired{}), "resource", "memory")),
		inContainer(where(sc(requests, k8sconv.ContainerEphemeralStorageRequest{}), "resource", "ephemeral_storage")),
		inContainer(where(sc(requests, k8sconv.ContainerStorageRequest{}), "resource", "storage")),
	}
}

// storageClassPrefix is how a quota names a storage class's resources:
// <class>.storageclass.storage.k8s.io/requests.storage.
const storageClassPrefix = ".storageclass.storage.k8s.io/"

// quotaObjectCounts are the quota resources that count objects besides count/<resource>
// (persistentvolumeclaims has a metric of its own).
var quotaObjectCounts = map[string]bool{
	"pods": true, "services": true, "secrets": true, "configmaps": true, "replicationcontrollers": true,
	"resourcequotas": true, "services.loadbalancers": true, "services.nodeports": true,
}

// quotaMetrics are the k8s.resourcequota.* metrics of kube_resourcequota{type=typ}: one metric
// per kind of quota resource, found by its name (a resource and its requests.* alias feed one).
func quotaMetrics(typ string) []metric {
	hard := typ == "hard"
	pick := func(hardM, usedM semconvMetric) semconvMetric {
		if hard {
			return hardM
		}
		return usedM
	}
	named := func(m semconvMetric, resource string) metric {
		return where(where(sc("kube_resourcequota", m), "type", typ), "resource", resource)
	}
	matching := func(m semconvMetric, note string, test func(string) bool, attrs ...attr) metric {
		out := where(sc("kube_resourcequota", m, attrs...), "type", typ)
		out.test, out.note = map[string]func(string) bool{"resource": test}, note
		return out
	}
	cpuLimit := pick(k8sconv.ResourceQuotaCPULimitHard{}, k8sconv.ResourceQuotaCPULimitUsed{})
	cpuRequest := pick(k8sconv.ResourceQuotaCPURequestHard{}, k8sconv.ResourceQuotaCPURequestUsed{})
	memLimit := pick(k8sconv.ResourceQuotaMemoryLimitHard{}, k8sconv.ResourceQuotaMemoryLimitUsed{})
	memRequest := pick(k8sconv.ResourceQuotaMemoryRequestHard{}, k8sconv.ResourceQuotaMemoryRequestUsed{})
	ephLimit := pick(k8sconv.ResourceQuotaEphemeralStorageLimitHard{}, k8sconv.ResourceQuotaEphemeralStorageLimitUsed{})
	ephRequest := pick(k8sconv.ResourceQuotaEphemeralStorageRequestHard{}, k8sconv.ResourceQuotaEphemeralStorageRequestUsed{})
	storage := pick(k8sconv.ResourceQuotaStorageRequestHard{}, k8sconv.ResourceQuotaStorageRequestUsed{})
	pvcs := pick(k8sconv.ResourceQuotaPersistentvolumeclaimCountHard{}, k8sconv.ResourceQuotaPersistentvolumeclaimCountUsed{})
	objects := pick(k8sconv.ResourceQuotaObjectCountHard{}, k8sconv.ResourceQuotaObjectCountUsed{})
	storageClass := attr{key(semconvattr.K8SStorageclassNameKey), "resource"}
	ofClass := func(resource string) func(string) bool {
		return func(v string) bool {
			class, r, ok := strings.Cut(v, storageClassPrefix)
			return ok && class != "" && r == resource
		}
	}
	className := func(v string) string { class, _, _ := strings.Cut(v, storageClassPrefix); return class }
	withClass := func(m metric) metric {
		m.convert = map[string]func(string) string{storageClass.key: className}
		return m
	}
	return []metric{
		cores(named(cpuLimit, "limits.cpu")),
		cores(named(cpuRequest, "requests.cpu")),
		cores(named(cpuRequest, "cpu")),
		named(memLimit, "limits.memory"),
		named(memRequest, "requests.memory"),
		named(memRequest, "memory"),
		named(ephLimit, "limits.ephemeral-storage"),
		named(ephRequest, "requests.ephemeral-storage"),
		named(ephRequest, "ephemeral-storage"),
		named(storage, "requests.storage"),
		withClass(matching(storage, `resource="{class}`+storageClassPrefix+`requests.storage"`, ofClass("requests.storage"), storageClass)),
		named(pvcs, "persistentvolumeclaims"),
		withClass(matching(pvcs, `resource="{class}`+storageClassPrefix+`persistentvolumeclaims"`, ofClass("persistentvolumeclaims"), storageClass)),
		matching(objects, `resource="count/*", "pods", "services", …`, func(v string) bool { return quotaObjectCounts[v] || strings.HasPrefix(v, "count/") },
			attr{key(semconvattr.K8SResourceQuotaResourceNameKey), "resource"}),
	}
}
