package resources

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// NetworkPolicies is KSM's networkpolicies resource (networking/v1).
var NetworkPolicies = &Resource[*networkingv1.NetworkPolicy]{
	Name:         "networkpolicies",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "networkpolicy"},
	PrefixValues: func(n *networkingv1.NetworkPolicy) []string { return []string{n.Namespace, n.Name} },
	New:          func() *networkingv1.NetworkPolicy { return &networkingv1.NetworkPolicy{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*networkingv1.NetworkPolicyList] {
		return c.Kube.NetworkingV1().NetworkPolicies(ns)
	}),
	Strip: networkPolicyStrip,
	Families: []Family[*networkingv1.NetworkPolicy]{
		{
			Name: "kube_networkpolicy_created", Help: "Unix creation timestamp of network policy", Stability: Alpha,
			// Unlike most *_created families, KSM emits this one even for a zero timestamp.
			Points: func(n *networkingv1.NetworkPolicy, e *Emitter) { e.Add(float64(n.CreationTimestamp.Unix())) },
		},
		{
			Name: "kube_networkpolicy_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(n *networkingv1.NetworkPolicy, e *Emitter) { e.Annotations(n.Annotations) },
		},
		{
			Name: "kube_networkpolicy_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(n *networkingv1.NetworkPolicy, e *Emitter) { e.Labels(n.Labels) },
		},
		{
			Name: "kube_networkpolicy_spec_ingress_rules", Help: "Number of ingress rules on the networkpolicy", Stability: Alpha,
			Points: func(n *networkingv1.NetworkPolicy, e *Emitter) { e.Add(float64(len(n.Spec.Ingress))) },
		},
		{
			Name: "kube_networkpolicy_spec_egress_rules", Help: "Number of egress rules on the networkpolicy", Stability: Alpha,
			Points: func(n *networkingv1.NetworkPolicy, e *Emitter) { e.Add(float64(len(n.Spec.Egress))) },
		},
	},
}

// networkPolicyStrip keeps only the number of ingress and egress rules: each rule is emptied, the
// pod selector and policy types are dropped.
func networkPolicyStrip(n *networkingv1.NetworkPolicy) {
	in, eg := n.Spec.Ingress, n.Spec.Egress
	clear(in)
	clear(eg)
	n.Spec = networkingv1.NetworkPolicySpec{Ingress: in, Egress: eg}
}
