package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Services is KSM's services resource.
var Services = &Resource[*corev1.Service]{
	Name:       "services",
	Namespaced: true,
	Default:    true,
	Prefix:     []string{"namespace", "service", "uid"},
	PrefixValues: func(s *corev1.Service) []string {
		return []string{s.Namespace, s.Name, string(s.UID)}
	},
	New: func() *corev1.Service { return &corev1.Service{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.ServiceList] {
		return c.Kube.CoreV1().Services(ns)
	}),
	Strip: serviceStrip,
	Families: []Family[*corev1.Service]{
		{
			Name: "kube_service_info", Help: "Information about service.", Stability: Stable,
			Labels: []string{"cluster_ip", "external_name", "load_balancer_ip", "external_traffic_policy"},
			Points: func(s *corev1.Service, e *Emitter) {
				e.Add(1, s.Spec.ClusterIP, s.Spec.ExternalName, s.Spec.LoadBalancerIP, string(s.Spec.ExternalTrafficPolicy))
			},
		},
		{
			Name: "kube_service_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(s *corev1.Service, e *Emitter) { e.Timestamp(&s.CreationTimestamp) },
		},
		{
			Name: "kube_service_spec_type", Help: "Type about service.", Stability: Stable,
			Labels: []string{"type"},
			Points: func(s *corev1.Service, e *Emitter) { e.Add(1, string(s.Spec.Type)) },
		},
		{
			Name: "kube_service_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(s *corev1.Service, e *Emitter) { e.Annotations(s.Annotations) },
		},
		{
			Name: "kube_service_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(s *corev1.Service, e *Emitter) { e.Labels(s.Labels) },
		},
		{
			Name: "kube_service_spec_external_ip", Help: "Service external ips. One series for each ip", Stability: Stable,
			Labels: []string{"external_ip"},
			Points: func(s *corev1.Service, e *Emitter) {
				for _, ip := range s.Spec.ExternalIPs {
					e.Add(1, ip)
				}
			},
		},
		{
			Name: "kube_service_status_load_balancer_ingress", Help: "Service load balancer ingress status", Stability: Stable,
			Labels: []string{"ip", "hostname"},
			Points: func(s *corev1.Service, e *Emitter) {
				for _, in := range s.Status.LoadBalancer.Ingress {
					e.Add(1, in.IP, in.Hostname)
				}
			},
		},
		{
			Name: "kube_service_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(s *corev1.Service, e *Emitter) { e.Timestamp(s.DeletionTimestamp) },
		},
	},
}

// serviceStrip keeps the spec fields the families read and, of the load balancer status, only each
// ingress point's IP and hostname.
func serviceStrip(s *corev1.Service) {
	s.Spec = corev1.ServiceSpec{
		Type:                  s.Spec.Type,
		ClusterIP:             s.Spec.ClusterIP,
		ExternalIPs:           s.Spec.ExternalIPs,
		LoadBalancerIP:        s.Spec.LoadBalancerIP,
		ExternalName:          s.Spec.ExternalName,
		ExternalTrafficPolicy: s.Spec.ExternalTrafficPolicy,
	}
	in := s.Status.LoadBalancer.Ingress
	for i := range in {
		in[i] = corev1.LoadBalancerIngress{IP: in[i].IP, Hostname: in[i].Hostname}
	}
	s.Status = corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: in}}
}
