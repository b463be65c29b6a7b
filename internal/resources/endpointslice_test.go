package resources

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestEndpointSliceFamilies(t *testing.T) {
	conds := discoveryv1.EndpointConditions{Ready: ptr.To(true), Terminating: ptr.To(false), Serving: ptr.To(true)}
	endpoint := func(hints *discoveryv1.EndpointHints) discoveryv1.Endpoint {
		return discoveryv1.Endpoint{
			NodeName: ptr.To("node"), Conditions: conds, Hostname: ptr.To("host"), Zone: ptr.To("west"),
			Addresses: []string{"10.0.0.1", "192.168.1.10"}, Hints: hints,
		}
	}
	const endpointsWant = `
		kube_endpointslice_endpoints{endpointslice="test_endpointslice-endpoints",namespace="test",ready="true",serving="true",hostname="host",terminating="false",targetref_kind="",targetref_name="",targetref_namespace="",endpoint_nodename="node",endpoint_zone="west",address="10.0.0.1"} 1
		kube_endpointslice_endpoints{endpointslice="test_endpointslice-endpoints",namespace="test",ready="true",serving="true",hostname="host",terminating="false",targetref_kind="",targetref_name="",targetref_namespace="",endpoint_nodename="node",endpoint_zone="west",address="192.168.1.10"} 1`
	hintsAndEndpoints := []string{"kube_endpointslice_endpoints", "kube_endpointslice_endpoints_hints"}
	runGolden(t, EndpointSlices, []golden[*discoveryv1.EndpointSlice]{
		{
			name:     "info",
			obj:      &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: "test_endpointslice-info", Namespace: "test"}, AddressType: "IPv4"},
			families: []string{"kube_endpointslice_info"},
			want:     `kube_endpointslice_info{endpointslice="test_endpointslice-info",namespace="test",addresstype="IPv4"} 1`,
		},
		{
			name: "created",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_kube_endpointslice-created", Namespace: "test", CreationTimestamp: metav1.Unix(1501569018, 0)},
				AddressType: "IPv4",
			},
			families: []string{"kube_endpointslice_created"},
			want:     `kube_endpointslice_created{endpointslice="test_kube_endpointslice-created",namespace="test"} 1.501569018e+09`,
		},
		{
			name: "ports",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_endpointslice-ports", Namespace: "test"},
				AddressType: "IPv4",
				Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](80), Protocol: ptr.To(corev1.ProtocolTCP), AppProtocol: ptr.To("h2c")}},
			},
			families: []string{"kube_endpointslice_ports"},
			want:     `kube_endpointslice_ports{endpointslice="test_endpointslice-ports",namespace="test",port_name="http",port_protocol="TCP",port_number="80"} 1`,
		},
		{
			name: "port without number",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_endpointslice-ports-without-number", Namespace: "test"},
				AddressType: "IPv4",
				Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Protocol: ptr.To(corev1.ProtocolTCP)}},
			},
			families: []string{"kube_endpointslice_ports"},
			want:     `kube_endpointslice_ports{endpointslice="test_endpointslice-ports-without-number",namespace="test",port_name="http",port_protocol="TCP",port_number=""} 1`,
		},
		{
			name: "port with every field unset",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta: metav1.ObjectMeta{Name: "es", Namespace: "test"},
				Ports:      []discoveryv1.EndpointPort{{}},
			},
			families: []string{"kube_endpointslice_ports"},
			want:     `kube_endpointslice_ports{endpointslice="es",namespace="test",port_name="",port_protocol="",port_number=""} 1`,
		},
		{
			name: "endpoints without hints",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_endpointslice-endpoints", Namespace: "test"},
				AddressType: "IPv4",
				Endpoints:   []discoveryv1.Endpoint{endpoint(nil)},
			},
			families: hintsAndEndpoints,
			want:     endpointsWant,
		},
		{
			name: "endpoints with a zone hint: first address only",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_endpointslice-endpoints", Namespace: "test"},
				AddressType: "IPv4",
				Endpoints:   []discoveryv1.Endpoint{endpoint(&discoveryv1.EndpointHints{ForZones: []discoveryv1.ForZone{{Name: "zone1"}}})},
			},
			families: hintsAndEndpoints,
			want: endpointsWant + `
				kube_endpointslice_endpoints_hints{endpointslice="test_endpointslice-endpoints",namespace="test",address="10.0.0.1",for_zone="zone1"} 1`,
		},
		{
			name: "annotations allowlisted, labels not",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta: metav1.ObjectMeta{
					Name: "test_endpointslice-labels", Namespace: "test",
					Annotations: map[string]string{"foo": "baz"}, Labels: map[string]string{"foo": "bar"},
				},
				AddressType: "IPv4",
			},
			filter:   family.Filter{Annotations: allow(t, "foo")},
			families: []string{"kube_endpointslice_annotations", "kube_endpointslice_labels"},
			want:     `kube_endpointslice_annotations{endpointslice="test_endpointslice-labels",namespace="test",annotation_foo="baz"} 1`,
		},
		{
			name: "labels allowlisted",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta: metav1.ObjectMeta{Name: "es", Namespace: "test", Labels: map[string]string{"foo": "bar"}},
			},
			filter:   family.Filter{Labels: allow(t, "foo")},
			families: []string{"kube_endpointslice_annotations", "kube_endpointslice_labels"},
			want:     `kube_endpointslice_labels{endpointslice="es",namespace="test",label_foo="bar"} 1`,
		},
		{
			name: "one hint per zone",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "es", Namespace: "ns"},
				AddressType: discoveryv1.AddressTypeIPv4,
				Endpoints: []discoveryv1.Endpoint{{
					Addresses: []string{"10.0.0.1"},
					Hints: &discoveryv1.EndpointHints{
						ForZones: []discoveryv1.ForZone{{Name: "zone-a"}, {Name: "zone-b"}, {Name: "zone-c"}},
						ForNodes: []discoveryv1.ForNode{{Name: "n"}},
					},
				}},
			},
			families: []string{"kube_endpointslice_endpoints_hints"},
			want: `
				kube_endpointslice_endpoints_hints{endpointslice="es",namespace="ns",address="10.0.0.1",for_zone="zone-a"} 1
				kube_endpointslice_endpoints_hints{endpointslice="es",namespace="ns",address="10.0.0.1",for_zone="zone-b"} 1
				kube_endpointslice_endpoints_hints{endpointslice="es",namespace="ns",address="10.0.0.1",for_zone="zone-c"} 1`,
		},
		{
			name: "hints on an endpoint without addresses, and node-only hints, are skipped",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "es", Namespace: "ns"},
				AddressType: discoveryv1.AddressTypeIPv4,
				Endpoints: []discoveryv1.Endpoint{
					{Hints: &discoveryv1.EndpointHints{ForZones: []discoveryv1.ForZone{{Name: "zone-a"}}}},
					{Addresses: []string{"10.0.0.2"}, Hints: &discoveryv1.EndpointHints{ForNodes: []discoveryv1.ForNode{{Name: "n"}}}},
				},
			},
			families: hintsAndEndpoints,
			want:     `kube_endpointslice_endpoints{endpointslice="es",namespace="ns",ready="",serving="",hostname="",terminating="",targetref_kind="",targetref_name="",targetref_namespace="",endpoint_nodename="",endpoint_zone="",address="10.0.0.2"} 1`,
		},
		{
			name: "target ref and false conditions survive strip",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "es", Namespace: "ns"},
				AddressType: discoveryv1.AddressTypeIPv6,
				Endpoints: []discoveryv1.Endpoint{{
					Addresses:          []string{"fd00::1"},
					Conditions:         discoveryv1.EndpointConditions{Ready: ptr.To(false), Serving: ptr.To(false), Terminating: ptr.To(true)},
					TargetRef:          &corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: "ns", UID: "u", ResourceVersion: "1"},
					DeprecatedTopology: map[string]string{"a": "b"},
				}},
			},
			want: `
				kube_endpointslice_info{endpointslice="es",namespace="ns",addresstype="IPv6"} 1
				kube_endpointslice_endpoints{endpointslice="es",namespace="ns",ready="false",serving="false",hostname="",terminating="true",targetref_kind="Pod",targetref_name="p",targetref_namespace="ns",endpoint_nodename="",endpoint_zone="",address="fd00::1"} 1`,
		},
		{
			name: "empty slice: info with empty address type only",
			obj:  &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: "es", Namespace: "ns"}},
			want: `kube_endpointslice_info{endpointslice="es",namespace="ns",addresstype=""} 1`,
		},
	})
}

func TestEndpointSliceStrip(t *testing.T) {
	s := &discoveryv1.EndpointSlice{
		Endpoints: []discoveryv1.Endpoint{{
			Addresses:          []string{"10.0.0.1"},
			TargetRef:          &corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: "ns", UID: "u"},
			DeprecatedTopology: map[string]string{"a": "b"},
			Hints:              &discoveryv1.EndpointHints{ForZones: []discoveryv1.ForZone{{Name: "z"}}, ForNodes: []discoveryv1.ForNode{{Name: "n"}}},
		}},
		Ports: []discoveryv1.EndpointPort{{AppProtocol: ptr.To("h2c")}},
	}
	EndpointSlices.Strip(s)
	ep := s.Endpoints[0]
	if ep.DeprecatedTopology != nil || ep.TargetRef.UID != "" || ep.Hints.ForNodes != nil || s.Ports[0].AppProtocol != nil {
		t.Errorf("unread fields kept: %+v", s)
	}
	if ep.TargetRef.Name != "p" || len(ep.Hints.ForZones) != 1 || len(ep.Addresses) != 1 {
		t.Errorf("read fields dropped: %+v", s)
	}
}
