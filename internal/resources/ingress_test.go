package resources

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestIngressFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	meta := func(name, ns, rv string, labels map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, CreationTimestamp: start, ResourceVersion: rv, Labels: labels}
	}
	runGolden(t, Ingresses, []golden[*networkingv1.Ingress]{
		{
			name: "annotations allowlisted, zero resource version",
			obj: &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{
				Name: "ingress1", Namespace: "ns1", ResourceVersion: "000000",
				Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
			}},
			filter:   family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			families: []string{"kube_ingress_info", "kube_ingress_metadata_resource_version", "kube_ingress_annotations", "kube_ingress_labels"},
			want: `
				kube_ingress_info{namespace="ns1",ingress="ingress1",ingressclass="_default"} 1
				kube_ingress_metadata_resource_version{namespace="ns1",ingress="ingress1"} 0
				kube_ingress_annotations{namespace="ns1",ingress="ingress1",annotation_app_k8s_io_owner="@foo"} 1`,
		},
		{
			name: "created and numeric resource version",
			obj:  &networkingv1.Ingress{ObjectMeta: meta("ingress2", "ns2", "123456", nil)},
			want: `
				kube_ingress_info{namespace="ns2",ingress="ingress2",ingressclass="_default"} 1
				kube_ingress_created{namespace="ns2",ingress="ingress2"} 1.501569018e+09
				kube_ingress_metadata_resource_version{namespace="ns2",ingress="ingress2"} 123456`,
		},
		{
			name: "non-numeric resource version",
			obj:  &networkingv1.Ingress{ObjectMeta: meta("ingress3", "ns3", "abcdef", map[string]string{"test-3": "test-3"})},
			want: `
				kube_ingress_info{namespace="ns3",ingress="ingress3",ingressclass="_default"} 1
				kube_ingress_created{namespace="ns3",ingress="ingress3"} 1.501569018e+09`,
		},
		{
			name: "paths with service and resource backends",
			obj: &networkingv1.Ingress{
				ObjectMeta: meta("ingress4", "ns4", "abcdef", map[string]string{"test-4": "test-4"}),
				Spec: networkingv1.IngressSpec{
					Rules: []networkingv1.IngressRule{
						{
							Host: "somehost",
							IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
								{
									Path: "/somepath",
									Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
										Name: "someservice", Port: networkingv1.ServiceBackendPort{Number: 1234},
									}},
									PathType: ptr.To(networkingv1.PathTypeExact),
								},
								{
									Path:    "/somepath2",
									Backend: networkingv1.IngressBackend{Resource: &corev1.TypedLocalObjectReference{Kind: "somekind", Name: "somename"}},
								},
							}}},
						},
						{Host: "somehost2"},
					},
				},
			},
			want: `
				kube_ingress_info{namespace="ns4",ingress="ingress4",ingressclass="_default"} 1
				kube_ingress_created{namespace="ns4",ingress="ingress4"} 1.501569018e+09
				kube_ingress_path{namespace="ns4",ingress="ingress4",host="somehost",path="/somepath",path_type="Exact",service_name="someservice",service_port="1234"} 1
				kube_ingress_path{namespace="ns4",ingress="ingress4",host="somehost",path="/somepath2",path_type="",resource_api_group="",resource_kind="somekind",resource_name="somename"} 1`,
		},
		{
			name: "tls",
			obj: &networkingv1.Ingress{
				ObjectMeta: meta("ingress5", "ns5", "abcdef", map[string]string{"test-5": "test-5"}),
				Spec: networkingv1.IngressSpec{TLS: []networkingv1.IngressTLS{
					{Hosts: []string{"somehost1", "somehost2"}, SecretName: "somesecret"},
				}},
			},
			want: `
				kube_ingress_info{namespace="ns5",ingress="ingress5",ingressclass="_default"} 1
				kube_ingress_created{namespace="ns5",ingress="ingress5"} 1.501569018e+09
				kube_ingress_tls{namespace="ns5",ingress="ingress5",tls_host="somehost1",secret="somesecret"} 1
				kube_ingress_tls{namespace="ns5",ingress="ingress5",tls_host="somehost2",secret="somesecret"} 1`,
		},
		{
			name: "ingress class name",
			obj: &networkingv1.Ingress{
				ObjectMeta: meta("ingress6", "ns6", "123456", nil),
				Spec:       networkingv1.IngressSpec{IngressClassName: ptr.To("test")},
			},
			want: `
				kube_ingress_info{namespace="ns6",ingress="ingress6",ingressclass="test"} 1
				kube_ingress_created{namespace="ns6",ingress="ingress6"} 1.501569018e+09
				kube_ingress_metadata_resource_version{namespace="ns6",ingress="ingress6"} 123456`,
		},
		{
			name: "ingress class annotation",
			obj: func() *networkingv1.Ingress {
				i := &networkingv1.Ingress{ObjectMeta: meta("ingress7", "ns7", "123456", nil)}
				i.Annotations = map[string]string{"kubernetes.io/ingress.class": "test"}
				return i
			}(),
			want: `
				kube_ingress_info{namespace="ns7",ingress="ingress7",ingressclass="test"} 1
				kube_ingress_created{namespace="ns7",ingress="ingress7"} 1.501569018e+09
				kube_ingress_metadata_resource_version{namespace="ns7",ingress="ingress7"} 123456`,
		},
		{
			name: "empty class annotation wins over the class name",
			obj: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "ns", Annotations: map[string]string{"kubernetes.io/ingress.class": ""}},
				Spec:       networkingv1.IngressSpec{IngressClassName: ptr.To("nginx")},
			},
			families: []string{"kube_ingress_info"},
			want:     `kube_ingress_info{namespace="ns",ingress="i",ingressclass=""} 1`,
		},
		{
			name: "every field read survives strip; labels allowlisted",
			obj: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "ns", ResourceVersion: "7", Labels: map[string]string{"app": "web"}},
				Spec: networkingv1.IngressSpec{
					IngressClassName: ptr.To("nginx"),
					DefaultBackend:   &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "default"}},
					Rules: []networkingv1.IngressRule{
						{Host: "nohttp"},
						{
							Host: "h",
							IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
								{
									Path: "/a", PathType: ptr.To(networkingv1.PathTypePrefix),
									Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
										Name: "svc", Port: networkingv1.ServiceBackendPort{Name: "http"},
									}},
								},
								{
									Path: "/b", PathType: ptr.To(networkingv1.PathTypeImplementationSpecific),
									Backend: networkingv1.IngressBackend{Resource: &corev1.TypedLocalObjectReference{
										APIGroup: ptr.To("k8s.example.com"), Kind: "StorageBucket", Name: "static",
									}},
								},
								{Path: "/no-backend"},
							}}},
						},
					},
					TLS: []networkingv1.IngressTLS{{Hosts: []string{"h"}}},
				},
				Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{
					Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "1.1.1.1"}},
				}},
			},
			filter: family.Filter{Labels: allow(t, "app")},
			want: `
				kube_ingress_info{namespace="ns",ingress="i",ingressclass="nginx"} 1
				kube_ingress_labels{namespace="ns",ingress="i",label_app="web"} 1
				kube_ingress_metadata_resource_version{namespace="ns",ingress="i"} 7
				kube_ingress_path{namespace="ns",ingress="i",host="h",path="/a",path_type="Prefix",service_name="svc",service_port="0"} 1
				kube_ingress_path{namespace="ns",ingress="i",host="h",path="/b",path_type="ImplementationSpecific",resource_api_group="k8s.example.com",resource_kind="StorageBucket",resource_name="static"} 1
				kube_ingress_tls{namespace="ns",ingress="i",tls_host="h",secret=""} 1`,
		},
	})
}

func TestIngressStrip(t *testing.T) {
	i := &networkingv1.Ingress{
		Spec: networkingv1.IngressSpec{
			DefaultBackend: &networkingv1.IngressBackend{},
			Rules: []networkingv1.IngressRule{
				{Host: "a"},
				{Host: "b", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{
					{Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "s", Port: networkingv1.ServiceBackendPort{Name: "http", Number: 80}}}},
				}}}},
			},
		},
		Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "1.1.1.1"}}}},
	}
	Ingresses.Strip(i)
	if i.Spec.DefaultBackend != nil || i.Status.LoadBalancer.Ingress != nil || len(i.Spec.Rules) != 1 {
		t.Fatalf("unread fields kept: %+v", i)
	}
	if svc := i.Spec.Rules[0].HTTP.Paths[0].Backend.Service; i.Spec.Rules[0].Host != "b" || svc.Name != "s" || svc.Port.Number != 80 || svc.Port.Name != "" {
		t.Errorf("strip: got %+v", i.Spec.Rules[0])
	}
}
