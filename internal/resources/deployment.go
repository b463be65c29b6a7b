package resources

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// deploymentReasons are the condition reasons KSM passes through (those of the deployment
// controller, and the empty reason); any other reason is reported as "unknown".
var deploymentReasons = map[string]bool{
	"ReplicaSetUpdated":          true,
	"ReplicaSetCreateError":      true,
	"NewReplicaSetCreated":       true,
	"FoundNewReplicaSet":         true,
	"NewReplicaSetAvailable":     true,
	"ProgressDeadlineExceeded":   true,
	"DeploymentPaused":           true,
	"DeploymentResumed":          true,
	"MinimumReplicasAvailable":   true,
	"MinimumReplicasUnavailable": true,
	"":                           true,
}

// Deployments is KSM's deployments resource.
var Deployments = &Resource[*appsv1.Deployment]{
	Name:         "deployments",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "deployment"},
	PrefixValues: func(d *appsv1.Deployment) []string { return []string{d.Namespace, d.Name} },
	New:          func() *appsv1.Deployment { return &appsv1.Deployment{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*appsv1.DeploymentList] {
		return c.Kube.AppsV1().Deployments(ns)
	}),
	Strip: func(d *appsv1.Deployment) {
		d.Spec = appsv1.DeploymentSpec{
			Replicas: d.Spec.Replicas,
			Paused:   d.Spec.Paused,
			Strategy: appsv1.DeploymentStrategy{RollingUpdate: d.Spec.Strategy.RollingUpdate},
		}
		d.Status.CollisionCount = nil
		for i := range d.Status.Conditions {
			c := &d.Status.Conditions[i]
			*c = appsv1.DeploymentCondition{Type: c.Type, Status: c.Status, Reason: c.Reason}
		}
	},
	Families: []Family[*appsv1.Deployment]{
		{
			Name: "kube_deployment_owner", Help: "Information about the Deployment's owner.", Stability: Alpha,
			Labels: []string{"owner_kind", "owner_name"},
			Points: func(d *appsv1.Deployment, e *Emitter) {
				if len(d.OwnerReferences) == 0 {
					e.Add(1, "", "")
					return
				}
				for _, o := range d.OwnerReferences {
					e.Add(1, o.Kind, o.Name)
				}
			},
		},
		{
			Name: "kube_deployment_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Timestamp(&d.CreationTimestamp) },
		},
		{
			Name: "kube_deployment_status_replicas", Help: "The number of replicas per deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.Replicas)) },
		},
		{
			Name: "kube_deployment_status_replicas_ready", Help: "The number of ready replicas per deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.ReadyReplicas)) },
		},
		{
			Name: "kube_deployment_status_replicas_available", Help: "The number of available replicas per deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.AvailableReplicas)) },
		},
		{
			Name: "kube_deployment_status_replicas_unavailable", Help: "The number of unavailable replicas per deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.UnavailableReplicas)) },
		},
		{
			Name: "kube_deployment_status_replicas_updated", Help: "The number of updated replicas per deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.UpdatedReplicas)) },
		},
		{
			Name: "kube_deployment_status_terminating_replicas", Help: "The number of terminating replicas per deployment.", Stability: Alpha,
			Points: func(d *appsv1.Deployment, e *Emitter) {
				if d.Status.TerminatingReplicas != nil {
					e.Add(float64(*d.Status.TerminatingReplicas))
				}
			},
		},
		{
			Name: "kube_deployment_status_observed_generation", Help: "The generation observed by the deployment controller.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Status.ObservedGeneration)) },
		},
		{
			Name: "kube_deployment_status_condition", Help: "The current status conditions of a deployment.", Stability: Stable,
			Labels: []string{"reason", "condition", "status"},
			Points: func(d *appsv1.Deployment, e *Emitter) {
				for _, c := range d.Status.Conditions {
					reason := c.Reason
					if !deploymentReasons[reason] {
						reason = "unknown"
					}
					e.Conditions(c.Status, reason, string(c.Type))
				}
			},
		},
		{
			Name: "kube_deployment_spec_replicas", Help: "Number of desired pods for a deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) {
				if d.Spec.Replicas != nil {
					e.Add(float64(*d.Spec.Replicas))
				}
			},
		},
		{
			Name: "kube_deployment_spec_paused", Help: "Whether the deployment is paused and will not be processed by the deployment controller.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(BoolFloat(d.Spec.Paused)) },
		},
		{
			Name: "kube_deployment_spec_strategy_rollingupdate_max_unavailable", Help: "Maximum number of unavailable replicas during a rolling update of a deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) {
				deploymentRollingUpdate(d, e, func(ru *appsv1.RollingUpdateDeployment) *intstr.IntOrString { return ru.MaxUnavailable }, false)
			},
		},
		{
			Name: "kube_deployment_spec_strategy_rollingupdate_max_surge", Help: "Maximum number of replicas that can be scheduled above the desired number of replicas during a rolling update of a deployment.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) {
				deploymentRollingUpdate(d, e, func(ru *appsv1.RollingUpdateDeployment) *intstr.IntOrString { return ru.MaxSurge }, true)
			},
		},
		{
			Name: "kube_deployment_metadata_generation", Help: "Sequence number representing a specific generation of the desired state.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Add(float64(d.Generation)) },
		},
		{
			Name: "kube_deployment_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Timestamp(d.DeletionTimestamp) },
		},
		{
			Name: "kube_deployment_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Annotations(d.Annotations) },
		},
		{
			Name: "kube_deployment_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(d *appsv1.Deployment, e *Emitter) { e.Labels(d.Labels) },
		},
	},
}

// deploymentRollingUpdate emits a rolling update bound (field picks MaxUnavailable or MaxSurge)
// scaled against spec.replicas, percentages rounded up for the surge and down otherwise. Like KSM
// it emits nothing without a rolling update strategy or replicas, or when the bound is unset or
// not a valid integer or percentage.
func deploymentRollingUpdate(d *appsv1.Deployment, e *Emitter, field func(*appsv1.RollingUpdateDeployment) *intstr.IntOrString, roundUp bool) {
	ru := d.Spec.Strategy.RollingUpdate
	if ru == nil || d.Spec.Replicas == nil {
		return
	}
	v, err := intstr.GetScaledValueFromIntOrPercent(field(ru), int(*d.Spec.Replicas), roundUp)
	if err != nil {
		return
	}
	e.Add(float64(v))
}
