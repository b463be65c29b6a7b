package resources

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

var deploymentRollingUpdateFamilies = []string{
	"kube_deployment_spec_replicas",
	"kube_deployment_spec_strategy_rollingupdate_max_unavailable",
	"kube_deployment_spec_strategy_rollingupdate_max_surge",
}

func TestDeploymentFamilies(t *testing.T) {
	runGolden(t, Deployments, []golden[*appsv1.Deployment]{
		{
			name: "depl1 rolling update with ints, annotations allowlisted",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "depl1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					Annotations:       map[string]string{"company.io/team": "my-brilliant-team"},
					Labels:            map[string]string{"app": "example1"},
					Generation:        21,
				},
				Status: appsv1.DeploymentStatus{
					Replicas:            15,
					ReadyReplicas:       10,
					AvailableReplicas:   10,
					UnavailableReplicas: 5,
					UpdatedReplicas:     2,
					TerminatingReplicas: ptr.To[int32](3),
					ObservedGeneration:  111,
					Conditions: []appsv1.DeploymentCondition{
						{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable", Message: "m"},
						{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"},
					},
				},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](200),
					Strategy: appsv1.DeploymentStrategy{
						Type: appsv1.RollingUpdateDeploymentStrategyType,
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromInt32(10)),
							MaxSurge:       ptr.To(intstr.FromInt32(10)),
						},
					},
				},
			},
			filter: family.Filter{Annotations: allow(t, "company.io/team")},
			want: `
				kube_deployment_annotations{namespace="ns1",deployment="depl1",annotation_company_io_team="my-brilliant-team"} 1
				kube_deployment_created{namespace="ns1",deployment="depl1"} 1.5e+09
				kube_deployment_owner{namespace="ns1",deployment="depl1",owner_kind="",owner_name=""} 1
				kube_deployment_metadata_generation{namespace="ns1",deployment="depl1"} 21
				kube_deployment_spec_paused{namespace="ns1",deployment="depl1"} 0
				kube_deployment_spec_replicas{namespace="ns1",deployment="depl1"} 200
				kube_deployment_spec_strategy_rollingupdate_max_surge{namespace="ns1",deployment="depl1"} 10
				kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="ns1",deployment="depl1"} 10
				kube_deployment_status_observed_generation{namespace="ns1",deployment="depl1"} 111
				kube_deployment_status_replicas_available{namespace="ns1",deployment="depl1"} 10
				kube_deployment_status_replicas_unavailable{namespace="ns1",deployment="depl1"} 5
				kube_deployment_status_replicas_updated{namespace="ns1",deployment="depl1"} 2
				kube_deployment_status_replicas{namespace="ns1",deployment="depl1"} 15
				kube_deployment_status_replicas_ready{namespace="ns1",deployment="depl1"} 10
				kube_deployment_status_terminating_replicas{namespace="ns1",deployment="depl1"} 3
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="MinimumReplicasAvailable",condition="Available",status="true"} 1
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="MinimumReplicasAvailable",condition="Available",status="false"} 0
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="MinimumReplicasAvailable",condition="Available",status="unknown"} 0
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="NewReplicaSetAvailable",condition="Progressing",status="true"} 1
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="NewReplicaSetAvailable",condition="Progressing",status="false"} 0
				kube_deployment_status_condition{namespace="ns1",deployment="depl1",reason="NewReplicaSetAvailable",condition="Progressing",status="unknown"} 0`,
		},
		{
			name: "depl2 paused, percentages scaled (surge rounds up, unavailable down)",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "depl2",
					Namespace:  "ns2",
					Labels:     map[string]string{"app": "example2"},
					Generation: 14,
				},
				Status: appsv1.DeploymentStatus{
					Replicas:            10,
					ReadyReplicas:       5,
					AvailableReplicas:   5,
					UnavailableReplicas: 0,
					UpdatedReplicas:     1,
					ObservedGeneration:  1111,
					Conditions: []appsv1.DeploymentCondition{
						{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Reason: "MinimumReplicasUnavailable"},
						{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded"},
						{Type: appsv1.DeploymentReplicaFailure, Status: corev1.ConditionTrue, Reason: "ReplicaSetCreateError"},
					},
				},
				Spec: appsv1.DeploymentSpec{
					Paused:   true,
					Replicas: ptr.To[int32](5),
					Strategy: appsv1.DeploymentStrategy{
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromString("25%")),
							MaxSurge:       ptr.To(intstr.FromString("20%")),
						},
					},
				},
			},
			want: `
				kube_deployment_metadata_generation{namespace="ns2",deployment="depl2"} 14
				kube_deployment_owner{namespace="ns2",deployment="depl2",owner_kind="",owner_name=""} 1
				kube_deployment_spec_paused{namespace="ns2",deployment="depl2"} 1
				kube_deployment_spec_replicas{namespace="ns2",deployment="depl2"} 5
				kube_deployment_spec_strategy_rollingupdate_max_surge{namespace="ns2",deployment="depl2"} 1
				kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="ns2",deployment="depl2"} 1
				kube_deployment_status_observed_generation{namespace="ns2",deployment="depl2"} 1111
				kube_deployment_status_replicas_available{namespace="ns2",deployment="depl2"} 5
				kube_deployment_status_replicas_unavailable{namespace="ns2",deployment="depl2"} 0
				kube_deployment_status_replicas_updated{namespace="ns2",deployment="depl2"} 1
				kube_deployment_status_replicas{namespace="ns2",deployment="depl2"} 10
				kube_deployment_status_replicas_ready{namespace="ns2",deployment="depl2"} 5
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="MinimumReplicasUnavailable",condition="Available",status="true"} 0
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="MinimumReplicasUnavailable",condition="Available",status="false"} 1
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="MinimumReplicasUnavailable",condition="Available",status="unknown"} 0
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ProgressDeadlineExceeded",condition="Progressing",status="true"} 0
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ProgressDeadlineExceeded",condition="Progressing",status="false"} 1
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ProgressDeadlineExceeded",condition="Progressing",status="unknown"} 0
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ReplicaSetCreateError",condition="ReplicaFailure",status="true"} 1
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ReplicaSetCreateError",condition="ReplicaFailure",status="false"} 0
				kube_deployment_status_condition{namespace="ns2",deployment="depl2",reason="ReplicaSetCreateError",condition="ReplicaFailure",status="unknown"} 0`,
		},
		{
			name: "depl3 unknown and empty reasons, no rolling update",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "depl3", Namespace: "ns3"},
				Status: appsv1.DeploymentStatus{
					Conditions: []appsv1.DeploymentCondition{
						{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Reason: "ThisReasonIsNotAllowed"},
						{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue},
					},
				},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1)},
			},
			want: `
				kube_deployment_metadata_generation{namespace="ns3",deployment="depl3"} 0
				kube_deployment_owner{namespace="ns3",deployment="depl3",owner_kind="",owner_name=""} 1
				kube_deployment_spec_paused{namespace="ns3",deployment="depl3"} 0
				kube_deployment_spec_replicas{namespace="ns3",deployment="depl3"} 1
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="unknown",condition="Available",status="true"} 0
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="unknown",condition="Available",status="false"} 1
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="unknown",condition="Available",status="unknown"} 0
				kube_deployment_status_observed_generation{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_replicas{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_replicas_available{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_replicas_ready{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_replicas_unavailable{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_replicas_updated{namespace="ns3",deployment="depl3"} 0
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="",condition="Progressing",status="false"} 0
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="",condition="Progressing",status="true"} 1
				kube_deployment_status_condition{namespace="ns3",deployment="depl3",reason="",condition="Progressing",status="unknown"} 0`,
		},
		{
			name: "terminating",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "deployment-terminating",
					Namespace:         "ns4",
					CreationTimestamp: metav1.Time{Time: time.Unix(1600000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Labels:            map[string]string{"app": "example4"},
					Generation:        22,
				},
				Spec: appsv1.DeploymentSpec{Paused: true, Replicas: ptr.To[int32](10)},
			},
			families: []string{"kube_deployment_deletion_timestamp"},
			want:     `kube_deployment_deletion_timestamp{namespace="ns4",deployment="deployment-terminating"} 1.8e+09`,
		},
		{
			name: "with owners",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "deployment-with-owner",
					Namespace: "ns5",
					OwnerReferences: []metav1.OwnerReference{
						{Kind: "Application", Name: "my-app", Controller: ptr.To(true)},
						{Kind: "Other", Name: "second"},
					},
				},
				Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](200)},
			},
			want: `
				kube_deployment_owner{namespace="ns5",deployment="deployment-with-owner",owner_kind="Application",owner_name="my-app"} 1
				kube_deployment_owner{namespace="ns5",deployment="deployment-with-owner",owner_kind="Other",owner_name="second"} 1
				kube_deployment_metadata_generation{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_spec_paused{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_spec_replicas{namespace="ns5",deployment="deployment-with-owner"} 200
				kube_deployment_status_observed_generation{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_status_replicas{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_status_replicas_available{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_status_replicas_ready{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_status_replicas_unavailable{namespace="ns5",deployment="deployment-with-owner"} 0
				kube_deployment_status_replicas_updated{namespace="ns5",deployment="deployment-with-owner"} 0`,
		},
		{
			name: "nil replicas: no spec replicas nor rolling update bounds",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "deployment-nil-replicas", Namespace: "ns6"},
				Spec: appsv1.DeploymentSpec{
					Strategy: appsv1.DeploymentStrategy{
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromInt32(10)),
							MaxSurge:       ptr.To(intstr.FromInt32(10)),
						},
					},
				},
			},
			families: deploymentRollingUpdateFamilies,
			want:     ``,
		},
		{
			name: "rolling update with unset bounds",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "deployment-nil-rollingupdate-values", Namespace: "ns7"},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](1),
					Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{}},
				},
			},
			families: deploymentRollingUpdateFamilies,
			want:     `kube_deployment_spec_replicas{namespace="ns7",deployment="deployment-nil-rollingupdate-values"} 1`,
		},
		{
			name: "rolling update with malformed bounds",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "deployment-malformed-rollingupdate-values", Namespace: "ns8"},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](1),
					Strategy: appsv1.DeploymentStrategy{
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromString("not-a-percentage")),
							MaxSurge:       ptr.To(intstr.FromString("abc%")),
						},
					},
				},
			},
			families: deploymentRollingUpdateFamilies,
			want:     `kube_deployment_spec_replicas{namespace="ns8",deployment="deployment-malformed-rollingupdate-values"} 1`,
		},
		{
			name: "percentages round: surge up, unavailable down; zero replicas",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "pct", Namespace: "ns9"},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](3),
					Strategy: appsv1.DeploymentStrategy{
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromString("50%")),
							MaxSurge:       ptr.To(intstr.FromString("50%")),
						},
					},
				},
			},
			families: deploymentRollingUpdateFamilies,
			want: `
				kube_deployment_spec_replicas{namespace="ns9",deployment="pct"} 3
				kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="ns9",deployment="pct"} 1
				kube_deployment_spec_strategy_rollingupdate_max_surge{namespace="ns9",deployment="pct"} 2`,
		},
		{
			name: "zero replicas with percentages",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "zero", Namespace: "ns9"},
				Spec: appsv1.DeploymentSpec{
					Replicas: ptr.To[int32](0),
					Strategy: appsv1.DeploymentStrategy{
						RollingUpdate: &appsv1.RollingUpdateDeployment{
							MaxUnavailable: ptr.To(intstr.FromString("25%")),
							MaxSurge:       ptr.To(intstr.FromString("25%")),
						},
					},
				},
			},
			families: deploymentRollingUpdateFamilies,
			want: `
				kube_deployment_spec_replicas{namespace="ns9",deployment="zero"} 0
				kube_deployment_spec_strategy_rollingupdate_max_unavailable{namespace="ns9",deployment="zero"} 0
				kube_deployment_spec_strategy_rollingupdate_max_surge{namespace="ns9",deployment="zero"} 0`,
		},
		{
			name: "labels allowlisted, allowlisted annotation absent",
			obj: &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "ns", Labels: map[string]string{"app": "x", "team": "y"}},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "owner")},
			families: []string{"kube_deployment_labels", "kube_deployment_annotations"},
			want: `
				kube_deployment_labels{namespace="ns",deployment="d",label_app="x"} 1
				kube_deployment_annotations{namespace="ns",deployment="d"} 1`,
		},
		{
			name:     "labels and annotations empty without allowlists",
			obj:      &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "ns", Labels: map[string]string{"app": "x"}}},
			families: []string{"kube_deployment_labels", "kube_deployment_annotations"},
			want:     ``,
		},
	})
}

func TestDeploymentStrip(t *testing.T) {
	d := &appsv1.Deployment{
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType},
		},
		Status: appsv1.DeploymentStatus{
			CollisionCount: ptr.To[int32](1),
			Conditions:     []appsv1.DeploymentCondition{{Type: "Available", Status: "True", Reason: "r", Message: "long"}},
		},
	}
	Deployments.Strip(d)
	if d.Spec.Selector != nil || len(d.Spec.Template.Spec.Containers) != 0 || d.Spec.Strategy.Type != "" || d.Status.CollisionCount != nil ||
		d.Status.Conditions[0].Message != "" || *d.Spec.Replicas != 2 || d.Status.Conditions[0].Reason != "r" {
		t.Errorf("unexpected stripped deployment: %+v", d)
	}
}
