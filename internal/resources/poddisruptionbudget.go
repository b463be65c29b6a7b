package resources

import (
	policyv1 "k8s.io/api/policy/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// PodDisruptionBudgets is KSM's poddisruptionbudgets resource.
var PodDisruptionBudgets = &Resource[*policyv1.PodDisruptionBudget]{
	Name:         "poddisruptionbudgets",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "poddisruptionbudget"},
	PrefixValues: func(p *policyv1.PodDisruptionBudget) []string { return []string{p.Namespace, p.Name} },
	New:          func() *policyv1.PodDisruptionBudget { return &policyv1.PodDisruptionBudget{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*policyv1.PodDisruptionBudgetList] {
		return c.Kube.PolicyV1().PodDisruptionBudgets(ns)
	}),
	Strip: func(p *policyv1.PodDisruptionBudget) {
		stripMeta(&p.ObjectMeta, metaKept{labels: true, deletion: true, generation: true})
		p.Spec = policyv1.PodDisruptionBudgetSpec{}
		p.Status.DisruptedPods = nil
		p.Status.Conditions = nil
	},
	Families: []Family[*policyv1.PodDisruptionBudget]{
		{
			Name: "kube_poddisruptionbudget_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Annotations(p.Annotations) },
		},
		{
			Name: "kube_poddisruptionbudget_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Labels(p.Labels) },
		},
		{
			Name: "kube_poddisruptionbudget_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Timestamp(&p.CreationTimestamp) },
		},
		{
			Name: "kube_poddisruptionbudget_status_current_healthy", Help: "Current number of healthy pods", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Add(float64(p.Status.CurrentHealthy)) },
		},
		{
			Name: "kube_poddisruptionbudget_status_desired_healthy", Help: "Minimum desired number of healthy pods", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Add(float64(p.Status.DesiredHealthy)) },
		},
		{
			Name: "kube_poddisruptionbudget_status_pod_disruptions_allowed", Help: "Number of pod disruptions that are currently allowed", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Add(float64(p.Status.DisruptionsAllowed)) },
		},
		{
			Name: "kube_poddisruptionbudget_status_expected_pods", Help: "Total number of pods counted by this disruption budget", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Add(float64(p.Status.ExpectedPods)) },
		},
		{
			Name: "kube_poddisruptionbudget_status_observed_generation", Help: "Most recent generation observed when updating this PDB status", Stability: Stable,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Add(float64(p.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_poddisruptionbudget_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(p *policyv1.PodDisruptionBudget, e *Emitter) { e.Timestamp(p.DeletionTimestamp) },
		},
	},
}
