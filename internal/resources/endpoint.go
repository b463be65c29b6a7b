package resources

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Endpoints is KSM's endpoints resource (core/v1 Endpoints, deprecated by Kubernetes in favour of
// EndpointSlices but still what KSM v2.20.0 watches; off by default).
//
//nolint:staticcheck // KSM reads the deprecated core/v1 Endpoints API
var Endpoints = &Resource[*corev1.Endpoints]{
	Name:         "endpoints",
	Namespaced:   true,
	Prefix:       []string{"namespace", "endpoint"},
	PrefixValues: func(ep *corev1.Endpoints) []string { return []string{ep.Namespace, ep.Name} },
	New:          func() *corev1.Endpoints { return &corev1.Endpoints{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.EndpointsList] {
		return c.Kube.CoreV1().Endpoints(ns) //nolint:staticcheck // see above
	}),
	Strip: endpointStrip,
	Families: []Family[*corev1.Endpoints]{
		{
			Name: "kube_endpoint_info", Help: "Information about endpoint.", Stability: Stable,
			Points: func(_ *corev1.Endpoints, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_endpoint_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(ep *corev1.Endpoints, e *Emitter) { e.Timestamp(&ep.CreationTimestamp) },
		},
		{
			Name: "kube_endpoint_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(ep *corev1.Endpoints, e *Emitter) { e.Annotations(ep.Annotations) },
		},
		{
			Name: "kube_endpoint_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(ep *corev1.Endpoints, e *Emitter) { e.Labels(ep.Labels) },
		},
		{
			Name: "kube_endpoint_address", Help: "Information about Endpoint available and non available addresses.", Stability: Stable,
			Labels: []string{"port_protocol", "port_number", "port_name", "ip", "ready"},
			Points: func(ep *corev1.Endpoints, e *Emitter) {
				for _, s := range ep.Subsets {
					for _, p := range s.Ports {
						proto, num := string(p.Protocol), endpointPortNumber(p)
						for _, a := range s.Addresses {
							e.Add(1, proto, num, p.Name, a.IP, "true")
						}
						for _, a := range s.NotReadyAddresses {
							e.Add(1, proto, num, p.Name, a.IP, "false")
						}
					}
				}
			},
		},
		{
			Name: "kube_endpoint_ports", Help: "Information about the Endpoint ports.", Stability: Stable,
			Deprecated: "v2.14.0",
			Labels:     []string{"port_name", "port_protocol", "port_number"},
			Points: func(ep *corev1.Endpoints, e *Emitter) {
				for _, s := range ep.Subsets {
					for _, p := range s.Ports {
						e.Add(1, p.Name, string(p.Protocol), endpointPortNumber(p))
					}
				}
			},
		},
	},
}

func endpointPortNumber(p corev1.EndpointPort) string { return strconv.FormatInt(int64(p.Port), 10) }

// endpointStrip keeps, per subset, the addresses' IPs and the ports' name, number and protocol.
func endpointStrip(ep *corev1.Endpoints) {
	for i := range ep.Subsets {
		s := &ep.Subsets[i]
		if len(s.Ports) == 0 { // addresses are only reported per port
			s.Addresses, s.NotReadyAddresses = nil, nil
		}
		endpointStripAddresses(s.Addresses)
		endpointStripAddresses(s.NotReadyAddresses)
		for j := range s.Ports {
			p := &s.Ports[j]
			*p = corev1.EndpointPort{Name: p.Name, Port: p.Port, Protocol: p.Protocol}
		}
	}
}

func endpointStripAddresses(as []corev1.EndpointAddress) {
	for i := range as {
		as[i] = corev1.EndpointAddress{IP: as[i].IP}
	}
}
