package resources

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestReplicaSetFamilies(t *testing.T) {
	runGolden(t, ReplicaSets, []golden[*appsv1.ReplicaSet]{
		{
			name: "rs1 owned by a deployment",
			obj: &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "rs1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					Generation:        21,
					OwnerReferences:   []metav1.OwnerReference{{Kind: "Deployment", Name: "dp-name", Controller: ptr.To(true)}},
					Labels:            map[string]string{"app": "example1"},
				},
				Status: appsv1.ReplicaSetStatus{
					Replicas:             5,
					FullyLabeledReplicas: 10,
					ReadyReplicas:        5,
					TerminatingReplicas:  ptr.To[int32](3),
					ObservedGeneration:   1,
				},
				Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](5)},
			},
			want: `
				kube_replicaset_created{namespace="ns1",replicaset="rs1"} 1.5e+09
				kube_replicaset_metadata_generation{namespace="ns1",replicaset="rs1"} 21
				kube_replicaset_status_replicas{namespace="ns1",replicaset="rs1"} 5
				kube_replicaset_status_observed_generation{namespace="ns1",replicaset="rs1"} 1
				kube_replicaset_status_fully_labeled_replicas{namespace="ns1",replicaset="rs1"} 10
				kube_replicaset_status_ready_replicas{namespace="ns1",replicaset="rs1"} 5
				kube_replicaset_status_terminating_replicas{namespace="ns1",replicaset="rs1"} 3
				kube_replicaset_spec_replicas{namespace="ns1",replicaset="rs1"} 5
				kube_replicaset_owner{namespace="ns1",replicaset="rs1",owner_kind="Deployment",owner_name="dp-name",owner_is_controller="true"} 1`,
		},
		{
			name: "rs2 without owner",
			obj: &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "rs2",
					Namespace:  "ns2",
					Generation: 14,
					Labels:     map[string]string{"app": "example2", "env": "ex"},
				},
				Status: appsv1.ReplicaSetStatus{FullyLabeledReplicas: 5, ObservedGeneration: 5},
				Spec:   appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](0)},
			},
			want: `
				kube_replicaset_metadata_generation{namespace="ns2",replicaset="rs2"} 14
				kube_replicaset_status_replicas{namespace="ns2",replicaset="rs2"} 0
				kube_replicaset_status_observed_generation{namespace="ns2",replicaset="rs2"} 5
				kube_replicaset_status_fully_labeled_replicas{namespace="ns2",replicaset="rs2"} 5
				kube_replicaset_status_ready_replicas{namespace="ns2",replicaset="rs2"} 0
				kube_replicaset_spec_replicas{namespace="ns2",replicaset="rs2"} 0
				kube_replicaset_owner{namespace="ns2",replicaset="rs2",owner_kind="",owner_name="",owner_is_controller=""} 1`,
		},
		{
			name: "nil spec replicas, owners with unset and false controller, allowlists",
			obj: &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "rs3",
					Namespace: "ns3",
					OwnerReferences: []metav1.OwnerReference{
						{Kind: "Deployment", Name: "a"},
						{Kind: "Foo", Name: "b", Controller: ptr.To(false)},
					},
					Labels:      map[string]string{"app": "x", "env": "prod"},
					Annotations: map[string]string{"note": "y"},
				},
			},
			filter: family.Filter{Labels: allow(t, "*"), Annotations: allow(t, "note")},
			want: `
				kube_replicaset_metadata_generation{namespace="ns3",replicaset="rs3"} 0
				kube_replicaset_status_replicas{namespace="ns3",replicaset="rs3"} 0
				kube_replicaset_status_observed_generation{namespace="ns3",replicaset="rs3"} 0
				kube_replicaset_status_fully_labeled_replicas{namespace="ns3",replicaset="rs3"} 0
				kube_replicaset_status_ready_replicas{namespace="ns3",replicaset="rs3"} 0
				kube_replicaset_owner{namespace="ns3",replicaset="rs3",owner_kind="Deployment",owner_name="a",owner_is_controller="false"} 1
				kube_replicaset_owner{namespace="ns3",replicaset="rs3",owner_kind="Foo",owner_name="b",owner_is_controller="false"} 1
				kube_replicaset_labels{namespace="ns3",replicaset="rs3",label_app="x",label_env="prod"} 1
				kube_replicaset_annotations{namespace="ns3",replicaset="rs3",annotation_note="y"} 1`,
		},
	})
}

func TestReplicaSetStrip(t *testing.T) {
	r := &appsv1.ReplicaSet{
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        ptr.To[int32](2),
			MinReadySeconds: 3,
			Selector:        &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Template:        corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
		},
		Status: appsv1.ReplicaSetStatus{AvailableReplicas: 1, Conditions: []appsv1.ReplicaSetCondition{{Type: "ReplicaFailure"}}},
	}
	ReplicaSets.Strip(r)
	if r.Spec.Selector != nil || len(r.Spec.Template.Spec.Containers) != 0 || r.Spec.MinReadySeconds != 0 ||
		r.Status.AvailableReplicas != 0 || r.Status.Conditions != nil || *r.Spec.Replicas != 2 {
		t.Errorf("unexpected stripped replicaset: %+v", r)
	}
}
