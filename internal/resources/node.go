package resources

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Nodes is KSM's nodes resource. Families are in KSM's registration (exposition) order.
var Nodes = &Resource[*corev1.Node]{
	Name:         "nodes",
	Default:      true,
	Prefix:       []string{"node"},
	PrefixValues: func(n *corev1.Node) []string { return []string{n.Name} },
	New:          func() *corev1.Node { return &corev1.Node{} },
	ListWatch:    clusterListWatch(func(c engine.Clients) lister[*corev1.NodeList] { return c.Kube.CoreV1().Nodes() }),
	Strip:        nodeStrip,
	Families: []Family[*corev1.Node]{
		{
			Name: "kube_node_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(n *corev1.Node, e *Emitter) { e.Annotations(n.Annotations) },
		},
		{
			Name: "kube_node_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(n *corev1.Node, e *Emitter) { e.Timestamp(&n.CreationTimestamp) },
		},
		{
			Name: "kube_node_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(n *corev1.Node, e *Emitter) { e.Timestamp(n.DeletionTimestamp) },
		},
		{
			Name: "kube_node_info", Help: "Information about a cluster node.", Stability: Stable,
			Labels: []string{"kernel_version", "os_image", "container_runtime_version", "kubelet_version", "kubeproxy_version", "provider_id", "pod_cidr", "system_uuid", "internal_ip"},
			Points: func(n *corev1.Node, e *Emitter) {
				info := &n.Status.NodeInfo
				// kubeproxy_version is a fixed "deprecated"; internal_ip is the last InternalIP address.
				e.Add(1, info.KernelVersion, info.OSImage, info.ContainerRuntimeVersion, info.KubeletVersion, "deprecated",
					n.Spec.ProviderID, n.Spec.PodCIDR, info.SystemUUID, nodeInternalIP(n))
			},
		},
		{
			Name: "kube_node_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(n *corev1.Node, e *Emitter) { e.Labels(n.Labels) },
		},
		{
			Name: "kube_node_role", Help: "The role of a cluster node.", Stability: Alpha,
			Labels: []string{"role"},
			Points: func(n *corev1.Node, e *Emitter) {
				for k := range n.Labels {
					if role, ok := strings.CutPrefix(k, nodeRolePrefix); ok {
						e.Add(1, role)
					}
				}
			},
		},
		{
			Name: "kube_node_spec_pod_cidrs", Help: "The pod CIDRs of a cluster node.", Stability: Alpha,
			Labels: []string{"pod_cidr"},
			Points: func(n *corev1.Node, e *Emitter) {
				for _, cidr := range n.Spec.PodCIDRs {
					e.Add(1, cidr)
				}
			},
		},
		{
			Name: "kube_node_spec_taint", Help: "The taint of a cluster node.", Stability: Stable,
			Labels: []string{"key", "value", "effect"},
			Points: func(n *corev1.Node, e *Emitter) {
				for _, t := range n.Spec.Taints {
					e.Add(1, t.Key, t.Value, string(t.Effect))
				}
			},
		},
		{
			Name: "kube_node_spec_unschedulable", Help: "Whether a node can schedule new pods.", Stability: Stable,
			Points: func(n *corev1.Node, e *Emitter) { e.Add(BoolFloat(n.Spec.Unschedulable)) },
		},
		{
			Name: "kube_node_status_allocatable", Help: "The allocatable for different resources of a node that are available for scheduling.", Stability: Stable,
			Labels: []string{"resource", "unit"},
			Points: func(n *corev1.Node, e *Emitter) { nodeResourceList(n.Status.Allocatable, e) },
		},
		{
			Name: "kube_node_status_capacity", Help: "The capacity for different resources of a node.", Stability: Stable,
			Labels: []string{"resource", "unit"},
			Points: func(n *corev1.Node, e *Emitter) { nodeResourceList(n.Status.Capacity, e) },
		},
		{
			Name: "kube_node_status_condition", Help: "The condition of a cluster node.", Stability: Stable,
			Labels: []string{"condition", "status"},
			Points: func(n *corev1.Node, e *Emitter) {
				for _, c := range n.Status.Conditions {
					e.Conditions(c.Status, string(c.Type))
				}
			},
		},
		{
			Name: "kube_node_status_addresses", Help: "Node address information.", Stability: Alpha,
			Labels: []string{"type", "address"},
			Points: func(n *corev1.Node, e *Emitter) {
				for _, a := range n.Status.Addresses {
					e.Add(1, string(a.Type), a.Address)
				}
			},
		},
	},
}

const nodeRolePrefix = "node-role.kubernetes.io/"

func nodeInternalIP(n *corev1.Node) string {
	ip := ""
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			ip = a.Address
		}
	}
	return ip
}

// nodeResourceList emits KSM's capacity/allocatable points, in the units of resourceUnits (pods
// counted); every value is the quantity as a float.
func nodeResourceList(list corev1.ResourceList, e *Emitter) {
	for name, q := range list {
		res, v := resourceLabel(name), Quantity(q)
		resourceUnits(name, true, func(unit string) { e.Add(v, res, unit) })
	}
}

// nodeStrip keeps what the families read: metadata, the spec's pod CIDRs, provider ID,
// unschedulable and taints, and the status' capacity, allocatable, condition types and statuses,
// addresses and the node info versions.
func nodeStrip(n *corev1.Node) {
	n.OwnerReferences, n.Finalizers = nil, nil
	n.Spec = corev1.NodeSpec{
		PodCIDR:       n.Spec.PodCIDR,
		PodCIDRs:      n.Spec.PodCIDRs,
		ProviderID:    n.Spec.ProviderID,
		Unschedulable: n.Spec.Unschedulable,
		Taints:        n.Spec.Taints,
	}
	for i := range n.Spec.Taints {
		n.Spec.Taints[i].TimeAdded = nil
	}
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		*c = corev1.NodeCondition{Type: c.Type, Status: c.Status}
	}
	info := n.Status.NodeInfo
	n.Status = corev1.NodeStatus{
		Capacity:    n.Status.Capacity,
		Allocatable: n.Status.Allocatable,
		Conditions:  n.Status.Conditions,
		Addresses:   n.Status.Addresses,
		NodeInfo: corev1.NodeSystemInfo{
			SystemUUID:              info.SystemUUID,
			KernelVersion:           info.KernelVersion,
			OSImage:                 info.OSImage,
			ContainerRuntimeVersion: info.ContainerRuntimeVersion,
			KubeletVersion:          info.KubeletVersion,
		},
	}
}
