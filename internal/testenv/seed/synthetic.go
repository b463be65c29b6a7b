package seed

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// Size describes a synthetic cluster. Pods are spread evenly over Deployments, which are spread over
// Namespaces; every pod has two containers and a status like a kubelet would write.
type Size struct {
	Nodes       int
	Namespaces  int
	Deployments int
	Pods        int
	Workers     int // parallel API calls; zero means 16
}

// Synthetic creates a cluster of the given size and reports progress to log.
func Synthetic(ctx context.Context, cs kubernetes.Interface, sz Size, log io.Writer) error {
	if sz.Workers == 0 {
		sz.Workers = 16
	}
	if sz.Nodes < 1 || sz.Namespaces < 1 || sz.Deployments < sz.Namespaces || sz.Pods < 0 {
		return fmt.Errorf("synthetic cluster: need nodes>=1, namespaces>=1, deployments>=namespaces, pods>=0 (got %+v)", sz)
	}
	if log == nil {
		log = io.Discard
	}
	start := time.Now()
	if err := Parallel(ctx, sz.Workers, sz.Nodes, func(ctx context.Context, i int) error {
		return createNode(ctx, cs, i)
	}); err != nil {
		return err
	}
	fmt.Fprintf(log, "seed: %d nodes\n", sz.Nodes)
	for i := 0; i < sz.Namespaces; i++ {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("synth-%03d", i), Labels: map[string]string{"team": fmt.Sprintf("team-%d", i%5)}}}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("namespace %s: %w", ns.Name, err)
		}
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns.Name}}
		if _, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("serviceaccount %s/default: %w", ns.Name, err)
		}
	}
	fmt.Fprintf(log, "seed: %d namespaces\n", sz.Namespaces)
	rsUIDs := make([]metav1.OwnerReference, sz.Deployments)
	if err := Parallel(ctx, sz.Workers, sz.Deployments, func(ctx context.Context, d int) error {
		ref, err := createWorkload(ctx, cs, sz, d)
		rsUIDs[d] = ref
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(log, "seed: %d deployments with their replicasets\n", sz.Deployments)
	var done atomic.Int64
	lastReport := time.Now()
	var reportMu sync.Mutex
	err := Parallel(ctx, sz.Workers, sz.Pods, func(ctx context.Context, p int) error {
		d := p % sz.Deployments
		if err := CreatePod(ctx, cs, SyntheticPod(sz, d, p/sz.Deployments, rsUIDs[d], p)); err != nil {
			return err
		}
		n := done.Add(1)
		reportMu.Lock()
		if time.Since(lastReport) > 5*time.Second {
			fmt.Fprintf(log, "seed: %d/%d pods (%.0f/s)\n", n, sz.Pods, float64(n)/time.Since(start).Seconds())
			lastReport = time.Now()
		}
		reportMu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "seed: synthetic cluster of %d nodes, %d namespaces, %d deployments, %d pods in %.1fs\n",
		sz.Nodes, sz.Namespaces, sz.Deployments, sz.Pods, time.Since(start).Seconds())
	return nil
}

func nsOf(sz Size, d int) string { return fmt.Sprintf("synth-%03d", d%sz.Namespaces) }

// SyntheticNode is node i of the synthetic cluster, with the status a kubelet would report at now.
func SyntheticNode(i int, now metav1.Time) *corev1.Node {
	name := fmt.Sprintf("node-%04d", i)
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			"kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "m5.2xlarge", "topology.kubernetes.io/zone": fmt.Sprintf("zone-%c", 'a'+i%3),
		}},
		Spec: corev1.NodeSpec{PodCIDR: fmt.Sprintf("10.%d.%d.0/24", 64+i/256, i%256), ProviderID: "synthetic://" + name},
		Status: corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"), corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("100Gi")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("7910m"), corev1.ResourceMemory: resource.MustParse("31Gi"), corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("95Gi")},
			Conditions: []corev1.NodeCondition{
				{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: now, LastTransitionTime: now, Reason: "KubeletReady"},
				{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, LastHeartbeatTime: now, LastTransitionTime: now},
				{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, LastHeartbeatTime: now, LastTransitionTime: now},
				{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, LastHeartbeatTime: now, LastTransitionTime: now},
			},
			Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("10.0.%d.%d", i/256, i%256)}, {Type: corev1.NodeHostName, Address: name}},
			NodeInfo: corev1.NodeSystemInfo{KernelVersion: "6.1.0-18-amd64", OSImage: "Debian GNU/Linux 12 (bookworm)", ContainerRuntimeVersion: "containerd://1.7.13",
				KubeletVersion: "v1.37.2", KubeProxyVersion: "v1.37.2", OperatingSystem: "linux", Architecture: "amd64", SystemUUID: fmt.Sprintf("uuid-%04d", i), BootID: fmt.Sprintf("boot-%04d", i)},
		},
	}
}

// createNode creates node i, then writes its status (the only way a status reaches a Node).
func createNode(ctx context.Context, cs kubernetes.Interface, i int) error {
	n := SyntheticNode(i, metav1.Now())
	status := n.Status
	n.Status = corev1.NodeStatus{}
	created, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("node %s: %w", n.Name, err)
	}
	created.Status = status
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("node %s status: %w", n.Name, err)
	}
	return nil
}

func createWorkload(ctx context.Context, cs kubernetes.Interface, sz Size, d int) (metav1.OwnerReference, error) {
	ns := nsOf(sz, d)
	name := fmt.Sprintf("app-%04d", d)
	replicas := int32((sz.Pods + sz.Deployments - 1 - d) / sz.Deployments)
	labels := map[string]string{"app": name}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec("", name)}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(replicas), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl},
	}
	created, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		created, err = cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	}
	if err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("deployment %s/%s: %w", ns, name, err)
	}
	created.Status = appsv1.DeploymentStatus{ObservedGeneration: created.Generation, Replicas: replicas, UpdatedReplicas: replicas, ReadyReplicas: replicas, AvailableReplicas: replicas,
		Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"}, {Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"}}}
	if _, err := cs.AppsV1().Deployments(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("deployment %s/%s status: %w", ns, name, err)
	}
	rsLabels := map[string]string{"app": name, "pod-template-hash": "5d8f7c9b4"}
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-5d8f7c9b4", Namespace: ns, Labels: rsLabels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: name, UID: created.UID, Controller: ptr.To(true)}}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(replicas), Selector: &metav1.LabelSelector{MatchLabels: rsLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: rsLabels}, Spec: podSpec("", name)}},
	}
	crs, err := cs.AppsV1().ReplicaSets(ns).Create(ctx, rs, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		crs, err = cs.AppsV1().ReplicaSets(ns).Get(ctx, rs.Name, metav1.GetOptions{})
	}
	if err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("replicaset %s/%s: %w", ns, rs.Name, err)
	}
	crs.Status = appsv1.ReplicaSetStatus{Replicas: replicas, FullyLabeledReplicas: replicas, ReadyReplicas: replicas, AvailableReplicas: replicas, ObservedGeneration: crs.Generation}
	if _, err := cs.AppsV1().ReplicaSets(ns).UpdateStatus(ctx, crs, metav1.UpdateOptions{}); err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("replicaset %s/%s status: %w", ns, rs.Name, err)
	}
	return metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: crs.Name, UID: crs.UID, Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}, nil
}

func podSpec(node, app string) corev1.PodSpec {
	res := func(cpu, mem string) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(mem)},
		}
	}
	return corev1.PodSpec{
		NodeName: node,
		Containers: []corev1.Container{
			{Name: "app", Image: "registry.example/" + app + ":1.4.2", Resources: res("100m", "128Mi"), Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}},
			{Name: "sidecar", Image: "registry.example/proxy:2.1.0", Resources: res("50m", "64Mi")},
		},
	}
}

// SyntheticPod is pod number i (replica r of deployment d) of a synthetic cluster: mostly running and
// ready, with a deterministic share pending, crash-looping, or failed, as in a real cluster.
func SyntheticPod(sz Size, d, r int, owner metav1.OwnerReference, i int) *corev1.Pod {
	ns := nsOf(sz, d)
	app := fmt.Sprintf("app-%04d", d)
	node := fmt.Sprintf("node-%04d", i%sz.Nodes)
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-5d8f7c9b4-%05d", app, r), Namespace: ns,
			Labels: map[string]string{"app": app, "pod-template-hash": "5d8f7c9b4"}, OwnerReferences: []metav1.OwnerReference{owner}},
		Spec: podSpec(node, app),
	}
	p.Spec.ServiceAccountName = "default"
	start := metav1.NewTime(time.Now().Add(-time.Duration(i%3600) * time.Second).Truncate(time.Second))
	running := func(name string, restarts int32) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: name, Ready: true, Started: ptr.To(true), RestartCount: restarts, Image: "registry.example/" + name, ImageID: "sha256:0123", ContainerID: "containerd://" + name,
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: start}}}
	}
	cond := func(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: s, LastTransitionTime: start}
	}
	p.Status = corev1.PodStatus{Phase: corev1.PodRunning, HostIP: fmt.Sprintf("10.0.%d.%d", (i%sz.Nodes)/256, (i%sz.Nodes)%256), PodIP: fmt.Sprintf("10.%d.%d.%d", 64+(i/65536)%64, (i/256)%256, i%256), StartTime: &start, QOSClass: corev1.PodQOSBurstable,
		Conditions:        []corev1.PodCondition{cond(corev1.PodScheduled, corev1.ConditionTrue), cond(corev1.PodInitialized, corev1.ConditionTrue), cond(corev1.ContainersReady, corev1.ConditionTrue), cond(corev1.PodReady, corev1.ConditionTrue)},
		ContainerStatuses: []corev1.ContainerStatus{running("app", int32(i%7/6)), running("sidecar", 0)}}
	switch i % 50 {
	case 7: // pending: not yet pulled
		p.Status.Phase = corev1.PodPending
		p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodScheduled, corev1.ConditionTrue), cond(corev1.PodReady, corev1.ConditionFalse)}
		for j := range p.Status.ContainerStatuses {
			p.Status.ContainerStatuses[j].Ready, p.Status.ContainerStatuses[j].Started = false, ptr.To(false)
			p.Status.ContainerStatuses[j].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}
		}
	case 19: // crash-looping app container
		cs := &p.Status.ContainerStatuses[0]
		cs.Ready, cs.RestartCount = false, 12
		cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off restarting failed container"}}
		cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", StartedAt: start, FinishedAt: start}}
		p.Status.Conditions[3].Status = corev1.ConditionFalse
		p.Status.Conditions[2].Status = corev1.ConditionFalse
	case 33: // evicted
		p.Status.Phase = corev1.PodFailed
		p.Status.Reason = "Evicted"
		p.Status.Conditions[3].Status = corev1.ConditionFalse
		for j := range p.Status.ContainerStatuses {
			p.Status.ContainerStatuses[j].Ready, p.Status.ContainerStatuses[j].Started = false, ptr.To(false)
			p.Status.ContainerStatuses[j].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", StartedAt: start, FinishedAt: start}}
		}
	}
	return p
}

// CreatePod creates a pod and writes its status, as a scheduler and kubelet would have.
// ServedPods are n of the synthetic cluster's pods of a 10,000-pod cluster as the apiserver
// returns them (uid, creation time, default tolerations, restart policy, scheduler, pod IPs), for
// benchmarks that need realistic pods without an apiserver.
func ServedPods(n int) []*corev1.Pod {
	sz := Size{Nodes: 100, Namespaces: 20, Deployments: 1000, Pods: 10000}
	owner := metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "app-5d8f7c9b4", UID: "5c4d1f6e-1b2a-4c3d-9e8f-0a1b2c3d4e5f", Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}
	out := make([]*corev1.Pod, n)
	for i := range out {
		p := SyntheticPod(sz, i%sz.Deployments, i/sz.Deployments, owner, i)
		p.UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
		p.CreationTimestamp = metav1.NewTime(time.Unix(1700000000, 0))
		p.Spec.Tolerations = []corev1.Toleration{
			{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
			{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
		}
		p.Spec.RestartPolicy, p.Spec.SchedulerName = corev1.RestartPolicyAlways, corev1.DefaultSchedulerName
		p.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}
		out[i] = p
	}
	return out
}

func CreatePod(ctx context.Context, cs kubernetes.Interface, p *corev1.Pod) error {
	status := p.Status
	created, err := cs.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	created.Status = status
	if _, err := cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("pod %s/%s status: %w", p.Namespace, p.Name, err)
	}
	return nil
}

// parallel runs fn for 0..n-1 on workers goroutines and returns the first error.
// Parallel runs fn(ctx, i) for i in [0, n) on workers goroutines; the first error cancels the
// rest and is returned.
func Parallel(ctx context.Context, workers, n int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var first error
	var once sync.Once
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return first
}

// RemoveSynthetic deletes what Synthetic(sz) created, except its namespaces and their service
// accounts: a control plane without the namespace controller would leave a deleted namespace
// terminating for good, and a later Synthetic could not create pods in it. A test that seeds a
// large cluster into a shared control plane calls it when it ends, so the tests after it see the
// cluster they expect.
func RemoveSynthetic(ctx context.Context, cs kubernetes.Interface, sz Size) error {
	for i := 0; i < sz.Namespaces; i++ {
		ns := fmt.Sprintf("synth-%03d", i)
		all := metav1.ListOptions{}
		// No kubelet confirms a bound pod's graceful deletion here: delete at once.
		now := metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}
		for what, del := range map[string]func() error{
			"pods":        func() error { return cs.CoreV1().Pods(ns).DeleteCollection(ctx, now, all) },
			"replicasets": func() error { return cs.AppsV1().ReplicaSets(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all) },
			"deployments": func() error { return cs.AppsV1().Deployments(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, all) },
		} {
			if err := del(); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("deleting the %s of %s: %w", what, ns, err)
			}
		}
	}
	return Parallel(ctx, 16, sz.Nodes, func(ctx context.Context, i int) error {
		name := SyntheticNode(i, metav1.Time{}).Name
		if err := cs.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("node %s: %w", name, err)
		}
		return nil
	})
}
