package resources

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ReplicaSets is KSM's replicasets resource.
var ReplicaSets = &Resource[*appsv1.ReplicaSet]{
	Name:         "replicasets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "replicaset"},
	PrefixValues: func(r *appsv1.ReplicaSet) []string { return []string{r.Namespace, r.Name} },
	New:          func() *appsv1.ReplicaSet { return &appsv1.ReplicaSet{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*appsv1.ReplicaSetList] {
		return c.Kube.AppsV1().ReplicaSets(ns)
	}),
	Strip: func(r *appsv1.ReplicaSet) {
		r.Spec = appsv1.ReplicaSetSpec{Replicas: r.Spec.Replicas}
		r.Status.AvailableReplicas = 0
		r.Status.Conditions = nil
	},
	Families: []Family[*appsv1.ReplicaSet]{
		{
			Name: "kube_replicaset_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_replicaset_status_replicas", Help: "The number of replicas per ReplicaSet.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Add(float64(r.Status.Replicas)) },
		},
		{
			Name: "kube_replicaset_status_fully_labeled_replicas", Help: "The number of fully labeled replicas per ReplicaSet.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Add(float64(r.Status.FullyLabeledReplicas)) },
		},
		{
			Name: "kube_replicaset_status_ready_replicas", Help: "The number of ready replicas per ReplicaSet.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Add(float64(r.Status.ReadyReplicas)) },
		},
		{
			Name: "kube_replicaset_status_terminating_replicas", Help: "The number of terminating replicas per ReplicaSet.", Stability: Alpha,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) {
				if r.Status.TerminatingReplicas != nil {
					e.Add(float64(*r.Status.TerminatingReplicas))
				}
			},
		},
		{
			Name: "kube_replicaset_status_observed_generation", Help: "The generation observed by the ReplicaSet controller.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Add(float64(r.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_replicaset_spec_replicas", Help: "Number of desired pods for a ReplicaSet.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) {
				if r.Spec.Replicas != nil {
					e.Add(float64(*r.Spec.Replicas))
				}
			},
		},
		{
			Name: "kube_replicaset_metadata_generation", Help: "Sequence number representing a specific generation of the desired state.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Add(float64(r.Generation)) },
		},
		{
			Name: "kube_replicaset_owner", Help: "Information about the ReplicaSet's owner.", Stability: Stable,
			Labels: []string{"owner_kind", "owner_name", "owner_is_controller"},
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { ownerPoints(e, r.OwnerReferences) },
		},
		{
			Name: "kube_replicaset_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Annotations(r.Annotations) },
		},
		{
			Name: "kube_replicaset_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(r *appsv1.ReplicaSet, e *Emitter) { e.Labels(r.Labels) },
		},
	},
}
