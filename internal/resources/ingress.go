package resources

import (
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// kube_ingress_path's keys depend on the backend kind of each path.
var (
	ingressPathServiceKeys  = []string{"host", "path", "path_type", "service_name", "service_port"}
	ingressPathResourceKeys = []string{"host", "path", "path_type", "resource_api_group", "resource_kind", "resource_name"}
)

// Ingresses is KSM's ingresses resource (networking/v1).
var Ingresses = &Resource[*networkingv1.Ingress]{
	Name:         "ingresses",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "ingress"},
	PrefixValues: func(i *networkingv1.Ingress) []string { return []string{i.Namespace, i.Name} },
	New:          func() *networkingv1.Ingress { return &networkingv1.Ingress{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*networkingv1.IngressList] {
		return c.Kube.NetworkingV1().Ingresses(ns)
	}),
	Strip: ingressStrip,
	Families: []Family[*networkingv1.Ingress]{
		{
			Name: "kube_ingress_info", Help: "Information about ingress.", Stability: Stable,
			Labels: []string{"ingressclass"},
			Points: func(i *networkingv1.Ingress, e *Emitter) {
				class := "_default"
				if i.Spec.IngressClassName != nil {
					class = *i.Spec.IngressClassName
				}
				// The legacy annotation wins whenever it is present, even empty.
				if a, ok := i.Annotations["kubernetes.io/ingress.class"]; ok {
					class = a
				}
				e.Add(1, class)
			},
		},
		{
			Name: "kube_ingress_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(i *networkingv1.Ingress, e *Emitter) { e.Annotations(i.Annotations) },
		},
		{
			Name: "kube_ingress_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(i *networkingv1.Ingress, e *Emitter) { e.Labels(i.Labels) },
		},
		{
			Name: "kube_ingress_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(i *networkingv1.Ingress, e *Emitter) { e.Timestamp(&i.CreationTimestamp) },
		},
		{
			Name: "kube_ingress_metadata_resource_version", Help: "Resource version representing a specific version of ingress.", Stability: Alpha,
			Points: func(i *networkingv1.Ingress, e *Emitter) {
				// KSM reports the resource version only when it parses as a float.
				e.ResourceVersion(i.ResourceVersion)
			},
		},
		{
			Name: "kube_ingress_path", Help: "Ingress host, paths and backend service information.", Stability: Stable,
			Points: func(i *networkingv1.Ingress, e *Emitter) {
				for _, r := range i.Spec.Rules {
					if r.HTTP == nil {
						continue
					}
					for _, p := range r.HTTP.Paths {
						var pathType string
						if p.PathType != nil {
							pathType = string(*p.PathType)
						}
						switch b := p.Backend; {
						case b.Service != nil:
							e.AddKV(1, ingressPathServiceKeys, r.Host, p.Path, pathType, b.Service.Name, strconv.Itoa(int(b.Service.Port.Number)))
						case b.Resource != nil:
							var group string
							if b.Resource.APIGroup != nil {
								group = *b.Resource.APIGroup
							}
							e.AddKV(1, ingressPathResourceKeys, r.Host, p.Path, pathType, group, b.Resource.Kind, b.Resource.Name)
						}
						// A path with neither backend (invalid, refused by the API server) makes KSM
						// panic on a nil pointer; it is skipped here.
					}
				}
			},
		},
		{
			Name: "kube_ingress_tls", Help: "Ingress TLS host and secret information.", Stability: Stable,
			Labels: []string{"tls_host", "secret"},
			Points: func(i *networkingv1.Ingress, e *Emitter) {
				for _, t := range i.Spec.TLS {
					for _, h := range t.Hosts {
						e.Add(1, h, t.SecretName)
					}
				}
			},
		},
	},
}

// ingressStrip keeps the class name, the HTTP rules (minus backend port names) and the TLS entries;
// the default backend and the status are dropped.
func ingressStrip(i *networkingv1.Ingress) {
	rules := i.Spec.Rules[:0]
	for _, r := range i.Spec.Rules {
		if r.HTTP == nil { // rules without HTTP paths yield no point
			continue
		}
		for j := range r.HTTP.Paths {
			if svc := r.HTTP.Paths[j].Backend.Service; svc != nil {
				svc.Port.Name = ""
			}
		}
		rules = append(rules, r)
	}
	clear(i.Spec.Rules[len(rules):])
	if len(rules) == 0 {
		rules = nil
	}
	i.Spec = networkingv1.IngressSpec{IngressClassName: i.Spec.IngressClassName, Rules: rules, TLS: i.Spec.TLS}
	i.Status = networkingv1.IngressStatus{}
}
