package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestEndpointFamilies(t *testing.T) {
	created := metav1.Time{Time: time.Unix(1500000000, 0)}
	multi := func() *corev1.Endpoints {
		return &corev1.Endpoints{
			ObjectMeta: metav1.ObjectMeta{
				Name: "test-endpoint", CreationTimestamp: created, Namespace: "default",
				Labels: map[string]string{"app": "foobar"}, Annotations: map[string]string{"app": "foobar"},
			},
			Subsets: []corev1.EndpointSubset{
				{
					Addresses:         []corev1.EndpointAddress{{IP: "127.0.0.1"}, {IP: "10.0.0.1"}},
					NotReadyAddresses: []corev1.EndpointAddress{{IP: "10.0.0.10"}},
					Ports: []corev1.EndpointPort{
						{Port: 8080, Name: "http", Protocol: corev1.ProtocolTCP}, {Port: 8081, Name: "app", Protocol: corev1.ProtocolTCP},
					},
				},
				{
					Addresses: []corev1.EndpointAddress{{IP: "172.22.23.202"}},
					Ports: []corev1.EndpointPort{
						{Port: 8443, Name: "https", Protocol: corev1.ProtocolTCP}, {Port: 9090, Name: "prometheus", Protocol: corev1.ProtocolTCP},
					},
				},
				{
					NotReadyAddresses: []corev1.EndpointAddress{{IP: "192.168.1.3"}, {IP: "192.168.2.2"}},
					Ports: []corev1.EndpointPort{
						{Port: 1234, Name: "syslog", Protocol: corev1.ProtocolUDP}, {Port: 5678, Name: "syslog-tcp", Protocol: corev1.ProtocolTCP},
					},
				},
			},
		}
	}
	const multiWant = `
		kube_endpoint_created{namespace="default",endpoint="test-endpoint"} 1.5e+09
		kube_endpoint_info{namespace="default",endpoint="test-endpoint"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8081",port_name="app",ip="10.0.0.1",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8080",port_name="http",ip="10.0.0.1",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8081",port_name="app",ip="10.0.0.10",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8080",port_name="http",ip="10.0.0.10",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8081",port_name="app",ip="127.0.0.1",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8080",port_name="http",ip="127.0.0.1",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="8443",port_name="https",ip="172.22.23.202",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="9090",port_name="prometheus",ip="172.22.23.202",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="UDP",port_number="1234",port_name="syslog",ip="192.168.1.3",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="5678",port_name="syslog-tcp",ip="192.168.1.3",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="UDP",port_number="1234",port_name="syslog",ip="192.168.2.2",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="test-endpoint",port_protocol="TCP",port_number="5678",port_name="syslog-tcp",ip="192.168.2.2",ready="false"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="http",port_protocol="TCP",port_number="8080"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="app",port_protocol="TCP",port_number="8081"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="https",port_protocol="TCP",port_number="8443"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="prometheus",port_protocol="TCP",port_number="9090"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="syslog",port_protocol="UDP",port_number="1234"} 1
		kube_endpoint_ports{namespace="default",endpoint="test-endpoint",port_name="syslog-tcp",port_protocol="TCP",port_number="5678"} 1`
	single := func() *corev1.Endpoints {
		return &corev1.Endpoints{
			ObjectMeta: metav1.ObjectMeta{
				Name: "single-port-endpoint", CreationTimestamp: created, Namespace: "default",
				Labels: map[string]string{"app": "single-foobar"}, Annotations: map[string]string{"app": "single-foobar"},
			},
			Subsets: []corev1.EndpointSubset{{
				Addresses:         []corev1.EndpointAddress{{IP: "127.0.0.1"}, {IP: "10.0.0.1"}},
				NotReadyAddresses: []corev1.EndpointAddress{{IP: "10.0.0.10"}},
				Ports:             []corev1.EndpointPort{{Port: 8080, Protocol: corev1.ProtocolTCP}},
			}},
		}
	}
	const singleWant = `
		kube_endpoint_created{namespace="default",endpoint="single-port-endpoint"} 1.5e+09
		kube_endpoint_info{namespace="default",endpoint="single-port-endpoint"} 1
		kube_endpoint_ports{namespace="default",endpoint="single-port-endpoint",port_name="",port_protocol="TCP",port_number="8080"} 1
		kube_endpoint_address{namespace="default",endpoint="single-port-endpoint",port_protocol="TCP",port_number="8080",port_name="",ip="10.0.0.1",ready="true"} 1
		kube_endpoint_address{namespace="default",endpoint="single-port-endpoint",port_protocol="TCP",port_number="8080",port_name="",ip="10.0.0.10",ready="false"} 1
		kube_endpoint_address{namespace="default",endpoint="single-port-endpoint",port_protocol="TCP",port_number="8080",port_name="",ip="127.0.0.1",ready="true"} 1`
	appOnly := family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app")}
	runGolden(t, Endpoints, []golden[*corev1.Endpoints]{
		{name: "multiple subsets", obj: multi(), want: multiWant},
		{name: "single unnamed port", obj: single(), want: singleWant},
		{
			name: "multiple subsets, labels and annotations allowlisted", obj: multi(), filter: appOnly,
			want: multiWant + `
				kube_endpoint_annotations{namespace="default",endpoint="test-endpoint",annotation_app="foobar"} 1
				kube_endpoint_labels{namespace="default",endpoint="test-endpoint",label_app="foobar"} 1`,
		},
		{
			name: "single unnamed port, labels and annotations allowlisted", obj: single(), filter: appOnly,
			want: singleWant + `
				kube_endpoint_annotations{namespace="default",endpoint="single-port-endpoint",annotation_app="single-foobar"} 1
				kube_endpoint_labels{namespace="default",endpoint="single-port-endpoint",label_app="single-foobar"} 1`,
		},
		{
			name: "no subsets and no creation timestamp: info only",
			obj:  &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "e", Namespace: "ns"}},
			want: `kube_endpoint_info{namespace="ns",endpoint="e"} 1`,
		},
		{
			name: "addresses without ports report nothing; ports without addresses only ports",
			obj: &corev1.Endpoints{
				ObjectMeta: metav1.ObjectMeta{Name: "e", Namespace: "ns"},
				Subsets: []corev1.EndpointSubset{
					{Addresses: []corev1.EndpointAddress{{IP: "1.1.1.1", Hostname: "h", NodeName: ptr.To("n")}}},
					{Ports: []corev1.EndpointPort{{Name: "p", Port: 1, Protocol: corev1.ProtocolSCTP, AppProtocol: ptr.To("x")}}},
				},
			},
			want: `
				kube_endpoint_info{namespace="ns",endpoint="e"} 1
				kube_endpoint_ports{namespace="ns",endpoint="e",port_name="p",port_protocol="SCTP",port_number="1"} 1`,
		},
	})
}

func TestEndpointStrip(t *testing.T) {
	ep := &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
		Addresses:         []corev1.EndpointAddress{{IP: "1.1.1.1", Hostname: "h", NodeName: ptr.To("n"), TargetRef: &corev1.ObjectReference{Name: "p"}}},
		NotReadyAddresses: []corev1.EndpointAddress{{IP: "2.2.2.2", Hostname: "h"}},
		Ports:             []corev1.EndpointPort{{Name: "p", Port: 1, Protocol: corev1.ProtocolTCP, AppProtocol: ptr.To("x")}},
	}}}
	Endpoints.Strip(ep)
	want := corev1.EndpointSubset{
		Addresses:         []corev1.EndpointAddress{{IP: "1.1.1.1"}},
		NotReadyAddresses: []corev1.EndpointAddress{{IP: "2.2.2.2"}},
		Ports:             []corev1.EndpointPort{{Name: "p", Port: 1, Protocol: corev1.ProtocolTCP}},
	}
	if got := ep.Subsets[0]; got.Addresses[0] != want.Addresses[0] || got.NotReadyAddresses[0] != want.NotReadyAddresses[0] || got.Ports[0] != want.Ports[0] {
		t.Errorf("strip: got %+v, want %+v", got, want)
	}
}
