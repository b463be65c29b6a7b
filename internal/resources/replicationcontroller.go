package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ReplicationControllers is KSM's replicationcontrollers resource.
var ReplicationControllers = &Resource[*corev1.ReplicationController]{
	Name:         "replicationcontrollers",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "replicationcontroller"},
	PrefixValues: func(r *corev1.ReplicationController) []string { return []string{r.Namespace, r.Name} },
	New:          func() *corev1.ReplicationController { return &corev1.ReplicationController{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.ReplicationControllerList] {
		return c.Kube.CoreV1().ReplicationControllers(ns)
	}),
	Strip: func(r *corev1.ReplicationController) {
		r.Spec = corev1.ReplicationControllerSpec{Replicas: r.Spec.Replicas}
		r.Status.Conditions = nil
	},
	Families: []Family[*corev1.ReplicationController]{
		{
			Name: "kube_replicationcontroller_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_replicationcontroller_status_replicas", Help: "The number of replicas per ReplicationController.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Status.Replicas)) },
		},
		{
			Name: "kube_replicationcontroller_status_fully_labeled_replicas", Help: "The number of fully labeled replicas per ReplicationController.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Status.FullyLabeledReplicas)) },
		},
		{
			Name: "kube_replicationcontroller_status_ready_replicas", Help: "The number of ready replicas per ReplicationController.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Status.ReadyReplicas)) },
		},
		{
			Name: "kube_replicationcontroller_status_available_replicas", Help: "The number of available replicas per ReplicationController.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Status.AvailableReplicas)) },
		},
		{
			Name: "kube_replicationcontroller_status_observed_generation", Help: "The generation observed by the ReplicationController controller.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_replicationcontroller_spec_replicas", Help: "Number of desired pods for a ReplicationController.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) {
				if r.Spec.Replicas != nil {
					e.Add(float64(*r.Spec.Replicas))
				}
			},
		},
		{
			Name: "kube_replicationcontroller_metadata_generation", Help: "Sequence number representing a specific generation of the desired state.", Stability: Stable,
			Points: func(r *corev1.ReplicationController, e *Emitter) { e.Add(float64(r.Generation)) },
		},
		{
			Name: "kube_replicationcontroller_owner", Help: "Information about the ReplicationController's owner.", Stability: Alpha,
			Labels: []string{"owner_kind", "owner_name", "owner_is_controller"},
			Points: func(r *corev1.ReplicationController, e *Emitter) { ownerPoints(e, r.OwnerReferences) },
		},
	},
}
