package resources

import (
	"net/netip"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Pods is KSM's pods resource. Families come in KSM's exposition order (its podMetricFamilies list).
var Pods = &Resource[*corev1.Pod]{
	Name:         "pods",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "pod", "uid"},
	PrefixValues: func(p *corev1.Pod) []string { return []string{p.Namespace, p.Name, string(p.UID)} },
	New:          func() *corev1.Pod { return &corev1.Pod{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.PodList] {
		return c.Kube.CoreV1().Pods(ns)
	}),
	Strip: podStrip,
	Families: []Family[*corev1.Pod]{
		{
			Name: "kube_pod_completion_time", Help: "Completion time in unix timestamp for a pod.", Stability: Stable,
			Points: func(p *corev1.Pod, e *Emitter) {
				var last float64
				for i := range p.Status.ContainerStatuses {
					if t := p.Status.ContainerStatuses[i].State.Terminated; t != nil {
						last = max(last, float64(t.FinishedAt.Unix()))
					}
				}
				if last > 0 {
					e.Add(last)
				}
			},
		},
		{
			Name: "kube_pod_container_info", Help: "Information about a container in a pod.", Stability: Stable,
			Labels: []string{"container", "image_spec", "image", "image_id", "container_id"},
			Points: podEachSpecStatus(podContainers, podContainerStatuses, func(c *corev1.Container, cs *corev1.ContainerStatus, e *Emitter) {
				e.Add(1, cs.Name, c.Image, cs.Image, cs.ImageID, cs.ContainerID)
			}),
		},
		{
			Name: "kube_pod_container_resource_limits", Help: "The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.", Stability: Stable,
			Labels: podResourceKeys, Points: podResources(podContainers, podLimits),
		},
		{
			Name: "kube_pod_container_resource_requests", Help: "The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.", Stability: Stable,
			Labels: podResourceKeys, Points: podResources(podContainers, podRequests),
		},
		{
			Name: "kube_pod_container_state_started", Help: "Start time in unix timestamp for a pod container.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podStateStarted),
		},
		{
			Name: "kube_pod_container_status_last_terminated_reason", Help: "Describes the last reason the container was in terminated state.", Stability: Alpha,
			Labels: podContainerReasonKeys, Points: podEachStatus(podContainerStatuses, podLastTerminatedReason),
		},
		{
			Name: "kube_pod_container_status_last_terminated_exitcode", Help: "Describes the exit code for the last container in terminated state.", Stability: Alpha,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podLastTerminatedExitCode),
		},
		{
			Name: "kube_pod_container_status_last_terminated_timestamp", Help: "Last terminated time for a pod container in unix timestamp.", Stability: Alpha,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podLastTerminatedTimestamp),
		},
		{
			Name: "kube_pod_container_status_ready", Help: "Describes whether the containers readiness check succeeded.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podStatusReady),
		},
		{
			Name: "kube_pod_container_status_restarts_total", Help: "The number of container restarts per container.", Stability: Stable, Type: engine.Counter,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podRestarts),
		},
		{
			Name: "kube_pod_container_status_running", Help: "Describes whether the container is currently in running state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podRunning),
		},
		{
			Name: "kube_pod_container_status_terminated", Help: "Describes whether the container is currently in terminated state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podTerminated),
		},
		{
			Name: "kube_pod_container_status_terminated_reason", Help: "Describes the reason the container is currently in terminated state.", Stability: Alpha,
			Labels: podContainerReasonKeys, Points: podEachStatus(podContainerStatuses, podTerminatedReason),
		},
		{
			Name: "kube_pod_container_status_waiting", Help: "Describes whether the container is currently in waiting state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podContainerStatuses, podWaiting),
		},
		{
			Name: "kube_pod_container_status_waiting_reason", Help: "Describes the reason the container is currently in waiting state.", Stability: Stable,
			Labels: podContainerReasonKeys, Points: podEachStatus(podContainerStatuses, podWaitingReason),
		},
		{
			Name: "kube_pod_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(p *corev1.Pod, e *Emitter) { e.Timestamp(&p.CreationTimestamp) },
		},
		{
			Name: "kube_pod_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(p *corev1.Pod, e *Emitter) { e.Timestamp(p.DeletionTimestamp) },
		},
		{
			Name: "kube_pod_info", Help: "Information about pod.", Stability: Stable,
			Labels: []string{"host_ip", "pod_ip", "node", "created_by_kind", "created_by_name", "priority_class", "host_network"},
			Points: func(p *corev1.Pod, e *Emitter) {
				var kind, name string
				if ref := metav1.GetControllerOfNoCopy(p); ref != nil {
					kind, name = ref.Kind, ref.Name
				}
				e.Add(1, p.Status.HostIP, p.Status.PodIP, p.Spec.NodeName, kind, name, p.Spec.PriorityClassName, strconv.FormatBool(p.Spec.HostNetwork))
			},
		},
		{
			Name: "kube_pod_ips", Help: "Pod IP addresses", Stability: Alpha,
			Labels: []string{"ip", "ip_family"},
			Points: func(p *corev1.Pod, e *Emitter) {
				for _, ip := range p.Status.PodIPs {
					addr, err := netip.ParseAddr(ip.IP)
					if err != nil {
						continue
					}
					switch addr = addr.Unmap(); {
					case addr.Is4():
						e.Add(1, ip.IP, "4")
					case addr.Is6():
						e.Add(1, ip.IP, "6")
					}
				}
			},
		},
		{
			Name: "kube_pod_init_container_info", Help: "Information about an init container in a pod.", Stability: Stable,
			Labels: []string{"container", "image_spec", "image", "image_id", "container_id", "restart_policy"},
			Points: podEachSpecStatus(podInitContainers, podInitContainerStatuses, func(c *corev1.Container, cs *corev1.ContainerStatus, e *Emitter) {
				var policy string
				if c.RestartPolicy != nil {
					policy = string(*c.RestartPolicy)
				}
				e.Add(1, cs.Name, c.Image, cs.Image, cs.ImageID, cs.ContainerID, policy)
			}),
		},
		{
			Name: "kube_pod_init_container_resource_limits", Help: "The number of requested limit resource by an init container.", Stability: Alpha,
			Labels: podResourceKeys, Points: podResources(podInitContainers, podLimits),
		},
		{
			Name: "kube_pod_init_container_resource_requests", Help: "The number of requested request resource by an init container.", Stability: Alpha,
			Labels: podResourceKeys, Points: podResources(podInitContainers, podRequests),
		},
		{
			Name: "kube_pod_init_container_state_started", Help: "Start time in unix timestamp for a pod init container.", Stability: Alpha,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podStateStarted),
		},
		{
			Name: "kube_pod_init_container_status_last_terminated_reason", Help: "Describes the last reason the init container was in terminated state.", Stability: Alpha,
			Labels: podContainerReasonKeys, Points: podEachStatus(podInitContainerStatuses, podLastTerminatedReason),
		},
		{
			Name: "kube_pod_init_container_status_last_terminated_exitcode", Help: "Describes the exit code for the last init container in terminated state.", Stability: Alpha,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podLastTerminatedExitCode),
		},
		{
			Name: "kube_pod_init_container_status_last_terminated_timestamp", Help: "Last terminated time for a pod init container in unix timestamp.", Stability: Alpha,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podLastTerminatedTimestamp),
		},
		{
			Name: "kube_pod_init_container_status_ready", Help: "Describes whether the init containers readiness check succeeded.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podStatusReady),
		},
		{
			Name: "kube_pod_init_container_status_restarts_total", Help: "The number of restarts for the init container.", Stability: Stable, Type: engine.Counter,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podRestarts),
		},
		{
			Name: "kube_pod_init_container_status_running", Help: "Describes whether the init container is currently in running state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podRunning),
		},
		{
			Name: "kube_pod_init_container_status_terminated", Help: "Describes whether the init container is currently in terminated state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podTerminated),
		},
		{
			Name: "kube_pod_init_container_status_terminated_reason", Help: "Describes the reason the init container is currently in terminated state.", Stability: Alpha,
			Labels: podContainerReasonKeys, Points: podEachStatus(podInitContainerStatuses, podTerminatedReason),
		},
		{
			Name: "kube_pod_init_container_status_waiting", Help: "Describes whether the init container is currently in waiting state.", Stability: Stable,
			Labels: podContainerKey, Points: podEachStatus(podInitContainerStatuses, podWaiting),
		},
		{
			Name: "kube_pod_init_container_status_waiting_reason", Help: "Describes the reason the init container is currently in waiting state.", Stability: Alpha,
			Labels: podContainerReasonKeys, Points: podEachStatus(podInitContainerStatuses, podWaitingReason),
		},
		{
			Name: "kube_pod_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(p *corev1.Pod, e *Emitter) { e.Annotations(p.Annotations) },
		},
		{
			Name: "kube_pod_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(p *corev1.Pod, e *Emitter) { e.Labels(p.Labels) },
		},
		{
			Name: "kube_pod_overhead_cpu_cores", Help: "The pod overhead in regards to cpu cores associated with running a pod.", Stability: Alpha,
			Points: func(p *corev1.Pod, e *Emitter) {
				if q, ok := p.Spec.Overhead[corev1.ResourceCPU]; ok {
					e.Add(Quantity(q))
				}
			},
		},
		{
			Name: "kube_pod_overhead_memory_bytes", Help: "The pod overhead in regards to memory associated with running a pod.", Stability: Alpha,
			Points: func(p *corev1.Pod, e *Emitter) {
				if q, ok := p.Spec.Overhead[corev1.ResourceMemory]; ok {
					e.Add(float64(q.Value()))
				}
			},
		},
		{
			Name: "kube_pod_owner", Help: "Information about the Pod's owner.", Stability: Stable,
			Labels: []string{"owner_kind", "owner_name", "owner_is_controller"},
			Points: func(p *corev1.Pod, e *Emitter) {
				if len(p.OwnerReferences) == 0 {
					e.Add(1, "", "", "")
				}
				for _, o := range p.OwnerReferences {
					e.Add(1, o.Kind, o.Name, strconv.FormatBool(o.Controller != nil && *o.Controller))
				}
			},
		},
		{
			Name: "kube_pod_resourceclaim_info", Help: "Information about a DRA ResourceClaim referenced by a pod, one series per pod.spec.resourceClaims entry; claim_name is the pod-local reference and resourceclaim_name is the resolved ResourceClaim object name.", Stability: Alpha,
			Labels: []string{"claim_name", "resourceclaim_name", "resourceclaim_template_name"},
			Points: func(p *corev1.Pod, e *Emitter) {
				for _, rc := range p.Spec.ResourceClaims {
					if rc.ResourceClaimName == nil && rc.ResourceClaimTemplateName == nil {
						continue // references no claim
					}
					var claim, template string
					if rc.ResourceClaimName != nil {
						claim = *rc.ResourceClaimName
					} else {
						// Template-backed: the kubelet writes the generated claim's name into status.
						for _, s := range p.Status.ResourceClaimStatuses {
							if s.Name == rc.Name && s.ResourceClaimName != nil {
								claim = *s.ResourceClaimName
							}
						}
					}
					if rc.ResourceClaimTemplateName != nil {
						template = *rc.ResourceClaimTemplateName
					}
					e.Add(1, rc.Name, claim, template)
				}
			},
		},
		{
			Name: "kube_pod_restart_policy", Help: "Describes the restart policy in use by this pod.", Stability: Stable,
			Labels: []string{"type"},
			Points: func(p *corev1.Pod, e *Emitter) { e.Add(1, string(p.Spec.RestartPolicy)) },
		},
		{
			Name: "kube_pod_runtimeclass_name_info", Help: "The runtimeclass associated with the pod.", Stability: Alpha,
			Labels: []string{"runtimeclass_name"},
			Points: func(p *corev1.Pod, e *Emitter) {
				if p.Spec.RuntimeClassName != nil {
					e.Add(1, *p.Spec.RuntimeClassName)
				}
			},
		},
		{
			Name: "kube_pod_spec_volumes_persistentvolumeclaims_info", Help: "Information about persistentvolumeclaim and ephemeral volumes in a pod.", Stability: Stable,
			Labels: podVolumeKeys,
			Points: podClaimVolumes(func(_ bool) float64 { return 1 }),
		},
		{
			Name: "kube_pod_spec_volumes_persistentvolumeclaims_readonly", Help: "Describes whether a persistentvolumeclaim is mounted read only. Ephemeral volumes always report 0 since the ephemeral volume source does not support a read-only flag.", Stability: Stable,
			Labels: podVolumeKeys,
			Points: podClaimVolumes(BoolFloat),
		},
		{
			Name: "kube_pod_start_time", Help: "Start time in unix timestamp for a pod.", Stability: Stable,
			Points: func(p *corev1.Pod, e *Emitter) {
				if p.Status.StartTime != nil {
					e.Add(float64(p.Status.StartTime.Unix()))
				}
			},
		},
		{
			Name: "kube_pod_status_phase", Help: "The pods current phase.", Stability: Stable,
			Labels: []string{"phase"},
			Points: func(p *corev1.Pod, e *Emitter) {
				if p.Status.Phase == "" {
					return
				}
				for _, ph := range podPhases {
					e.Add(BoolFloat(p.Status.Phase == ph), string(ph))
				}
			},
		},
		{
			Name: "kube_pod_status_qos_class", Help: "The pods current qosClass.", Stability: Alpha,
			Labels: []string{"qos_class"},
			Points: func(p *corev1.Pod, e *Emitter) {
				if p.Status.QOSClass == "" {
					return
				}
				for _, c := range podQOSClasses {
					e.Add(BoolFloat(p.Status.QOSClass == c), string(c))
				}
			},
		},
		{
			Name: "kube_pod_status_ready", Help: "Describes whether the pod is ready to serve requests.", Stability: Stable,
			Labels: []string{"condition"},
			Points: podEachCondition(corev1.PodReady, func(c *corev1.PodCondition, e *Emitter) { e.Conditions(c.Status) }),
		},
		{
			Name: "kube_pod_status_ready_time", Help: "Readiness achieved time in unix timestamp for a pod.", Stability: Alpha,
			Points: podEachCondition(corev1.PodReady, podConditionTime(corev1.ConditionTrue)),
		},
		{
			Name: "kube_pod_status_initialized_time", Help: "Initialized time in unix timestamp for a pod.", Stability: Alpha,
			Points: podEachCondition(corev1.PodInitialized, podConditionTime(corev1.ConditionTrue)),
		},
		{
			Name: "kube_pod_status_container_ready_time", Help: "Readiness achieved time in unix timestamp for a pod containers.", Stability: Alpha,
			Points: podEachCondition(corev1.ContainersReady, podConditionTime(corev1.ConditionTrue)),
		},
		{
			Name: "kube_pod_status_reason", Help: "The pod status reasons", Stability: Alpha,
			Labels: []string{"reason"},
			Points: func(p *corev1.Pod, e *Emitter) {
				// Only reasons the pod has are emitted (no zero points for the others).
				for _, r := range podStatusReasons {
					if podHasReason(p, r) {
						e.Add(1, r)
					}
				}
				if p.Status.Reason != "" && !slices.Contains(podStatusReasons, p.Status.Reason) {
					e.Add(1, "Other")
				}
			},
		},
		{
			Name: "kube_pod_status_disruption_reason", Help: "The pod disruption condition reason", Stability: Alpha,
			Labels: []string{"reason"},
			Points: podEachCondition(corev1.DisruptionTarget, func(c *corev1.PodCondition, e *Emitter) {
				if slices.Contains(podDisruptionReasons, c.Reason) {
					e.Add(1, c.Reason)
				} else {
					e.Add(1, "Other")
				}
			}),
		},
		{
			Name: "kube_pod_status_scheduled", Help: "Describes the status of the scheduling process for the pod.", Stability: Stable,
			Labels: []string{"condition"},
			Points: podEachCondition(corev1.PodScheduled, func(c *corev1.PodCondition, e *Emitter) { e.Conditions(c.Status) }),
		},
		{
			Name: "kube_pod_status_scheduled_time", Help: "Unix timestamp when pod moved into scheduled status", Stability: Stable,
			Points: podEachCondition(corev1.PodScheduled, podConditionTime(corev1.ConditionTrue)),
		},
		{
			Name: "kube_pod_status_unschedulable", Help: "Describes the unschedulable status for the pod.", Stability: Stable,
			Points: podEachCondition(corev1.PodScheduled, func(c *corev1.PodCondition, e *Emitter) {
				if c.Status == corev1.ConditionFalse {
					e.Add(1)
				}
			}),
		},
		{
			Name: "kube_pod_status_unscheduled_time", Help: "Unix timestamp when pod moved into unscheduled status", Stability: Alpha,
			Points: podEachCondition(corev1.PodScheduled, podConditionTime(corev1.ConditionFalse)),
		},
		{
			Name: "kube_pod_tolerations", Help: "Information about the pod tolerations", Stability: Alpha,
			Labels: []string{"key", "operator", "value", "effect", "toleration_seconds"},
			Points: func(p *corev1.Pod, e *Emitter) {
				seen := make(map[[5]string]struct{}, len(p.Spec.Tolerations))
				for _, t := range p.Spec.Tolerations {
					var seconds string
					if t.TolerationSeconds != nil {
						seconds = strconv.FormatInt(*t.TolerationSeconds, 10)
					}
					k := [5]string{t.Key, string(t.Operator), t.Value, string(t.Effect), seconds}
					if _, dup := seen[k]; dup {
						continue
					}
					seen[k] = struct{}{}
					e.Add(1, k[:]...)
				}
			},
		},
		{
			Name: "kube_pod_nodeselectors", Help: "Describes the Pod nodeSelectors.", Stability: Alpha, OptIn: true,
			// One point even without node selectors, as KSM.
			Points: func(p *corev1.Pod, e *Emitter) { e.KubeLabels("nodeselector", p.Spec.NodeSelector, podAllKeys) },
		},
		{
			Name: "kube_pod_service_account", Help: "The service account for a pod.", Stability: Alpha,
			Labels: []string{"service_account"},
			Points: func(p *corev1.Pod, e *Emitter) { e.Add(1, p.Spec.ServiceAccountName) },
		},
		{
			Name: "kube_pod_scheduler", Help: "The scheduler for a pod.", Stability: Alpha,
			Labels: []string{"name"},
			Points: func(p *corev1.Pod, e *Emitter) { e.Add(1, p.Spec.SchedulerName) },
		},
	},
}

var (
	podContainerKey        = []string{"container"}
	podContainerReasonKeys = []string{"container", "reason"}
	podResourceKeys        = []string{"container", "node", "resource", "unit"}
	podVolumeKeys          = []string{"volume", "persistentvolumeclaim", "ephemeral"}

	// KSM's order of the phase and QoS points.
	podPhases     = []corev1.PodPhase{corev1.PodPending, corev1.PodSucceeded, corev1.PodFailed, corev1.PodUnknown, corev1.PodRunning}
	podQOSClasses = []corev1.PodQOSClass{corev1.PodQOSBestEffort, corev1.PodQOSBurstable, corev1.PodQOSGuaranteed}
	// The reasons kube_pod_status_reason knows; any other status.reason is reported as "Other".
	podStatusReasons = []string{"Evicted", "NodeAffinity", "NodeLost", "PreemptionByScheduler", "SchedulingGated", "Shutdown", "TerminationByKubelet", "UnexpectedAdmissionError"}
	// The DisruptionTarget condition reasons kube_pod_status_disruption_reason knows; others are "Other".
	podDisruptionReasons = []string{corev1.PodReasonPreemptionByScheduler, "DeletionByTaintManager", "EvictionByEvictionAPI", "DeletionByPodGC", corev1.PodReasonTerminationByKubelet}

	podAllKeys = func() *Allowlist {
		a, err := ParseAllowlist([]string{"*"})
		if err != nil {
			panic(err)
		}
		return a
	}()
)

// Container lists and their status lists: the regular and init variants of the per-container families
// share everything else.
func podContainers(p *corev1.Pod) []corev1.Container     { return p.Spec.Containers }
func podInitContainers(p *corev1.Pod) []corev1.Container { return p.Spec.InitContainers }
func podContainerStatuses(p *corev1.Pod) []corev1.ContainerStatus {
	return p.Status.ContainerStatuses
}
func podInitContainerStatuses(p *corev1.Pod) []corev1.ContainerStatus {
	return p.Status.InitContainerStatuses
}

// podEachStatus runs f over every container status of the chosen list.
func podEachStatus(list func(*corev1.Pod) []corev1.ContainerStatus, f func(*corev1.ContainerStatus, *Emitter)) func(*corev1.Pod, *Emitter) {
	return func(p *corev1.Pod, e *Emitter) {
		statuses := list(p)
		for i := range statuses {
			f(&statuses[i], e)
		}
	}
}

// podEachSpecStatus runs f over every (spec, status) pair with the same container name, in spec order.
func podEachSpecStatus(specs func(*corev1.Pod) []corev1.Container, list func(*corev1.Pod) []corev1.ContainerStatus, f func(*corev1.Container, *corev1.ContainerStatus, *Emitter)) func(*corev1.Pod, *Emitter) {
	return func(p *corev1.Pod, e *Emitter) {
		cs, statuses := specs(p), list(p)
		for i := range cs {
			for j := range statuses {
				if statuses[j].Name == cs[i].Name {
					f(&cs[i], &statuses[j], e)
				}
			}
		}
	}
}

// Per-container-status points, shared by the container and init container families.

func podStateStarted(cs *corev1.ContainerStatus, e *Emitter) {
	if r := cs.State.Running; r != nil {
		e.Add(float64(r.StartedAt.Unix()), cs.Name)
	} else if t := cs.State.Terminated; t != nil {
		e.Add(float64(t.StartedAt.Unix()), cs.Name)
	}
}

func podLastTerminatedReason(cs *corev1.ContainerStatus, e *Emitter) {
	if t := cs.LastTerminationState.Terminated; t != nil {
		e.Add(1, cs.Name, t.Reason)
	}
}

func podLastTerminatedExitCode(cs *corev1.ContainerStatus, e *Emitter) {
	if t := cs.LastTerminationState.Terminated; t != nil {
		e.Add(float64(t.ExitCode), cs.Name)
	}
}

func podLastTerminatedTimestamp(cs *corev1.ContainerStatus, e *Emitter) {
	if t := cs.LastTerminationState.Terminated; t != nil {
		e.Add(float64(t.FinishedAt.Unix()), cs.Name)
	}
}

func podStatusReady(cs *corev1.ContainerStatus, e *Emitter) { e.Add(BoolFloat(cs.Ready), cs.Name) }
func podRestarts(cs *corev1.ContainerStatus, e *Emitter)    { e.Add(float64(cs.RestartCount), cs.Name) }
func podRunning(cs *corev1.ContainerStatus, e *Emitter) {
	e.Add(BoolFloat(cs.State.Running != nil), cs.Name)
}
func podTerminated(cs *corev1.ContainerStatus, e *Emitter) {
	e.Add(BoolFloat(cs.State.Terminated != nil), cs.Name)
}
func podWaiting(cs *corev1.ContainerStatus, e *Emitter) {
	e.Add(BoolFloat(cs.State.Waiting != nil), cs.Name)
}

// The *_reason families emit only the actual reason (value 1), whatever it is, and nothing when the
// container is not in that state.
func podTerminatedReason(cs *corev1.ContainerStatus, e *Emitter) {
	if t := cs.State.Terminated; t != nil {
		e.Add(1, cs.Name, t.Reason)
	}
}

func podWaitingReason(cs *corev1.ContainerStatus, e *Emitter) {
	if w := cs.State.Waiting; w != nil {
		e.Add(1, cs.Name, w.Reason)
	}
}

func podLimits(c *corev1.Container) corev1.ResourceList   { return c.Resources.Limits }
func podRequests(c *corev1.Container) corev1.ResourceList { return c.Resources.Requests }

// podResources emits KSM's container resource points, in the units of resourceUnits (pods not
// counted): cores with milli precision, bytes and integers as whole values.
func podResources(specs func(*corev1.Pod) []corev1.Container, list func(*corev1.Container) corev1.ResourceList) func(*corev1.Pod, *Emitter) {
	return func(p *corev1.Pod, e *Emitter) {
		cs := specs(p)
		for i := range cs {
			for name, q := range list(&cs[i]) {
				resource := resourceLabel(name)
				resourceUnits(name, false, func(unit string) {
					v := float64(q.Value())
					if unit == unitCore {
						v = Quantity(q)
					}
					e.Add(v, cs[i].Name, p.Spec.NodeName, resource, unit)
				})
			}
		}
	}
}

// podClaimVolumes emits a point per PVC or ephemeral volume; value(readOnly) gives the value of a PVC
// volume, ephemeral volumes are 1 for info and always 0 for readonly (value(false)).
func podClaimVolumes(value func(readOnly bool) float64) func(*corev1.Pod, *Emitter) {
	return func(p *corev1.Pod, e *Emitter) {
		for _, v := range p.Spec.Volumes {
			if c := v.PersistentVolumeClaim; c != nil {
				e.Add(value(c.ReadOnly), v.Name, c.ClaimName, "false")
			} else if v.Ephemeral != nil {
				// The generated claim's name, as k8s.io/component-helpers/storage/ephemeral.VolumeClaimName.
				e.Add(value(false), v.Name, p.Name+"-"+v.Name, "true")
			}
		}
	}
}

// podEachCondition runs f over every status condition of the given type.
func podEachCondition(t corev1.PodConditionType, f func(*corev1.PodCondition, *Emitter)) func(*corev1.Pod, *Emitter) {
	return func(p *corev1.Pod, e *Emitter) {
		for i := range p.Status.Conditions {
			if p.Status.Conditions[i].Type == t {
				f(&p.Status.Conditions[i], e)
			}
		}
	}
}

// podConditionTime emits the condition's last transition time when it has the given status.
func podConditionTime(status corev1.ConditionStatus) func(*corev1.PodCondition, *Emitter) {
	return func(c *corev1.PodCondition, e *Emitter) {
		if c.Status == status {
			e.Add(float64(c.LastTransitionTime.Unix()))
		}
	}
}

// podHasReason reports whether the pod's status, any condition, or any container's current
// termination carries the reason.
func podHasReason(p *corev1.Pod, reason string) bool {
	if p.Status.Reason == reason {
		return true
	}
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Reason == reason {
			return true
		}
	}
	for i := range p.Status.ContainerStatuses {
		if t := p.Status.ContainerStatuses[i].State.Terminated; t != nil && t.Reason == reason {
			return true
		}
	}
	return false
}

// podStrip keeps only what the families read. Pods are the bulk of the cache, so containers,
// volumes, conditions and container statuses are rebuilt with just the fields in use.
func podStrip(p *corev1.Pod) {
	p.GenerateName = ""
	p.Finalizers = nil
	p.DeletionGracePeriodSeconds = nil

	s := p.Spec
	p.Spec = corev1.PodSpec{
		Containers:         podStripContainers(s.Containers),
		InitContainers:     podStripContainers(s.InitContainers),
		Volumes:            podStripVolumes(s.Volumes),
		RestartPolicy:      s.RestartPolicy,
		NodeSelector:       s.NodeSelector,
		ServiceAccountName: s.ServiceAccountName,
		NodeName:           s.NodeName,
		HostNetwork:        s.HostNetwork,
		SchedulerName:      s.SchedulerName,
		Tolerations:        s.Tolerations,
		PriorityClassName:  s.PriorityClassName,
		RuntimeClassName:   s.RuntimeClassName,
		Overhead:           s.Overhead,
		ResourceClaims:     podStripClaims(s.ResourceClaims),
	}

	st := p.Status
	for i, c := range st.Conditions {
		st.Conditions[i] = corev1.PodCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, LastTransitionTime: c.LastTransitionTime}
	}
	p.Status = corev1.PodStatus{
		Phase:                 st.Phase,
		Conditions:            st.Conditions,
		Reason:                st.Reason,
		HostIP:                st.HostIP,
		PodIP:                 st.PodIP,
		PodIPs:                st.PodIPs,
		StartTime:             st.StartTime,
		QOSClass:              st.QOSClass,
		ContainerStatuses:     podStripStatuses(st.ContainerStatuses),
		InitContainerStatuses: podStripStatuses(st.InitContainerStatuses),
		ResourceClaimStatuses: st.ResourceClaimStatuses,
	}
}

func podStripContainers(cs []corev1.Container) []corev1.Container {
	for i, c := range cs {
		cs[i] = corev1.Container{
			Name:          c.Name,
			Image:         c.Image,
			Resources:     corev1.ResourceRequirements{Limits: c.Resources.Limits, Requests: c.Resources.Requests},
			RestartPolicy: c.RestartPolicy,
		}
	}
	return cs
}

// podStripVolumes keeps only PVC and ephemeral volumes, with the fields the families read.
func podStripVolumes(vs []corev1.Volume) []corev1.Volume {
	out := vs[:0]
	for _, v := range vs {
		switch {
		case v.PersistentVolumeClaim != nil:
			out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: v.PersistentVolumeClaim}})
		case v.Ephemeral != nil:
			out = append(out, corev1.Volume{Name: v.Name, VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}})
		}
	}
	clear(vs[len(out):])
	if len(out) == 0 {
		return nil
	}
	return out
}

func podStripClaims(rcs []corev1.PodResourceClaim) []corev1.PodResourceClaim {
	for i, rc := range rcs {
		rcs[i] = corev1.PodResourceClaim{Name: rc.Name, ResourceClaimName: rc.ResourceClaimName, ResourceClaimTemplateName: rc.ResourceClaimTemplateName}
	}
	return rcs
}

func podStripStatuses(css []corev1.ContainerStatus) []corev1.ContainerStatus {
	for i, cs := range css {
		css[i] = corev1.ContainerStatus{
			Name:                 cs.Name,
			State:                podStripState(cs.State),
			LastTerminationState: corev1.ContainerState{Terminated: podStripTerminated(cs.LastTerminationState.Terminated)},
			Ready:                cs.Ready,
			RestartCount:         cs.RestartCount,
			Image:                cs.Image,
			ImageID:              cs.ImageID,
			ContainerID:          cs.ContainerID,
		}
	}
	return css
}

func podStripState(s corev1.ContainerState) corev1.ContainerState {
	if s.Waiting != nil {
		s.Waiting = &corev1.ContainerStateWaiting{Reason: s.Waiting.Reason}
	}
	s.Terminated = podStripTerminated(s.Terminated)
	return s
}

func podStripTerminated(t *corev1.ContainerStateTerminated) *corev1.ContainerStateTerminated {
	if t == nil {
		return nil
	}
	return &corev1.ContainerStateTerminated{ExitCode: t.ExitCode, Reason: t.Reason, StartedAt: t.StartedAt, FinishedAt: t.FinishedAt}
}
