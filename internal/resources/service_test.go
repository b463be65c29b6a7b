package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubestate/kubestate/internal/family"
)

func TestServiceFamilies(t *testing.T) {
	meta := func(n int) metav1.ObjectMeta {
		s := string(rune('0' + n))
		return metav1.ObjectMeta{
			Name:              "test-service" + s,
			CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
			Namespace:         "default",
			UID:               types.UID("uid" + s),
			Labels:            map[string]string{"app": "example" + s},
		}
	}
	runGolden(t, Services, []golden[*corev1.Service]{
		{
			name: "cluster ip",
			obj: &corev1.Service{
				ObjectMeta: meta(1),
				Spec:       corev1.ServiceSpec{ClusterIP: "1.2.3.4", Type: corev1.ServiceTypeClusterIP},
			},
			want: `
				kube_service_created{namespace="default",service="test-service1",uid="uid1"} 1.5e+09
				kube_service_info{namespace="default",service="test-service1",uid="uid1",cluster_ip="1.2.3.4",external_name="",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service1",uid="uid1",type="ClusterIP"} 1`,
		},
		{
			name: "node port",
			obj: &corev1.Service{
				ObjectMeta: meta(2),
				Spec:       corev1.ServiceSpec{ClusterIP: "1.2.3.5", Type: corev1.ServiceTypeNodePort},
			},
			want: `
				kube_service_created{namespace="default",service="test-service2",uid="uid2"} 1.5e+09
				kube_service_info{namespace="default",service="test-service2",uid="uid2",cluster_ip="1.2.3.5",external_name="",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service2",uid="uid2",type="NodePort"} 1`,
		},
		{
			name: "load balancer ip",
			obj: &corev1.Service{
				ObjectMeta: meta(3),
				Spec:       corev1.ServiceSpec{ClusterIP: "1.2.3.6", LoadBalancerIP: "1.2.3.7", Type: corev1.ServiceTypeLoadBalancer},
			},
			want: `
				kube_service_created{namespace="default",service="test-service3",uid="uid3"} 1.5e+09
				kube_service_info{namespace="default",service="test-service3",uid="uid3",cluster_ip="1.2.3.6",external_name="",load_balancer_ip="1.2.3.7",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service3",uid="uid3",type="LoadBalancer"} 1`,
		},
		{
			name: "external name",
			obj: &corev1.Service{
				ObjectMeta: meta(4),
				Spec:       corev1.ServiceSpec{ExternalName: "www.example.com", Type: corev1.ServiceTypeExternalName},
			},
			want: `
				kube_service_created{namespace="default",service="test-service4",uid="uid4"} 1.5e+09
				kube_service_info{namespace="default",service="test-service4",uid="uid4",cluster_ip="",external_name="www.example.com",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service4",uid="uid4",type="ExternalName"} 1`,
		},
		{
			name: "load balancer ingress",
			obj: &corev1.Service{
				ObjectMeta: meta(5),
				Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer},
				Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
					{IP: "1.2.3.8", Hostname: "www.example.com"},
				}}},
			},
			want: `
				kube_service_created{namespace="default",service="test-service5",uid="uid5"} 1.5e+09
				kube_service_info{namespace="default",service="test-service5",uid="uid5",cluster_ip="",external_name="",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service5",uid="uid5",type="LoadBalancer"} 1
				kube_service_status_load_balancer_ingress{namespace="default",service="test-service5",uid="uid5",ip="1.2.3.8",hostname="www.example.com"} 1`,
		},
		{
			name: "external ips",
			obj: &corev1.Service{
				ObjectMeta: meta(6),
				Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ExternalIPs: []string{"1.2.3.9", "1.2.3.10"}},
			},
			want: `
				kube_service_created{namespace="default",service="test-service6",uid="uid6"} 1.5e+09
				kube_service_info{namespace="default",service="test-service6",uid="uid6",cluster_ip="",external_name="",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="default",service="test-service6",uid="uid6",type="ClusterIP"} 1
				kube_service_spec_external_ip{namespace="default",service="test-service6",uid="uid6",external_ip="1.2.3.9"} 1
				kube_service_spec_external_ip{namespace="default",service="test-service6",uid="uid6",external_ip="1.2.3.10"} 1`,
		},
		{
			name: "external traffic policy cluster",
			obj: &corev1.Service{
				ObjectMeta: meta(7),
				Spec:       corev1.ServiceSpec{ClusterIP: "1.2.3.11", Type: corev1.ServiceTypeClusterIP, ExternalTrafficPolicy: "Cluster"},
			},
			want: `
				kube_service_created{namespace="default",service="test-service7",uid="uid7"} 1.5e+09
				kube_service_info{namespace="default",service="test-service7",uid="uid7",cluster_ip="1.2.3.11",external_name="",load_balancer_ip="",external_traffic_policy="Cluster"} 1
				kube_service_spec_type{namespace="default",service="test-service7",uid="uid7",type="ClusterIP"} 1`,
		},
		{
			name: "external traffic policy local",
			obj: &corev1.Service{
				ObjectMeta: meta(8),
				Spec: corev1.ServiceSpec{
					ClusterIP: "1.2.3.12", LoadBalancerIP: "1.2.3.13", Type: corev1.ServiceTypeLoadBalancer, ExternalTrafficPolicy: "Local",
				},
			},
			want: `
				kube_service_created{namespace="default",service="test-service8",uid="uid8"} 1.5e+09
				kube_service_info{namespace="default",service="test-service8",uid="uid8",cluster_ip="1.2.3.12",external_name="",load_balancer_ip="1.2.3.13",external_traffic_policy="Local"} 1
				kube_service_spec_type{namespace="default",service="test-service8",uid="uid8",type="LoadBalancer"} 1`,
		},
		{
			name: "deletion timestamp",
			obj: func() *corev1.Service {
				s := &corev1.Service{ObjectMeta: meta(9), Spec: corev1.ServiceSpec{ClusterIP: "1.2.3.4", Type: corev1.ServiceTypeClusterIP}}
				s.DeletionTimestamp = &metav1.Time{Time: time.Unix(1800000000, 0)}
				return s
			}(),
			families: []string{"kube_service_deletion_timestamp"},
			want:     `kube_service_deletion_timestamp{namespace="default",service="test-service9",uid="uid9"} 1.8e+09`,
		},
		{
			name: "empty service: info and type with empty values, nothing else",
			obj:  &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}},
			want: `
				kube_service_info{namespace="ns",service="s",uid="",cluster_ip="",external_name="",load_balancer_ip="",external_traffic_policy=""} 1
				kube_service_spec_type{namespace="ns",service="s",uid="",type=""} 1`,
		},
		{
			name: "every field read survives strip; labels and annotations allowlisted",
			obj: &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{
					Name: "full", Namespace: "ns", UID: "u",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Labels:            map[string]string{"app": "web", "tier": "front"},
					Annotations:       map[string]string{"team": "net", "other": "x"},
				},
				Spec: corev1.ServiceSpec{
					Type: corev1.ServiceTypeLoadBalancer, ClusterIP: "10.0.0.1", ClusterIPs: []string{"10.0.0.1"},
					LoadBalancerIP: "1.1.1.1", ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyLocal,
					ExternalIPs: []string{"2.2.2.2"}, Selector: map[string]string{"app": "web"},
					Ports: []corev1.ServicePort{{Name: "http", Port: 80}},
				},
				Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{
					{IP: "3.3.3.3", Ports: []corev1.PortStatus{{Port: 80}}}, {Hostname: "lb.example.com"},
				}}},
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "*")},
			want: `
				kube_service_info{namespace="ns",service="full",uid="u",cluster_ip="10.0.0.1",external_name="",load_balancer_ip="1.1.1.1",external_traffic_policy="Local"} 1
				kube_service_created{namespace="ns",service="full",uid="u"} 1.5e+09
				kube_service_spec_type{namespace="ns",service="full",uid="u",type="LoadBalancer"} 1
				kube_service_annotations{namespace="ns",service="full",uid="u",annotation_other="x",annotation_team="net"} 1
				kube_service_labels{namespace="ns",service="full",uid="u",label_app="web"} 1
				kube_service_spec_external_ip{namespace="ns",service="full",uid="u",external_ip="2.2.2.2"} 1
				kube_service_status_load_balancer_ingress{namespace="ns",service="full",uid="u",ip="3.3.3.3",hostname=""} 1
				kube_service_status_load_balancer_ingress{namespace="ns",service="full",uid="u",ip="",hostname="lb.example.com"} 1
				kube_service_deletion_timestamp{namespace="ns",service="full",uid="u"} 1.8e+09`,
		},
		{
			name:     "allowlisted labels family with no matching key still emits",
			obj:      &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns", UID: "u"}},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "team")},
			families: []string{"kube_service_labels", "kube_service_annotations"},
			want: `
				kube_service_annotations{namespace="ns",service="s",uid="u"} 1
				kube_service_labels{namespace="ns",service="s",uid="u"} 1`,
		},
	})
}

func TestServiceStrip(t *testing.T) {
	s := &corev1.Service{
		Spec: corev1.ServiceSpec{
			ClusterIP: "10.0.0.1", Selector: map[string]string{"a": "b"}, Ports: []corev1.ServicePort{{Port: 80}},
			ClusterIPs: []string{"10.0.0.1"},
		},
		Status: corev1.ServiceStatus{
			LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "1.1.1.1", Ports: []corev1.PortStatus{{Port: 1}}}}},
			Conditions:   []metav1.Condition{{Type: "x"}},
		},
	}
	Services.Strip(s)
	if s.Spec.Selector != nil || s.Spec.Ports != nil || s.Spec.ClusterIPs != nil || s.Status.Conditions != nil || s.Status.LoadBalancer.Ingress[0].Ports != nil {
		t.Errorf("unread fields kept: %+v", s)
	}
	if s.Spec.ClusterIP != "10.0.0.1" || s.Status.LoadBalancer.Ingress[0].IP != "1.1.1.1" {
		t.Errorf("read fields dropped: %+v", s)
	}
}
