package resources

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// EndpointSlices is KSM's endpointslices resource (discovery/v1).
var EndpointSlices = &Resource[*discoveryv1.EndpointSlice]{
	Name:         "endpointslices",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"endpointslice", "namespace"},
	PrefixValues: func(s *discoveryv1.EndpointSlice) []string { return []string{s.Name, s.Namespace} },
	New:          func() *discoveryv1.EndpointSlice { return &discoveryv1.EndpointSlice{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*discoveryv1.EndpointSliceList] {
		return c.Kube.DiscoveryV1().EndpointSlices(ns)
	}),
	Strip: endpointSliceStrip,
	Families: []Family[*discoveryv1.EndpointSlice]{
		{
			Name: "kube_endpointslice_info", Help: "Information about endpointslice.", Stability: Alpha,
			Labels: []string{"addresstype"},
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) { e.Add(1, string(s.AddressType)) },
		},
		{
			Name: "kube_endpointslice_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) { e.Timestamp(&s.CreationTimestamp) },
		},
		{
			Name: "kube_endpointslice_endpoints_hints", Help: "Topology routing hints attached to endpoints", Stability: Alpha,
			Labels: []string{"address", "for_zone"},
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) {
				for _, ep := range s.Endpoints {
					// Only the first address is reported; endpoints without zone hints or addresses are skipped.
					if ep.Hints == nil || len(ep.Hints.ForZones) == 0 || len(ep.Addresses) == 0 {
						continue
					}
					for _, z := range ep.Hints.ForZones {
						e.Add(1, ep.Addresses[0], z.Name)
					}
				}
			},
		},
		{
			Name: "kube_endpointslice_endpoints", Help: "Endpoints attached to the endpointslice.", Stability: Alpha,
			Labels: []string{"ready", "serving", "hostname", "terminating", "targetref_kind", "targetref_name", "targetref_namespace", "endpoint_nodename", "endpoint_zone", "address"},
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) {
				for _, ep := range s.Endpoints {
					c := ep.Conditions
					ready, serving, terminating := endpointSliceBool(c.Ready), endpointSliceBool(c.Serving), endpointSliceBool(c.Terminating)
					var kind, name, namespace string
					if ep.TargetRef != nil {
						kind, name, namespace = ep.TargetRef.Kind, ep.TargetRef.Name, ep.TargetRef.Namespace
					}
					hostname, node, zone := endpointSliceString(ep.Hostname), endpointSliceString(ep.NodeName), endpointSliceString(ep.Zone)
					for _, addr := range ep.Addresses {
						e.Add(1, ready, serving, hostname, terminating, kind, name, namespace, node, zone, addr)
					}
				}
			},
		},
		{
			Name: "kube_endpointslice_ports", Help: "Ports attached to the endpointslice.", Stability: Alpha,
			Labels: []string{"port_name", "port_protocol", "port_number"},
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) {
				for _, p := range s.Ports {
					var proto, num string
					if p.Protocol != nil {
						proto = string(*p.Protocol)
					}
					if p.Port != nil {
						num = strconv.FormatInt(int64(*p.Port), 10)
					}
					e.Add(1, endpointSliceString(p.Name), proto, num)
				}
			},
		},
		{
			Name: "kube_endpointslice_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_endpointslice_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *discoveryv1.EndpointSlice, e *Emitter) { e.Labels(s.Labels) },
		},
	},
}

// endpointSliceBool renders an optional condition as KSM does: "true"/"false", or "" when unset.
func endpointSliceBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func endpointSliceString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// endpointSliceStrip drops what no family reads: deprecated topology, node hints, the target
// reference beyond kind/name/namespace, and ports' appProtocol.
func endpointSliceStrip(s *discoveryv1.EndpointSlice) {
	for i := range s.Endpoints {
		ep := &s.Endpoints[i]
		ep.DeprecatedTopology = nil
		if ep.TargetRef != nil {
			ep.TargetRef = &corev1.ObjectReference{Kind: ep.TargetRef.Kind, Name: ep.TargetRef.Name, Namespace: ep.TargetRef.Namespace}
		}
		if ep.Hints != nil {
			if len(ep.Hints.ForZones) == 0 {
				ep.Hints = nil
			} else {
				ep.Hints = &discoveryv1.EndpointHints{ForZones: ep.Hints.ForZones}
			}
		}
	}
	for i := range s.Ports {
		s.Ports[i].AppProtocol = nil
	}
}
