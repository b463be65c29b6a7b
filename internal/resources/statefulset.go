package resources

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// StatefulSets is KSM's statefulsets resource.
var StatefulSets = &Resource[*appsv1.StatefulSet]{
	Name:         "statefulsets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "statefulset"},
	PrefixValues: func(s *appsv1.StatefulSet) []string { return []string{s.Namespace, s.Name} },
	New:          func() *appsv1.StatefulSet { return &appsv1.StatefulSet{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*appsv1.StatefulSetList] {
		return c.Kube.AppsV1().StatefulSets(ns)
	}),
	Strip: func(s *appsv1.StatefulSet) {
		s.OwnerReferences, s.Finalizers = nil, nil
		s.Spec = appsv1.StatefulSetSpec{
			Replicas:                             s.Spec.Replicas,
			Ordinals:                             s.Spec.Ordinals,
			PersistentVolumeClaimRetentionPolicy: s.Spec.PersistentVolumeClaimRetentionPolicy,
		}
		s.Status.CollisionCount, s.Status.Conditions = nil, nil
	},
	Families: []Family[*appsv1.StatefulSet]{
		{
			Name: "kube_statefulset_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Timestamp(&s.CreationTimestamp) },
		},
		{
			Name: "kube_statefulset_status_replicas", Help: "The number of replicas per StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.Replicas)) },
		},
		{
			Name: "kube_statefulset_status_replicas_available", Help: "The number of available replicas per StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.AvailableReplicas)) },
		},
		{
			Name: "kube_statefulset_status_replicas_current", Help: "The number of current replicas per StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.CurrentReplicas)) },
		},
		{
			Name: "kube_statefulset_status_replicas_ready", Help: "The number of ready replicas per StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.ReadyReplicas)) },
		},
		{
			Name: "kube_statefulset_status_replicas_updated", Help: "The number of updated replicas per StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.UpdatedReplicas)) },
		},
		{
			Name: "kube_statefulset_status_observed_generation", Help: "The generation observed by the StatefulSet controller.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_statefulset_replicas", Help: "Number of desired pods for a StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) {
				if s.Spec.Replicas != nil {
					e.Add(float64(*s.Spec.Replicas))
				}
			},
		},
		{
			Name: "kube_statefulset_ordinals_start", Help: "Start ordinal of the StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) {
				if s.Spec.Ordinals != nil {
					e.Add(float64(s.Spec.Ordinals.Start))
				}
			},
		},
		{
			Name: "kube_statefulset_metadata_generation", Help: "Sequence number representing a specific generation of the desired state for the StatefulSet.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(float64(s.Generation)) },
		},
		{
			Name: "kube_statefulset_persistentvolumeclaim_retention_policy", Help: "Count of retention policy for StatefulSet template PVCs", Stability: Stable,
			Labels: []string{"when_deleted", "when_scaled"},
			Points: func(s *appsv1.StatefulSet, e *Emitter) {
				// Emitted when either policy is set; an unset one is an empty label value.
				if p := s.Spec.PersistentVolumeClaimRetentionPolicy; p != nil && (p.WhenDeleted != "" || p.WhenScaled != "") {
					e.Add(1, string(p.WhenDeleted), string(p.WhenScaled))
				}
			},
		},
		{
			Name: "kube_statefulset_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_statefulset_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Labels(s.Labels) },
		},
		{
			Name: "kube_statefulset_status_current_revision", Help: "Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).", Stability: Stable,
			Labels: []string{"revision"},
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(1, s.Status.CurrentRevision) },
		},
		{
			Name: "kube_statefulset_status_update_revision", Help: "Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)", Stability: Stable,
			Labels: []string{"revision"},
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Add(1, s.Status.UpdateRevision) },
		},
		{
			Name: "kube_statefulset_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Stable,
			Points: func(s *appsv1.StatefulSet, e *Emitter) { e.Timestamp(s.DeletionTimestamp) },
		},
	},
}
