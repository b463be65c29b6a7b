package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestReplicationControllerFamilies(t *testing.T) {
	runGolden(t, ReplicationControllers, []golden[*corev1.ReplicationController]{
		{
			name: "rc1 owned by a deployment config",
			obj: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "rc1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					Generation:        21,
					OwnerReferences:   []metav1.OwnerReference{{Kind: "DeploymentConfig", Name: "dc-name", Controller: ptr.To(true)}},
				},
				Status: corev1.ReplicationControllerStatus{
					Replicas:             5,
					FullyLabeledReplicas: 10,
					ReadyReplicas:        5,
					AvailableReplicas:    3,
					ObservedGeneration:   1,
				},
				Spec: corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](5)},
			},
			want: `
				kube_replicationcontroller_created{namespace="ns1",replicationcontroller="rc1"} 1.5e+09
				kube_replicationcontroller_metadata_generation{namespace="ns1",replicationcontroller="rc1"} 21
				kube_replicationcontroller_owner{namespace="ns1",replicationcontroller="rc1",owner_kind="DeploymentConfig",owner_name="dc-name",owner_is_controller="true"} 1
				kube_replicationcontroller_status_replicas{namespace="ns1",replicationcontroller="rc1"} 5
				kube_replicationcontroller_status_observed_generation{namespace="ns1",replicationcontroller="rc1"} 1
				kube_replicationcontroller_status_fully_labeled_replicas{namespace="ns1",replicationcontroller="rc1"} 10
				kube_replicationcontroller_status_ready_replicas{namespace="ns1",replicationcontroller="rc1"} 5
				kube_replicationcontroller_status_available_replicas{namespace="ns1",replicationcontroller="rc1"} 3
				kube_replicationcontroller_spec_replicas{namespace="ns1",replicationcontroller="rc1"} 5`,
		},
		{
			name: "rc2 without owner",
			obj: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{Name: "rc2", Namespace: "ns2", Generation: 14},
				Status:     corev1.ReplicationControllerStatus{FullyLabeledReplicas: 5, ObservedGeneration: 5},
				Spec:       corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](0)},
			},
			want: `
				kube_replicationcontroller_metadata_generation{namespace="ns2",replicationcontroller="rc2"} 14
				kube_replicationcontroller_owner{namespace="ns2",replicationcontroller="rc2",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_replicationcontroller_status_replicas{namespace="ns2",replicationcontroller="rc2"} 0
				kube_replicationcontroller_status_observed_generation{namespace="ns2",replicationcontroller="rc2"} 5
				kube_replicationcontroller_status_fully_labeled_replicas{namespace="ns2",replicationcontroller="rc2"} 5
				kube_replicationcontroller_status_ready_replicas{namespace="ns2",replicationcontroller="rc2"} 0
				kube_replicationcontroller_status_available_replicas{namespace="ns2",replicationcontroller="rc2"} 0
				kube_replicationcontroller_spec_replicas{namespace="ns2",replicationcontroller="rc2"} 0`,
		},
		{
			name: "rc3 owner without controller flag",
			obj: &corev1.ReplicationController{
				ObjectMeta: metav1.ObjectMeta{
					Name:            "rc3",
					Namespace:       "ns3",
					Generation:      5,
					OwnerReferences: []metav1.OwnerReference{{Kind: "DeploymentConfig", Name: "dc-test"}},
				},
				Status: corev1.ReplicationControllerStatus{
					Replicas:             1,
					FullyLabeledReplicas: 5,
					ReadyReplicas:        2,
					AvailableReplicas:    1,
					ObservedGeneration:   1,
				},
				Spec: corev1.ReplicationControllerSpec{Replicas: ptr.To[int32](0)},
			},
			want: `
				kube_replicationcontroller_metadata_generation{namespace="ns3",replicationcontroller="rc3"} 5
				kube_replicationcontroller_owner{namespace="ns3",replicationcontroller="rc3",owner_kind="DeploymentConfig",owner_name="dc-test",owner_is_controller="false"} 1
				kube_replicationcontroller_status_replicas{namespace="ns3",replicationcontroller="rc3"} 1
				kube_replicationcontroller_status_observed_generation{namespace="ns3",replicationcontroller="rc3"} 1
				kube_replicationcontroller_status_fully_labeled_replicas{namespace="ns3",replicationcontroller="rc3"} 5
				kube_replicationcontroller_status_ready_replicas{namespace="ns3",replicationcontroller="rc3"} 2
				kube_replicationcontroller_status_available_replicas{namespace="ns3",replicationcontroller="rc3"} 1
				kube_replicationcontroller_spec_replicas{namespace="ns3",replicationcontroller="rc3"} 0`,
		},
		{
			name:     "nil spec replicas emits nothing",
			obj:      &corev1.ReplicationController{ObjectMeta: metav1.ObjectMeta{Name: "rc4", Namespace: "ns4"}},
			families: []string{"kube_replicationcontroller_spec_replicas", "kube_replicationcontroller_created"},
			want:     ``,
		},
	})
}

func TestReplicationControllerStrip(t *testing.T) {
	r := &corev1.ReplicationController{
		Spec: corev1.ReplicationControllerSpec{
			Replicas: ptr.To[int32](2),
			Selector: map[string]string{"a": "b"},
			Template: &corev1.PodTemplateSpec{},
		},
		Status: corev1.ReplicationControllerStatus{AvailableReplicas: 1, Conditions: []corev1.ReplicationControllerCondition{{Type: "ReplicaFailure"}}},
	}
	ReplicationControllers.Strip(r)
	if r.Spec.Selector != nil || r.Spec.Template != nil || r.Status.Conditions != nil || *r.Spec.Replicas != 2 || r.Status.AvailableReplicas != 1 {
		t.Errorf("unexpected stripped replicationcontroller: %+v", r)
	}
}
