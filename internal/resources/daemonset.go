package resources

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// DaemonSets is KSM's daemonsets resource.
var DaemonSets = &Resource[*appsv1.DaemonSet]{
	Name:         "daemonsets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "daemonset"},
	PrefixValues: func(d *appsv1.DaemonSet) []string { return []string{d.Namespace, d.Name} },
	New:          func() *appsv1.DaemonSet { return &appsv1.DaemonSet{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*appsv1.DaemonSetList] {
		return c.Kube.AppsV1().DaemonSets(ns)
	}),
	Strip: func(d *appsv1.DaemonSet) {
		d.OwnerReferences, d.Finalizers = nil, nil
		d.Spec = appsv1.DaemonSetSpec{}
		d.Status.CollisionCount, d.Status.Conditions = nil, nil
	},
	Families: []Family[*appsv1.DaemonSet]{
		{
			Name: "kube_daemonset_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Timestamp(&d.CreationTimestamp) },
		},
		{
			Name: "kube_daemonset_status_current_number_scheduled", Help: "The number of nodes running at least one daemon pod and are supposed to.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.CurrentNumberScheduled)) },
		},
		{
			Name: "kube_daemonset_status_desired_number_scheduled", Help: "The number of nodes that should be running the daemon pod.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.DesiredNumberScheduled)) },
		},
		{
			Name: "kube_daemonset_status_number_available", Help: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.NumberAvailable)) },
		},
		{
			Name: "kube_daemonset_status_number_misscheduled", Help: "The number of nodes running a daemon pod but are not supposed to.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.NumberMisscheduled)) },
		},
		{
			Name: "kube_daemonset_status_number_ready", Help: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.NumberReady)) },
		},
		{
			Name: "kube_daemonset_status_number_unavailable", Help: "The number of nodes that should be running the daemon pod and have none of the daemon pod running and available", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.NumberUnavailable)) },
		},
		{
			Name: "kube_daemonset_status_observed_generation", Help: "The most recent generation observed by the daemon set controller.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_daemonset_status_updated_number_scheduled", Help: "The total number of nodes that are running updated daemon pod", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Status.UpdatedNumberScheduled)) },
		},
		{
			Name: "kube_daemonset_metadata_generation", Help: "Sequence number representing a specific generation of the desired state.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Add(float64(d.Generation)) },
		},
		{
			Name: "kube_daemonset_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Timestamp(d.DeletionTimestamp) },
		},
		{
			Name: "kube_daemonset_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Annotations(d.Annotations) },
		},
		{
			Name: "kube_daemonset_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(d *appsv1.DaemonSet, e *Emitter) { e.Labels(d.Labels) },
		},
	},
}
