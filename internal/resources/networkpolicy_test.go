package resources

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestNetworkPolicyFamilies(t *testing.T) {
	runGolden(t, NetworkPolicies, []golden[*networkingv1.NetworkPolicy]{
		{
			name: "rule counts",
			obj: &networkingv1.NetworkPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: "netpol1", Namespace: "ns1", CreationTimestamp: metav1.Unix(1501569018, 0)},
				Spec: networkingv1.NetworkPolicySpec{
					Ingress:     []networkingv1.NetworkPolicyIngressRule{{}, {From: []networkingv1.NetworkPolicyPeer{{}}}},
					Egress:      []networkingv1.NetworkPolicyEgressRule{{}, {}, {Ports: []networkingv1.NetworkPolicyPort{{}}}},
					PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
				},
			},
			want: `
				kube_networkpolicy_created{namespace="ns1",networkpolicy="netpol1"} 1.501569018e+09
				kube_networkpolicy_spec_egress_rules{namespace="ns1",networkpolicy="netpol1"} 3
				kube_networkpolicy_spec_ingress_rules{namespace="ns1",networkpolicy="netpol1"} 2`,
		},
		{
			name: "no creation timestamp still emits created; no rules emit zeros",
			obj:  &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "ns"}},
			want: `
				kube_networkpolicy_created{namespace="ns",networkpolicy="np"} -6.21355968e+10
				kube_networkpolicy_spec_egress_rules{namespace="ns",networkpolicy="np"} 0
				kube_networkpolicy_spec_ingress_rules{namespace="ns",networkpolicy="np"} 0`,
		},
		{
			name: "labels and annotations allowlisted",
			obj: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{
				Name: "np", Namespace: "ns",
				Labels: map[string]string{"app": "db"}, Annotations: map[string]string{"owner": "team-a"},
			}},
			filter:   family.Filter{Labels: allow(t, "*"), Annotations: allow(t, "own*")},
			families: []string{"kube_networkpolicy_labels", "kube_networkpolicy_annotations"},
			want: `
				kube_networkpolicy_annotations{namespace="ns",networkpolicy="np",annotation_owner="team-a"} 1
				kube_networkpolicy_labels{namespace="ns",networkpolicy="np",label_app="db"} 1`,
		},
	})
}

func TestNetworkPolicyStrip(t *testing.T) {
	n := &networkingv1.NetworkPolicy{Spec: networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
		Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{}}}},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{}, {Ports: []networkingv1.NetworkPolicyPort{{}}}},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
	}}
	NetworkPolicies.Strip(n)
	if n.Spec.PodSelector.MatchLabels != nil || n.Spec.PolicyTypes != nil || n.Spec.Ingress[0].From != nil || n.Spec.Egress[1].Ports != nil {
		t.Errorf("unread fields kept: %+v", n.Spec)
	}
	if len(n.Spec.Ingress) != 1 || len(n.Spec.Egress) != 2 {
		t.Errorf("rule counts changed: %+v", n.Spec)
	}
}
