package schema

import (
	"math"
	"regexp"
	"strings"
)

// k8sCluster is the schema of the contrib k8s_cluster receiver v0.149.0 (its metadata.yaml): the
// metrics it emits by default, as far as KSM's families carry the same facts, with its names,
// units, integer or double points, descriptions and resource attributes enabled by default. What
// it emits that KSM has no family for is listed in docs/schemas.md.
var k8sCluster = table{
	"pods": {
		resource: []attr{{"k8s.namespace.name", "namespace"}, {"k8s.pod.name", "pod"}, {"k8s.pod.uid", "uid"}},
		enrich: []enrich{
			{from: "kube_pod_info", put: func(label func(string) string, put func(k, v string)) {
				put("k8s.node.name", label("node"))
			}},
			{from: "kube_pod_container_info", match: "container", put: func(label func(string) string, put func(k, v string)) {
				put("container.id", stripContainerID(label("container_id")))
				if repo, tag, ok := parseImage(label("image")); ok {
					put("container.image.name", repo)
					put("container.image.tag", tag)
				}
			}},
		},
		metrics: []metric{
			containerResource("kube_pod_container_resource_limits", "k8s.container.cpu_limit", "cpu", "{cpu}", false, limitHelp),
			containerResource("kube_pod_container_resource_limits", "k8s.container.memory_limit", "memory", "By", true, limitHelp),
			containerResource("kube_pod_container_resource_limits", "k8s.container.storage_limit", "storage", "By", true, limitHelp),
			containerResource("kube_pod_container_resource_limits", "k8s.container.ephemeralstorage_limit", "ephemeral_storage", "By", true, limitHelp),
			containerResource("kube_pod_container_resource_requests", "k8s.container.cpu_request", "cpu", "{cpu}", false, requestHelp),
			containerResource("kube_pod_container_resource_requests", "k8s.container.memory_request", "memory", "By", true, requestHelp),
			containerResource("kube_pod_container_resource_requests", "k8s.container.storage_request", "storage", "By", true, requestHelp),
			containerResource("kube_pod_container_resource_requests", "k8s.container.ephemeralstorage_request", "ephemeral_storage", "By", true, requestHelp),
			{from: "kube_pod_container_status_ready", name: "k8s.container.ready", int: true, resource: containerLabel,
				help: "Whether a container has passed its readiness probe (0 for no, 1 for yes)"},
			{from: "kube_pod_container_status_restarts_total", name: "k8s.container.restarts", unit: "{restart}", int: true, resource: containerLabel,
				help: "How many times the container has restarted in the recent past. This value is pulled directly from the K8s API and the value can go indefinitely high and be reset to 0 at any time depending on how your kubelet is configured to prune dead containers. It is best to not depend too much on the exact value but rather look at it as either == 0, in which case you can conclude there were no restarts in the recent past, or > 0, in which case you can conclude there were restarts in the recent past, and not try and analyze the value beyond that."},
			{from: "kube_pod_status_phase", name: "k8s.pod.phase", int: true, state: "phase", stateDefault: 5,
				states: map[string]float64{"Pending": 1, "Running": 2, "Succeeded": 3, "Failed": 4, "Unknown": 5},
				help:   "Current phase of the pod (1 - Pending, 2 - Running, 3 - Succeeded, 4 - Failed, 5 - Unknown)"},
		},
	},
	"nodes": {
		resource: []attr{{"k8s.node.name", "node"}, {"k8s.node.uid", "uid"}},
		metrics: []metric{
			{from: "kube_node_status_condition", name: "k8s.node.condition_ready", int: true,
				where: map[string]string{"condition": "Ready"}, state: "status", stateDefault: -1,
				states: map[string]float64{"true": 1, "false": 0, "unknown": -1},
				help:   "Ready condition status of the node (true=1, false=0, unknown=-1)"},
		},
	},
	"namespaces": {
		resource: []attr{{"k8s.namespace.name", "namespace"}, {"k8s.namespace.uid", "uid"}},
		metrics: []metric{
			{from: "kube_namespace_status_phase", name: "k8s.namespace.phase", int: true, state: "phase",
				states: map[string]float64{"Active": 1, "Terminating": 0},
				help:   "The current phase of namespaces (1 for active and 0 for terminating)"},
		},
	},
	"deployments": {
		resource: namespaced("deployment", "deployment"),
		metrics: []metric{
			count("kube_deployment_status_replicas_available", "k8s.deployment.available", "{pod}", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment"),
			count("kube_deployment_spec_replicas", "k8s.deployment.desired", "{pod}", "Number of desired pods in this deployment"),
		},
	},
	"replicasets": {
		resource: namespaced("replicaset", "replicaset"),
		metrics: []metric{
			count("kube_replicaset_spec_replicas", "k8s.replicaset.desired", "{pod}", "Number of desired pods in this replicaset"),
		},
	},
	"statefulsets": {
		resource: namespaced("statefulset", "statefulset"),
		metrics: []metric{
			count("kube_statefulset_status_replicas_current", "k8s.statefulset.current_pods", "{pod}", "The number of pods created by the StatefulSet controller from the StatefulSet version"),
			count("kube_statefulset_replicas", "k8s.statefulset.desired_pods", "{pod}", "Number of desired pods in the stateful set (the `spec.replicas` field)"),
			count("kube_statefulset_status_replicas_ready", "k8s.statefulset.ready_pods", "{pod}", "Number of pods created by the stateful set that have the `Ready` condition"),
			count("kube_statefulset_status_replicas_updated", "k8s.statefulset.updated_pods", "{pod}", "Number of pods created by the StatefulSet controller from the StatefulSet version"),
		},
	},
	"daemonsets": {
		resource: namespaced("daemonset", "daemonset"),
		metrics: []metric{
			count("kube_daemonset_status_current_number_scheduled", "k8s.daemonset.current_scheduled_nodes", "{node}", "Number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod"),
			count("kube_daemonset_status_desired_number_scheduled", "k8s.daemonset.desired_scheduled_nodes", "{node}", "Number of nodes that should be running the daemon pod (including nodes currently running the daemon pod)"),
			count("kube_daemonset_status_number_misscheduled", "k8s.daemonset.misscheduled_nodes", "{node}", "Number of nodes that are running the daemon pod, but are not supposed to run the daemon pod"),
			count("kube_daemonset_status_number_ready", "k8s.daemonset.ready_nodes", "{node}", "Number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready"),
		},
	},
	"jobs": {
		resource: namespaced("job", "job_name"),
		metrics: []metric{
			count("kube_job_status_active", "k8s.job.active_pods", "{pod}", "The number of actively running pods for a job"),
			count("kube_job_spec_completions", "k8s.job.desired_successful_pods", "{pod}", "The desired number of successfully finished pods the job should be run with"),
			// KSM's points with a known failure reason are 0/1 flags, not counts: only the
			// point without a reason carries the count.
			withWhere(count("kube_job_status_failed", "k8s.job.failed_pods", "{pod}", "The number of pods which reached phase Failed for a job"), "reason", ""),
			count("kube_job_spec_parallelism", "k8s.job.max_parallel_pods", "{pod}", "The max desired number of pods the job should run at any given time"),
			count("kube_job_status_succeeded", "k8s.job.successful_pods", "{pod}", "The number of pods which reached phase Succeeded for a job"),
		},
	},
	"cronjobs": {
		resource: namespaced("cronjob", "cronjob"),
		metrics: []metric{
			count("kube_cronjob_status_active", "k8s.cronjob.active_jobs", "{job}", "The number of actively running jobs for a cronjob"),
		},
	},
	"horizontalpodautoscalers": {
		resource: namespaced("hpa", "horizontalpodautoscaler"),
		metrics: []metric{
			count("kube_horizontalpodautoscaler_status_current_replicas", "k8s.hpa.current_replicas", "{pod}", "Current number of pod replicas managed by this autoscaler."),
			count("kube_horizontalpodautoscaler_status_desired_replicas", "k8s.hpa.desired_replicas", "{pod}", "Desired number of pod replicas managed by this autoscaler."),
			count("kube_horizontalpodautoscaler_spec_max_replicas", "k8s.hpa.max_replicas", "{pod}", "Maximum number of replicas to which the autoscaler can scale up."),
			count("kube_horizontalpodautoscaler_spec_min_replicas", "k8s.hpa.min_replicas", "{pod}", "Minimum number of replicas to which the autoscaler can scale up."),
		},
	},
	"resourcequotas": {
		resource: namespaced("resourcequota", "resourcequota"),
		metrics: []metric{
			quota("hard", "k8s.resource_quota.hard_limit", "The upper limit for a particular resource in a specific namespace. Will only be sent if a quota is specified. CPU requests/limits will be sent as millicores"),
			quota("used", "k8s.resource_quota.used", "The usage for a particular resource in a specific namespace. Will only be sent if a quota is specified. CPU requests/limits will be sent as millicores"),
		},
	},
}

// k8sClusterSchemaURL is the receiver's semantic conventions version (sem_conv_version 1.18.0).
const k8sClusterSchemaURL = "https://opentelemetry.io/schemas/1.18.0"

const (
	limitHelp   = "Maximum resource limit set for the container. See https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.23/#resourcerequirements-v1-core for details"
	requestHelp = "Resource requested for the container. See https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.23/#resourcerequirements-v1-core for details"
)

var containerLabel = []attr{{"k8s.container.name", "container"}}

// namespaced is the resource of a namespaced workload: k8s.namespace.name, k8s.<kind>.name from
// the prefix key nameKey, and k8s.<kind>.uid.
func namespaced(kind, nameKey string) []attr {
	return []attr{{"k8s.namespace.name", "namespace"}, {"k8s." + kind + ".name", nameKey}, {"k8s." + kind + ".uid", "uid"}}
}

// count is an integer gauge read as is from a KSM family without labels.
func count(from, name, unit, help string) metric {
	return metric{from: from, name: name, unit: unit, help: help, int: true}
}

func withWhere(m metric, label, value string) metric {
	m.where = map[string]string{label: value}
	return m
}

// containerResource is a container's request or limit of one resource, a resource of its own.
func containerResource(from, name, resource, unit string, isInt bool, help string) metric {
	return metric{from: from, name: name, unit: unit, help: help, int: isInt, resource: containerLabel, where: map[string]string{"resource": resource}}
}

// quota is a resource quota's hard or used amount per resource; resources named *.cpu are sent
// in millicores, as the receiver does.
func quota(typ, name, help string) metric {
	return metric{from: "kube_resourcequota", name: name, unit: "{resource}", help: help, int: true,
		where: map[string]string{"type": typ}, attrs: []attr{{"resource", "resource"}},
		value: func(v float64, label func(string) string) float64 {
			if strings.HasSuffix(label("resource"), ".cpu") {
				return math.Round(v * 1000)
			}
			return v
		}}
}

var containerRuntimePrefix = regexp.MustCompile(`^[\w_-]+://`)

// stripContainerID drops the runtime prefix of a container id ("containerd://abc" is "abc").
func stripContainerID(id string) string { return containerRuntimePrefix.ReplaceAllString(id, "") }

// parseImage splits an image reference as the receiver does (repository as written, tag
// "latest" when none is given, digest dropped); ok is false for an empty or malformed reference.
func parseImage(image string) (repo, tag string, ok bool) {
	if image == "" || strings.ContainsAny(image, " \t") {
		return "", "", false
	}
	if at := strings.IndexByte(image, '@'); at >= 0 {
		image = image[:at]
	}
	repo, tag = image, "latest"
	if colon := strings.LastIndexByte(image, ':'); colon > strings.LastIndexByte(image, '/') {
		repo, tag = image[:colon], image[colon+1:]
	}
	if repo == "" || tag == "" || repo != strings.ToLower(repo) {
		return "", "", false
	}
	return repo, tag, true
}
